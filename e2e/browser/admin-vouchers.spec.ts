/**
 * The admin panel's vouchers page in Chromium against the real stack: a bulk CSV with
 * bad rows is refused row by row and issues nothing until a fixed file is chosen, whose
 * job is then followed to the end; the view (filters, sort, open voucher) lives in the
 * URL, so it survives a reload and a shared link opens the same voucher; voiding needs a
 * reason and leaves the voucher void.
 */
import type { Page } from '@playwright/test';
import type postgres from 'postgres';
import { db, DEMO, stack } from '../support/stack.ts';
import { freshMsisdn, makeVoucher, tick } from '../support/vouchers.ts';
import { expect, test } from './fixtures.ts';

const adminUrl = process.env.ADMIN_URL ?? '';
let sql: postgres.Sql;

test.beforeAll(() => {
  sql = db();
});
test.afterAll(async () => {
  await sql.end({ timeout: 2 });
});

async function signIn(page: Page, email: string, path = '/vouchers'): Promise<void> {
  await page.goto(adminUrl + path);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(stack.demoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toContainText(email);
}

/** The list's total count as a number ("1,234" → 1234). */
async function listedCount(page: Page): Promise<number> {
  const text = (await page.getByTestId('vouchers-count').textContent()) ?? '';
  return Number(text.replace(/\D/g, ''));
}

const file = (rows: string[]) => ({
  name: 'drivers.csv',
  mimeType: 'text/csv',
  buffer: Buffer.from(`msisdn,amount,expires_at\n${rows.join('\n')}\n`),
});

test('a bulk CSV with bad rows lists each one and issues nothing; the fixed file is issued with progress to done', async ({
  page,
}) => {
  test.setTimeout(120_000);
  // Other tests' unfinished jobs would share the ticks below.
  await sql`update public.voucher_bulk_jobs set status = 'failed' where status in ('queued', 'running')`;
  const total = 1200;
  const numbers = Array.from({ length: total }, () => freshMsisdn());
  const good = numbers.map((msisdn, i) => `${msisdn},${1000 + i},`);
  // Lines count from the header (line 1): row i is on line i + 2.
  const bad = [...good];
  bad[1] = 'not-a-number,1001,';
  bad[599] = `${numbers[599]},12.345,`;
  bad[1199] = `${numbers[1199]},2199,2020-01-01`;
  const issuedFor = async () =>
    (
      await sql<{ n: number }[]>`select count(*)::int as n from public.vouchers v
      join public.users u on u.id = v.user_id where u.msisdn = any(${numbers})`
    )[0]?.n;
  const jobs = async () => (await sql<{ n: number }[]>`select count(*)::int as n from public.voucher_bulk_jobs`)[0]?.n;
  const jobsBefore = await jobs();

  await signIn(page, DEMO.dataops);
  await expect(page.getByTestId('vouchers-count')).toBeVisible();
  const before = await listedCount(page);

  await page.getByRole('button', { name: 'Bulk issue (CSV)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Issue vouchers from a CSV file' });
  await dialog.getByLabel('Send the cards on WhatsApp').uncheck();
  await dialog.getByLabel('Choose a CSV file').setInputFiles(file(bad));

  const problems = dialog.getByTestId('csv-error');
  await expect(problems).toHaveCount(3);
  await expect(problems.nth(0)).toHaveText(/^3msisdnnot a phone number/);
  await expect(problems.nth(1)).toHaveText('601amountnot an amount (digits, at most 2 decimals)');
  await expect(problems.nth(2)).toHaveText('1201expires_atis in the past');
  await expect(dialog.getByTestId('preview-rows')).toHaveText('1,200');
  await expect(dialog.getByTestId('preview-valid')).toHaveText('1,197');
  await expect(dialog.getByTestId('preview-bad')).toHaveText('3');
  await expect(dialog.getByRole('alert')).toContainText('Fix the file and choose it again');
  await expect(dialog.getByRole('button', { name: /^Issue 1,197 vouchers/ })).toBeDisabled();

  // Nothing was issued and no job exists: in the database and in the list behind.
  expect(await issuedFor()).toBe(0);
  expect(await jobs()).toBe(jobsBefore);
  expect(await listedCount(page)).toBe(before);

  // The same file name again, now fixed: it is checked again (not ignored as "unchanged").
  await dialog.getByLabel('Choose a CSV file').setInputFiles(file(good));
  await expect(dialog.getByText('Every row is good: 1,200 vouchers will be issued.')).toBeVisible();
  await expect(problems).toHaveCount(0);
  const sum = numbers.reduce((n, _, i) => n + 1000 + i, 0);
  await expect(dialog.getByTestId('preview-amount')).toHaveText(`${sum.toLocaleString('en')} RWF`);
  await dialog.getByRole('button', { name: 'Issue 1,200 vouchers' }).click();

  const progress = dialog.getByTestId('bulk-progress');
  await expect(progress).toBeVisible();
  await expect(page).toHaveURL(/[?&]bulk=[0-9a-f-]{36}/);
  const jobId = new URL(page.url()).searchParams.get('bulk') ?? '';
  await expect(dialog.getByTestId('bulk-counts')).toHaveText('0 of 1,200 rows processed · 0 issued · 0 sent');
  await expect(dialog.getByTestId('bulk-status')).toHaveText('Waiting to start');

  // The scheduler works in batches of 500 and stops starting new ones after the budget
  // (100 ms is far less than three batches take): the page shows the job part-way.
  const first = (await tick({ tasks: ['bulk'], budget_ms: 100 })) as { bulk_rows: number };
  expect(first.bulk_rows).toBeGreaterThan(0);
  expect(first.bulk_rows).toBeLessThan(total);
  const partWay = first.bulk_rows.toLocaleString('en');
  await expect(dialog.getByTestId('bulk-counts')).toHaveText(
    `${partWay} of 1,200 rows processed · ${partWay} issued · 0 sent`,
  );
  await expect(dialog.getByTestId('bulk-status')).toHaveText('Issuing');
  await expect(dialog.getByRole('progressbar', { name: 'Rows processed' })).toHaveAttribute(
    'value',
    String(first.bulk_rows),
  );
  for (let i = 0; i < 10; i++) {
    const [job] = await sql<{ status: string }[]>`select status from public.voucher_bulk_jobs where id = ${jobId}`;
    if (job?.status === 'done') break;
    await tick({ tasks: ['bulk'] });
  }
  await expect(dialog.getByTestId('bulk-status')).toHaveText('Done');
  await expect(dialog.getByTestId('bulk-counts')).toHaveText('1,200 of 1,200 rows processed · 1,200 issued · 0 sent');
  await expect(dialog.getByRole('progressbar', { name: 'Rows processed' })).toHaveAttribute('value', '1200');
  expect(await issuedFor()).toBe(total);

  await dialog.getByRole('button', { name: 'Back to the list' }).click();
  await expect(page).not.toHaveURL(/bulk=/);
  await expect.poll(() => listedCount(page)).toBe(before + total);
});

test('filters and sort survive a reload; a shared link opens the same voucher', async ({ page, context }) => {
  // A code with three digits or more is also searched as part of phone numbers, and could
  // then find other drivers' vouchers: this test wants the code search alone.
  let voucher = await makeVoucher(sql, { status: 'sent', amount: 4321 });
  while (voucher.code5.replace(/\D/g, '').length >= 3)
    voucher = await makeVoucher(sql, { status: 'sent', amount: 4321 });
  await signIn(page, DEMO.readonly);

  await page.getByLabel('Status').selectOption('sent');
  await page.getByLabel('Code or phone').fill(voucher.code5.toLowerCase());
  await expect(page).toHaveURL(/[?&]q=/);
  await expect(page).toHaveURL(/[?&]status=sent/);
  await page.getByRole('button', { name: /^Amount/ }).click();
  await expect(page).toHaveURL(/[?&]sort=amount/);
  const rows = page.getByTestId('voucher-row');
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('vouchers-totals')).toContainText('1 voucher · 4,321 RWF');

  await page.reload();
  await expect(page.getByLabel('Status')).toHaveValue('sent');
  await expect(page.getByLabel('Code or phone')).toHaveValue(voucher.code5.toLowerCase());
  await expect(page.getByRole('columnheader', { name: /^Amount/ })).toHaveAttribute('aria-sort', 'descending');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(voucher.code5);
  await expect(page.getByTestId('vouchers-totals')).toContainText('1 voucher · 4,321 RWF');

  // Keyboard: the row is reachable and Enter opens it; the URL names the voucher.
  await rows.first().focus();
  await page.keyboard.press('Enter');
  const drawer = page.getByRole('dialog', { name: `Voucher ${voucher.code5}` });
  await expect(drawer).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`[?&]voucher=${voucher.id}`));
  const shared = page.url();

  // Someone else opens the link (same browser session, fresh page).
  const other = await context.newPage();
  await other.goto(shared);
  const otherDrawer = other.getByRole('dialog', { name: `Voucher ${voucher.code5}` });
  await expect(otherDrawer).toBeVisible();
  await expect(otherDrawer.getByTestId('voucher-status')).toHaveText('Sent');
  await expect(otherDrawer).toContainText('4,321 RWF');
  await expect(otherDrawer.getByTestId('voucher-timeline')).toContainText('Card sent');
  await expect(other.getByLabel('Status')).toHaveValue('sent');
  // A read-only role is shown no actions.
  await expect(otherDrawer.getByRole('button', { name: /Void|Resend|Send card/ })).toHaveCount(0);

  // Escape closes the drawer and keeps the filters.
  await other.keyboard.press('Escape');
  await expect(otherDrawer).toBeHidden();
  await expect(other).not.toHaveURL(/voucher=/);
  await expect(other).toHaveURL(/[?&]status=sent/);
});

