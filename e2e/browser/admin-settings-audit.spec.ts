/**
 * The admin panel's settings, audit log and stations pages in Chromium against the real
 * stack: a super admin changes quiet hours and the throttle and uses the opt-out list,
 * then finds those changes (with their diffs) in the audit log under a verified chain; a
 * station is created, edited and given an operator who is then moved; a read-only admin
 * sees the settings with nothing to save. Each test makes its own names and numbers.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import type postgres from 'postgres';
import { db, DEMO, serviceClient, stack } from '../support/stack.ts';
import { expect, test } from './fixtures.ts';

const adminUrl = process.env.ADMIN_URL ?? '';

/** The values the settings tests start from (the seed's), and what was there before, put back after. */
const BASELINE = {
  quiet_hours: { rw: { start: '22:00', end: '06:00' }, mt: { start: '22:00', end: '08:00' } },
  send_throttle: { whatsapp: { per_minute: 60 } },
};
let sql: postgres.Sql;
let saved: { key: string; value: unknown }[] = [];

test.beforeAll(async () => {
  sql = db();
  saved = await sql<{ key: string; value: unknown }[]>`
    select key, value from public.settings where key in ('quiet_hours', 'send_throttle')`;
});
test.beforeEach(async () => {
  for (const [key, value] of Object.entries(BASELINE)) {
    await sql`update public.settings set value = ${sql.json(value)} where key = ${key}`;
  }
});
test.afterAll(async () => {
  for (const { key, value } of saved) {
    await sql`update public.settings set value = ${sql.json(value as never)} where key = ${key}`;
  }
  await sql.end({ timeout: 2 });
});

