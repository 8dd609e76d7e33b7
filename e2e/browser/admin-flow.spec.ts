/**
 * The panel end to end as a super admin: issue a voucher, see its card arrive in the
 * WhatsApp sandbox's inbox for that phone, void it, and find both changes in the audit
 * log with their before/after diffs and the chain still verified.
 */
import type postgres from 'postgres';
import { db } from '../support/stack.ts';
import { allowSending, freshMsisdn, saveSendingSettings } from '../support/vouchers.ts';
import { ADMIN_LOGINS, adminUrl, signInAdmin } from './admin-session.ts';
import { expect, test } from './fixtures.ts';

const sandboxUrl = process.env.WHATSAPP_SANDBOX_URL ?? '';

let sql: postgres.Sql;
let restoreSending: () => Promise<void>;
test.beforeAll(async () => {
  sql = db();
  restoreSending = await saveSendingSettings(sql);
  // The card must go out whatever the hour: no quiet hours, no throttle in the way.
  await allowSending(sql);
});
test.afterAll(async () => {
  await restoreSending();
  await sql.end();
});

test('issue → card in the WhatsApp inbox → void → both in the audit log with diffs', async ({ page }) => {
  const msisdn = freshMsisdn();
  await signInAdmin(page, ADMIN_LOGINS.super_admin, '/vouchers');

  // Issue one voucher and send its card.
  await page.getByRole('button', { name: 'Issue voucher' }).click();
  const issue = page.getByRole('dialog', { name: 'Issue a voucher' });
  await issue.getByLabel("Driver's phone number").fill(msisdn);
  await issue.getByLabel('Amount (RWF)').fill('7500');
  await issue.getByLabel('Send the card on WhatsApp now').check();
  await issue.getByRole('button', { name: 'Issue voucher' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'the card was sent on WhatsApp' })).toBeVisible();

  const [voucher] = await sql<{ id: string; code5: string; status: string }[]>`
    select v.id, v.code5, v.status from public.vouchers v join public.users u on u.id = v.user_id where u.msisdn = ${msisdn}`;
  if (!voucher) throw new Error(`no voucher was issued to ${msisdn}`);
  expect(voucher.status).toBe('sent');
  const drawer = page.getByRole('dialog', { name: `Voucher ${voucher.code5}` });
  await expect(drawer).toBeVisible();

  // The driver's phone got the card: an image and the template text with the code.
  const inbox = await page.context().newPage();
  await inbox.goto(`${sandboxUrl}/inbox/${encodeURIComponent(msisdn.slice(1))}`);
  await expect(inbox.locator('.chat img')).toHaveCount(1);
  await expect(inbox.locator('.chat')).toContainText(voucher.code5);
  await inbox.close();

  // Void it, with a reason.
  await drawer.getByRole('button', { name: 'Void…' }).click();
  const confirm = page.getByRole('dialog', { name: /Void/ });
  await confirm.getByLabel('Reason').fill('Issued to the wrong driver');
  await confirm.getByRole('button', { name: 'Void voucher' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: `Voucher ${voucher.code5} voided` })).toBeVisible();
  const [after] = await sql<{ status: string }[]>`select status from public.vouchers where id = ${voucher.id}`;
  expect(after?.status).toBe('void');

  // The audit log, filtered to this voucher: its insert and its changes, each with a diff.
  await page.goto(`${adminUrl}/audit?table=vouchers&target=${voucher.id}`);
  const entries = page.getByTestId('audit-entry');
  await expect(entries.first()).toBeVisible();
  await expect(entries.filter({ hasText: 'Created' })).toHaveCount(1);
  const updates = entries.filter({ hasNotText: 'Created' });
  expect(await updates.count()).toBeGreaterThanOrEqual(2); // sent, then void

  // Newest first: the void is the top entry; its diff shows the status going sent → void.
  await entries.first().getByRole('button', { name: 'Show changes' }).click();
  const voidDiff = page.getByTestId('diff').first();
  const status = voidDiff.locator('[data-path="status"]');
  await expect(status).toContainText('sent');
  await expect(status).toContainText('void');

  // The insert's diff shows the new row (nothing before it).
  await entries.filter({ hasText: 'Created' }).getByRole('button', { name: 'Show changes' }).click();
  await expect(page.getByTestId('diff').last()).toContainText('7500');

  await expect(page.getByTestId('chain-status')).toContainText(/verified|intact/i);
});