test('voiding needs a reason, and the voucher is void afterwards with the reason recorded', async ({ page }) => {
  const voucher = await makeVoucher(sql, { status: 'sent', amount: 1500 });
  await signIn(page, DEMO.admin, `/vouchers?voucher=${voucher.id}`);
  const drawer = page.getByRole('dialog', { name: `Voucher ${voucher.code5}` });
  await expect(drawer.getByTestId('voucher-status')).toHaveText('Sent');

  await drawer.getByRole('button', { name: 'Void…' }).click();
  const confirm = page.getByRole('dialog', { name: `Void voucher ${voucher.code5}?` });
  await confirm.getByRole('button', { name: 'Void voucher' }).click();
  await expect(confirm.getByRole('alert')).toHaveText('Give a reason');
  expect((await sql`select status from public.vouchers where id = ${voucher.id}`)[0]?.status).toBe('sent');

  await confirm.getByLabel('Reason').fill('issued to the wrong driver');
  await confirm.getByRole('button', { name: 'Void voucher' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByTestId('toast')).toContainText(`Voucher ${voucher.code5} voided`);
  await expect(drawer.getByTestId('voucher-status')).toHaveText('Void');
  await expect(drawer).toContainText('issued to the wrong driver');
  // Void is final: no action is offered any more.
  await expect(drawer.getByRole('button', { name: /Void…|Resend|Send card/ })).toHaveCount(0);
  expect((await sql`select status from public.vouchers where id = ${voucher.id}`)[0]?.status).toBe('void');
});
