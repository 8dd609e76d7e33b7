/**
 * A new version of the station app (registerType 'prompt'): offered to the operator, but
 * never while a redemption is open, and applied only when they choose.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type postgres from 'postgres';
import { db, DEMO, stack } from '../support/stack.ts';
import { forgetAttempts, makeVoucher } from '../support/vouchers.ts';
import { expect, test } from './fixtures.ts';

const stationUrl = process.env.STATION_URL ?? '';
// The build `vite preview` serves: changing its service worker is what a deploy does.
const swFile = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../station-pwa/dist/sw.js');

let sql: postgres.Sql;
test.beforeAll(() => {
  sql = db();
});
test.afterAll(async () => {
  await sql.end({ timeout: 2 });
});

test('an update waits while a voucher is open, then is offered and applied on request', async ({ page }) => {
  await forgetAttempts(sql);
  const voucher = await makeVoucher(sql);
  const original = readFileSync(swFile, 'utf8');
  try {
    await page.setViewportSize({ width: 360, height: 640 });
    await page.goto(stationUrl);
    await page.getByLabel('Email').fill(DEMO.operator);
    await page.getByLabel('Password').fill(stack.demoPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Engen Kacyiru' })).toBeVisible();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

    // The operator has a voucher on screen when the new version arrives.
    await page.getByLabel('Character 1 of 5').fill(voucher.code5);
    await page.getByRole('button', { name: 'Check code' }).click();
    await expect(page.getByTestId('amount')).toBeVisible();
    writeFileSync(swFile, `${original}\n// next version\n`);
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      await registration.update();
      // Installed and waiting: the app has been told a new version is ready.
      for (let i = 0; i < 100 && !registration.waiting; i++) await new Promise((r) => setTimeout(r, 100));
    });
    await page.waitForTimeout(500);
    await expect(page.getByTestId('update-prompt')).toHaveCount(0);

    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('update-prompt')).toBeVisible();
    const waitingBefore = await page.evaluate(async () => Boolean((await navigator.serviceWorker.ready).waiting));
    expect(waitingBefore).toBe(true);

    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Update' }).click()]);
    await expect(page.getByRole('heading', { name: 'Engen Kacyiru' })).toBeVisible();
    const after = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return { waiting: Boolean(registration.waiting), controlled: Boolean(navigator.serviceWorker.controller) };
    });
    expect(after).toEqual({ waiting: false, controlled: true });
    await expect(page.getByTestId('update-prompt')).toHaveCount(0);
  } finally {
    writeFileSync(swFile, original);
  }
});