async function signInAt(page: Page, email: string, path: string): Promise<void> {
  await page.goto(new URL(path, adminUrl).href);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(stack.demoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toContainText(email);
}

/** A confirmed account no other test uses. */
async function makeAccount(prefix: string): Promise<string> {
  const email = `${prefix}-${randomUUID().slice(0, 8)}@easymo.test`;
  const { error } = await serviceClient().auth.admin.createUser({
    email,
    password: stack.demoPassword,
    email_confirm: true,
    user_metadata: { full_name: `Test ${prefix}` },
  });
  if (error) throw new Error(`could not create ${email}: ${error.message}`);
  return email;
}

const toast = (page: Page, text: string) => page.getByTestId('toast').filter({ hasText: text });

/** Opens an audit entry's diff and returns it. */
async function openDiff(page: Page, target: string) {
  const entry = page.getByTestId('audit-entry').filter({ hasText: target }).first();
  const button = entry.getByRole('button', { name: 'Show changes' });
  const id = await button.getAttribute('aria-controls');
  await button.click();
  return page.locator(`[id="${id}"]`).getByTestId('diff');
}

test('a super admin changes quiet hours and the throttle, adds and checks an opt-out, and the audit log shows each change with its diff under a verified chain', async ({
  page,
}) => {
  const start = `21:${String(randomInt(10, 60))}`;
  const perMinute = randomInt(100, 1000);
  const digits = String(randomInt(0, 10_000_000)).padStart(7, '0');
  const local = `078${digits}`;
  const e164 = `+25078${digits}`;

  await signInAt(page, DEMO.admin, '/settings');

  // Quiet hours: a window across midnight, explained in words, saved, its author shown.
  const quiet = page.getByTestId('setting-quiet-hours');
  const rwanda = quiet.getByRole('group', { name: 'Rwanda' });
  await expect(rwanda.getByLabel('Start')).toHaveValue('22:00');
  await rwanda.getByLabel('Start').fill('25:00');
  await expect(rwanda).toContainText('Start: a time as HH:MM, 00:00 to 23:59');
  await rwanda.getByLabel('Start').fill(start);
  await expect(rwanda.getByTestId('quiet-hint')).toHaveText(
    `${start} → 06:00 crosses midnight: quiet overnight, from ${start} until 06:00 the next morning.`,
  );
  await quiet.getByRole('button', { name: 'Save quiet hours' }).click();
  await expect(toast(page, 'Quiet hours saved')).toBeVisible();
  await expect(quiet.getByTestId('last-change')).toContainText(`Last changed by ${DEMO.admin}`);
  await expect(rwanda.getByLabel('Start')).toHaveValue(start);

  // The throttle: 0 would pause sending and says so; a number is saved.
  const throttle = page.getByTestId('setting-send-throttle');
  const rate = throttle.getByLabel('WhatsApp messages per minute');
  await rate.fill('0');
  await expect(throttle.getByTestId('throttle-paused')).toContainText('0 pauses sending');
  await rate.fill(String(perMinute));
  await expect(throttle.getByTestId('throttle-paused')).toHaveCount(0);
  await throttle.getByRole('button', { name: 'Save throttle' }).click();
  await expect(toast(page, 'Send throttle saved')).toBeVisible();
  await expect(throttle.getByTestId('last-change')).toContainText(DEMO.admin);

  // The opt-out list: a number typed the local way is added, counted, then checked.
  const optOuts = page.getByTestId('setting-opt-outs');
  await expect(optOuts).toContainText('cannot be shown');
  const countBefore = Number((await optOuts.getByTestId('opt-out-count').textContent())?.replace(/\D/g, ''));
  await optOuts.getByLabel('Phone number').fill(local);
  await optOuts.getByRole('button', { name: 'Add to list' }).click();
  await expect(optOuts.getByTestId('opt-out-result')).toHaveText(
    `${e164} was added to the opt-out list: it will get no more messages.`,
  );
  await expect(optOuts.getByTestId('opt-out-count')).toHaveText(String(countBefore + 1));
  await optOuts.getByRole('button', { name: 'Check' }).click();
  await expect(optOuts.getByTestId('opt-out-result')).toHaveText(
    `${e164} is on the opt-out list: it gets no messages.`,
  );

  // The audit log, filtered to settings changed by this admin.
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByLabel('Table').selectOption('settings');
  await page.getByLabel('Actor email').fill(DEMO.admin);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/table=settings/);
  await expect(page).toHaveURL(/actor=admin%40easymo\.test/);
  await expect(page.getByTestId('audit-entry').first()).toBeVisible();
  const tables = await page.getByTestId('audit-entry').locator('td:nth-child(4)').allTextContents();
  expect(new Set(tables)).toEqual(new Set(['settings']));

  const quietDiff = await openDiff(page, 'quiet_hours');
  const startChange = quietDiff.locator('[data-path="value.rw.start"]');
  await expect(startChange).toHaveAttribute('data-testid', 'diff-changed');
  await expect(startChange.getByRole('deletion')).toContainText('22:00');
  await expect(startChange.getByRole('insertion')).toContainText(start);
  await expect(quietDiff.getByText(/unchanged fields?/)).toBeVisible();

  const throttleDiff = await openDiff(page, 'send_throttle');
  const rateChange = throttleDiff.locator('[data-path="value.whatsapp.per_minute"]');
  await expect(rateChange.getByRole('deletion')).toContainText('60');
  await expect(rateChange.getByRole('insertion')).toContainText(String(perMinute));

  const optOutDiff = await openDiff(page, 'opt_out_list');
  // The list holds hashes: one arrived, none left.
  await expect(optOutDiff.getByTestId('diff-added')).toHaveCount(1);
  await expect(optOutDiff.getByTestId('diff-added')).toHaveAttribute('data-path', /^value\[\d+\]$/);
  await expect(optOutDiff.getByTestId('diff-removed')).toHaveCount(0);

  // The chain, checked by the server, and checked again on request.
  const chain = page.getByTestId('chain-status');
  await expect(chain).toContainText('Chain verified');
  await page.getByRole('button', { name: 'Verify again' }).click();
  await expect(page.getByRole('button', { name: 'Verify again' })).toBeEnabled();
  await expect(chain).toContainText('Chain verified');
  await expect(chain).toContainText(/Head #\d+/);
});

test('a station is created, edited and given an operator, who is then moved to another station and removed', async ({
  page,
}) => {
  const tag = randomUUID().slice(0, 6).toUpperCase();
  const north = `E2E North ${tag}`;
  const south = `E2E South ${tag}`;
  const operator = await makeAccount('e2e-operator');

  await signInAt(page, DEMO.dataops, '/stations');

  // Create: the code is upper-cased, the owner's number normalised, a lone coordinate refused.
  await page.getByRole('button', { name: 'New station' }).click();
  let dialog = page.getByRole('dialog', { name: 'New station' });
  await dialog.getByLabel('Name').fill(north);
  await dialog.getByLabel('ENGEN code').fill(`e2e-n-${tag}`);
  await dialog.getByLabel('Owner contact (optional)').fill('0788 123 456');
  await expect(dialog.getByText('Saved as +250788123456')).toBeVisible();
  await dialog.getByLabel('Latitude (optional)').fill('-1.95');
  await dialog.getByRole('button', { name: 'Create station' }).click();
  await expect(dialog.getByText('Give the longitude too, or clear both')).toBeVisible();
  await dialog.getByLabel('Longitude (optional)').fill('190');
  await dialog.getByRole('button', { name: 'Create station' }).click();
  await expect(dialog.getByText('Longitude is between -180 and 180 degrees')).toBeVisible();
  await dialog.getByLabel('Longitude (optional)').fill('30.06');
  await dialog.getByRole('button', { name: 'Create station' }).click();
  await expect(toast(page, `Station ${north} created`)).toBeVisible();

  let drawer = page.getByRole('dialog', { name: north });
  await expect(drawer.getByTestId('station-facts')).toContainText(`E2E-N-${tag}`);
  await expect(drawer.getByTestId('station-facts')).toContainText('+250788123456');
  await expect(drawer.getByTestId('station-facts')).toContainText('-1.95, 30.06');
  await expect(page).toHaveURL(/station=[0-9a-f-]{36}/);

  // The operator starts here.
  await drawer.getByLabel('Assign an operator by email').fill(operator);
  await drawer.getByRole('button', { name: 'Assign', exact: true }).click();
  await expect(toast(page, `${operator} now operates ${north}`)).toBeVisible();
  await expect(drawer.getByTestId('operator')).toContainText(operator);
  await drawer.getByRole('button', { name: 'Close' }).click();

  // A second station may not take the first one's code: the server's 409 is shown on the field.
  await page.getByRole('button', { name: 'New station' }).click();
  dialog = page.getByRole('dialog', { name: 'New station' });
  await dialog.getByLabel('Name').fill(south);
  await dialog.getByLabel('ENGEN code').fill(`E2E-N-${tag}`);
  await dialog.getByRole('button', { name: 'Create station' }).click();
  await expect(dialog.getByLabel('ENGEN code')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog).toContainText(`Another station already has the ENGEN code E2E-N-${tag}`);
  await dialog.getByLabel('ENGEN code').fill(`E2E-S-${tag}`);
  await dialog.getByRole('button', { name: 'Create station' }).click();
  await expect(toast(page, `Station ${south} created`)).toBeVisible();
  await page.getByRole('dialog', { name: south }).getByRole('button', { name: 'Close' }).click();

  // Search and status filter live in the URL.
  await page.getByLabel('Search').fill(tag);
  await expect(page).toHaveURL(new RegExp(`q=${tag}`));
  await expect(page.getByTestId('station-row')).toHaveCount(2);

  // Edit: renamed, inactive, location cleared.
  await page.getByRole('button', { name: north, exact: true }).click();
  drawer = page.getByRole('dialog', { name: north });
  await drawer.getByRole('button', { name: 'Edit station' }).click();
  dialog = page.getByRole('dialog', { name: `Edit ${north}` });
  await dialog.getByLabel('Name').fill(`${north} renamed`);
  await dialog.getByLabel('Inactive').check();
  await dialog.getByLabel('Latitude (optional)').fill('');
  await dialog.getByLabel('Longitude (optional)').fill('');
  await dialog.getByRole('button', { name: 'Save station' }).click();
  await expect(toast(page, `Station ${north} renamed saved`)).toBeVisible();
  drawer = page.getByRole('dialog', { name: `${north} renamed` });
  await expect(drawer.getByTestId('station-facts')).toContainText('inactive');
  await expect(drawer.getByTestId('station-facts')).toContainText('not set');
  await drawer.getByRole('button', { name: 'Close' }).click();

  await page.getByLabel('Status').selectOption('inactive');
  await expect(page).toHaveURL(/status=inactive/);
  await expect(page.getByTestId('station-row')).toHaveCount(1);
  await expect(page.getByTestId('station-row')).toContainText(`${north} renamed`);
  await page.getByLabel('Status').selectOption('');

  // Assigning them to the second station asks before moving them there.
  await page.getByRole('button', { name: south, exact: true }).click();
  drawer = page.getByRole('dialog', { name: south });
  await drawer.getByLabel('Assign an operator by email').fill(operator.toUpperCase());
  await drawer.getByRole('button', { name: 'Assign', exact: true }).click();
  const move = page.getByRole('dialog', { name: 'Move this operator here?' });
  await expect(move).toContainText(`${north} renamed`);
  await move.getByRole('button', { name: `Move to ${south}` }).click();
  await expect(toast(page, `${operator} now operates ${south}`)).toBeVisible();
  await expect(drawer.getByTestId('operator')).toContainText(operator);

  // Removing asks first; the assignment stays as history.
  await drawer.getByRole('button', { name: `Remove ${operator}` }).click();
  await page
    .getByRole('dialog', { name: 'Remove this operator?' })
    .getByRole('button', { name: 'Remove operator' })
    .click();
  await expect(toast(page, `${operator} no longer operates ${south}`)).toBeVisible();
  await expect(drawer.getByTestId('operator')).toHaveCount(0);
  await expect(drawer).toContainText('1 former operator');
});

test('a read-only admin sees the settings but cannot change them', async ({ page }) => {
  await signInAt(page, DEMO.readonly, '/settings');
  await expect(page.getByTestId('settings-read-only')).toContainText('Only a super admin can change them');

  const rwanda = page.getByTestId('setting-quiet-hours').getByRole('group', { name: 'Rwanda' });
  await expect(rwanda.getByLabel('Start')).toHaveValue('22:00');
  await expect(rwanda.getByLabel('Start')).toBeDisabled();
  await expect(page.getByLabel('WhatsApp messages per minute')).toHaveValue('60');
  await expect(page.getByLabel('WhatsApp messages per minute')).toBeDisabled();
  await expect(page.getByRole('button', { name: /^Save/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add country' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add to list' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'New template' })).toHaveCount(0);

  // Reading is allowed: a number can still be checked.
  const optOuts = page.getByTestId('setting-opt-outs');
  await optOuts.getByLabel('Phone number').fill('+250788000001');
  await optOuts.getByRole('button', { name: 'Check' }).click();
  await expect(optOuts.getByTestId('opt-out-result')).toContainText('+250788000001 is');

  // And the server refuses a save from this session, whatever the page shows.
  const session = await page.evaluate(() => localStorage.getItem('easymo-admin-auth'));
  const token = (JSON.parse(session ?? '{}') as { access_token?: string }).access_token ?? '';
  const response = await page.request.put(`${stack.url}/functions/v1/admin/settings/send_throttle`, {
    headers: { authorization: `Bearer ${token}`, apikey: stack.anonKey, 'content-type': 'application/json' },
    data: JSON.stringify({ value: { whatsapp: { per_minute: 1 } } }),
  });
  expect(response.status()).toBe(403);
  const [row] = await sql<{ value: unknown }[]>`select value from public.settings where key = 'send_throttle'`;
  expect(row?.value).toEqual(BASELINE.send_throttle);

  // Stations: readable, with nothing to create.
  await page.getByRole('link', { name: 'Stations' }).click();
  await expect(page.getByRole('heading', { name: 'Stations' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'New station' })).toHaveCount(0);
});
