/**
 * The station's screens checked with axe-core against WCAG 2 A and AA (contrast, names,
 * labels, landmarks) at 360×640, the size of the cheapest tablets and phones in use.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type postgres from 'postgres';
import { db, DEMO, stack } from '../support/stack.ts';
import { forgetAttempts, makeVoucher } from '../support/vouchers.ts';
import { expect, test } from './fixtures.ts';

const stationUrl = process.env.STATION_URL ?? '';
let sql: postgres.Sql;

test.beforeAll(() => {
  sql = db();
});
test.afterAll(async () => {
  await sql.end({ timeout: 2 });
});

async function audit(page: Page, screen: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`),
    `accessibility problems on the ${screen} screen`,
  ).toEqual([]);
}

test('every station screen passes WCAG 2.1 AA checks at 360×640', async ({ page, context }) => {
  await forgetAttempts(sql);
  const [sent, cancelled] = [await makeVoucher(sql, { amount: 3000 }), await makeVoucher(sql, { status: 'void' })];
  await page.setViewportSize({ width: 360, height: 640 });
  await page.goto(stationUrl);
  await audit(page, 'sign-in');

  await page.getByLabel('Email').fill(DEMO.operator);
  await page.getByLabel('Password').fill(stack.demoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Engen Kacyiru' })).toBeVisible();
  await audit(page, 'home');

  await page.getByLabel('Character 1 of 5').fill(sent.code5);
  await page.getByRole('button', { name: 'Check code' }).click();
  await expect(page.getByTestId('amount')).toHaveText('3,000 RWF');
  await audit(page, 'voucher');
  await page
    .getByRole('region', { name: /^Voucher/ })
    .getByRole('button', { name: /^Redeem/ })
    .click();
  await expect(page.getByTestId('outcome-success')).toBeVisible();
  await audit(page, 'success');
  await page.getByRole('button', { name: 'Next voucher' }).click();

  await page.getByLabel('Character 1 of 5').fill(cancelled.code5);
  await page.getByRole('button', { name: 'Check code' }).click();
  await expect(page.getByTestId('outcome-refused')).toBeVisible();
  await audit(page, 'refused');
  await page.getByRole('button', { name: 'Next voucher' }).click();

  await context.setOffline(true);
  await page.getByLabel('Character 1 of 5').fill(cancelled.code5);
  await page.getByRole('button', { name: 'Check code' }).click();
  await audit(page, 'voucher (offline, unverified)');
  await page
    .getByRole('region', { name: /^Voucher/ })
    .getByRole('button', { name: /^Redeem/ })
    .click();
  await expect(page.getByTestId('outcome-queued')).toBeVisible();
  await audit(page, 'queued');
  await page.getByRole('button', { name: 'Queue' }).click();
  await audit(page, 'queue (offline, one waiting)');
  await context.setOffline(false);
  await expect(page.getByTestId('attention-list')).toContainText('This voucher was cancelled.', { timeout: 20_000 });
  await expect(page.getByTestId('synced-list')).toContainText(sent.code5);
  await audit(page, 'queue (needs attention, synced)');

  await page.getByRole('button', { name: 'Today' }).click();
  await expect(page.getByTestId('history-list')).toContainText(sent.code5);
  await audit(page, 'history');
  await page.getByRole('button', { name: 'Settings' }).click();
  await audit(page, 'settings');
});
