/**
 * The admin panel's campaigns in Chromium against the real stack, driven as support
 * staff would: a draft is created, a targets CSV with bad rows is checked (each bad row
 * listed with its reason) and only the good rows are imported; the pre-flight estimate
 * shows where the targets are and how long they take, and says when the throttle pauses
 * sending; the campaign is started and its progress moves as the scheduler's dispatcher
 * sends; paused, nothing more goes out across a tick; failed targets are retried, one and
 * all; resumed, it sends again; finished, the rest is never sent. A read-only admin sees
 * a campaign without its targets and without actions, and the server refuses them too.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import type postgres from 'postgres';
import { db, DEMO } from '../support/stack.ts';
import { freshMsisdn, sandbox, saveSendingSettings, tick } from '../support/vouchers.ts';
import { ADMIN_LOGINS, callAdminApi, signInAdmin } from './admin-session.ts';
import { expect, test } from './fixtures.ts';

let sql: postgres.Sql;
let restoreSettings: () => Promise<void>;
/** Running campaigns of other tests (and the seed), paused while this file runs so the dispatcher sends only ours. */
let pausedOthers: string[] = [];

test.beforeAll(async () => {
  sql = db();
  restoreSettings = await saveSendingSettings(sql);
  pausedOthers = (
    await sql<{ id: string }[]>`update public.campaigns set status = 'paused' where status = 'running' returning id`
  ).map((row) => row.id);
});
test.afterAll(async () => {
  await sandbox('DELETE', 'failures');
  if (pausedOthers.length > 0) {
    await sql`update public.campaigns set status = 'running' where id = any(${pausedOthers}) and status = 'paused'`;
  }
  await restoreSettings();
  await sql.end({ timeout: 2 });
});

/** "HH:MM" in Kigali, `hours` from now. */
function kigaliTime(hours: number, minutes = 0): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Africa/Kigali',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(Date.now() + (hours * 60 + minutes) * 60_000));
}

/**
 * Sending as this file needs it: one WhatsApp message a second (60 a minute, so a short
 * tick sends one), an empty throttle window and no back-off, and quiet hours that exist
 * (so the estimate shows them) but lie half a day away in Rwanda and Malta alike.
 */
async function openSending(perMinute: number): Promise<{ start: string; end: string }> {
  const quiet = { start: kigaliTime(12), end: kigaliTime(12, 30) };
  await sql`update public.settings set value = ${sql.json({ rw: quiet, mt: quiet })} where key = 'quiet_hours'`;
  await setThrottle(perMinute);
  await sql`update public.settings set value = '[]' where key = 'opt_out_list'`;
  await sql`delete from public.send_counts`;
  await sql`update public.send_channels set paused_until = null`;
  return quiet;
}

async function setThrottle(perMinute: number): Promise<void> {
  await sql`update public.settings set value = ${sql.json({ whatsapp: { per_minute: perMinute } })} where key = 'send_throttle'`;
}

/** One short dispatcher tick: at one message a second it sends at most one target. */
async function dispatch(): Promise<{ sent: number; failed: number }> {
  // Just after the start of a new second: the throttle's share (1 at 60 a minute) is free
  // again, and the short tick cannot reach into the next second and send another.
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
  const result = (await tick({ tasks: ['campaigns'], budget_ms: 100 })) as {
    campaigns: { sent: number; failed: number };
  };
  return result.campaigns;
}

/** Targets with an outcome (anything but queued or waiting), in the database. */
async function handledInDb(campaignId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from public.campaign_targets
     where campaign_id = ${campaignId} and status not in ('queued', 'queued_throttled')`;
  return row?.n ?? 0;
}

/** "5 of 8 handled (62.5%)" → 5. */
async function handledOnPage(page: Page): Promise<number> {
  const text = (await page.getByTestId('progress-handled').textContent()) ?? '';
  return Number(/^([\d,]+) of/.exec(text)?.[1]?.replace(/,/g, '') ?? NaN);
}

const toast = (page: Page, text: string | RegExp) => page.getByTestId('toast').filter({ hasText: text });

const malta = () => `+35679${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;

test('support creates a campaign, imports a CSV with bad rows, starts it, watches it, pauses, retries, resumes and finishes', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const quiet = await openSending(60);
  const name = `E2E weekend promo ${randomUUID().slice(0, 6)}`;

  // The file: eight good rows (a local number among them, one in Malta, one that opted
  // out) and three bad ones. Line 1 is the header.
  const [a, c, o, d, e, f, g] = [
    freshMsisdn(),
    freshMsisdn(),
    freshMsisdn(),
    freshMsisdn(),
    freshMsisdn(),
    freshMsisdn(),
    freshMsisdn(),
  ];
  const localDigits = String(randomInt(0, 10_000_000)).padStart(7, '0');
  const b = `+25078${localDigits}`;
  const m = malta();
  await sql`insert into public.opt_outs (phone_e164, reason) values (${o}, 'keyword:STOP')`;
  const rows = [
    `${a},Jean,Kacyiru,10%`, // 2
    'not-a-number,Eric,Remera,10%', // 3: not a number
    `078${localDigits},Aline,Kacyiru,5%`, // 4: a local number, read as Rwandan
    `${a},Jean again,Kacyiru,10%`, // 5: duplicate of line 2
    `${c},,Kacyiru,10%`, // 6: no name
    `${m},Maria,Valletta,5%`, // 7: Malta
    `${o},Olivier,Remera,10%`, // 8: opted out
    `${d},Diane,Kacyiru,10%`,
    `${e},Emile,Remera,10%`,
    `${f},Fiona,Kacyiru,10%`,
    `${g},Gad,Remera,10%`,
  ];
  const good = [a, b, m, o, d, e, f, g];
  const toSend = good.filter((n) => n !== o);

  try {
    await signInAdmin(page, DEMO.support, '/campaigns');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    await expect(page.getByRole('heading', { name: 'Campaigns', level: 1 })).toBeVisible();

    // ── Create the draft ──────────────────────────────────────────────────────────────
    await page.getByRole('button', { name: 'New campaign' }).click();
    const create = page.getByRole('dialog', { name: 'New campaign' });
    await create.getByRole('button', { name: 'Create draft' }).click();
    await expect(create.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(create.getByText('Choose a template', { exact: true })).toBeVisible();

    await create.getByLabel('Name', { exact: true }).fill(name);
    await create.getByLabel('Promo (a message)').check();
    await create.getByLabel('Template', { exact: true }).selectOption('weekend_promo');
    const preview = create.getByTestId('template-preview');
    await expect(preview).toContainText('Hi Jean, fill up at Kacyiru this weekend and get 10% off.');
    await expect(preview.getByTestId('template-columns')).toContainText('"name", "station", "discount"');
    await create.getByRole('button', { name: 'Create draft' }).click();

    await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}$/);
    const campaignId = /\/campaigns\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    await expect(page.getByTestId('campaign-status')).toHaveText('Draft');
    await expect(toast(page, `Campaign ${name} created as a draft`)).toBeVisible();
    const start = page.getByRole('button', { name: 'Start', exact: true });
    await expect(start).toBeDisabled();
    await expect(start).toHaveAccessibleDescription('Import targets before starting.');
    await expect(page.getByTestId('estimate-summary')).toHaveText('No target is waiting to be sent.');

    // ── Import: the check lists every bad row, the import stores only the good ones ──────
    await page.getByRole('button', { name: 'Import targets (CSV)' }).click();
    const importer = page.getByRole('dialog', { name: 'Import targets' });
    await expect(importer).toContainText('Columns: msisdn (or phone), name, station, discount.');
    await importer.getByLabel('Choose a CSV file').setInputFiles({
      name: 'drivers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`msisdn,name,station,discount\n${rows.join('\n')}\n`),
    });
    const rejected = importer.getByTestId('import-rejection');
    await expect(rejected).toHaveCount(3);
    await expect(rejected.nth(0)).toHaveText(/^3not-a-number.*not a phone number/);
    await expect(rejected.nth(1)).toHaveText(new RegExp(`^5\\${a}.*duplicate of line 2`));
    await expect(rejected.nth(2)).toHaveText(new RegExp(`^6\\${c}.*no value for "name"`));
    await expect(importer.getByTestId('import-accepted')).toHaveText('8');
    await expect(importer.getByTestId('import-opted-out')).toHaveText('1');
    await expect(importer.getByTestId('import-rejected')).toHaveText('3');
    await expect(importer.getByTestId('import-countries')).toContainText('Rwanda: 7');
    await expect(importer.getByTestId('import-countries')).toContainText('Malta: 1');
    await expect(importer.getByTestId('import-summary')).toContainText(
      '3 rows are rejected and will not be imported; the other 8 rows will be.',
    );
    await expect(importer.getByTestId('import-sample-row').filter({ hasText: o })).toContainText('Yes: never messaged');
    await expect(importer.getByTestId('import-sample-row').filter({ hasText: b })).toContainText('Aline');
    // A dry run stores nothing.
    expect((await sql`select 1 from public.campaign_targets where campaign_id = ${campaignId}`).length).toBe(0);

    await importer.getByRole('button', { name: 'Import 8 targets' }).click();
    await expect(importer.getByTestId('import-summary')).toHaveText(
      '8 targets were imported; 3 rejected rows were left out. 1 number has opted out: it is kept as opted out and never messaged.',
    );
    await expect(
      importer.getByRole('table', { name: 'Rows not imported' }).getByTestId('import-rejection'),
    ).toHaveCount(3);
    await importer.getByRole('button', { name: 'Done' }).click();
    await expect(importer).toBeHidden();

    // Stored: exactly the good rows, the opted-out one as opted out; through the API too.
    const stored = await sql<{ msisdn: string; status: string; vars: Record<string, string> }[]>`
      select msisdn, status, personalized_vars as vars from public.campaign_targets where campaign_id = ${campaignId}`;
    expect(stored.map((t) => t.msisdn).sort()).toEqual([...good].sort());
    expect(stored.find((t) => t.msisdn === o)?.status).toBe('opted_out');
    expect(stored.filter((t) => t.status === 'queued')).toHaveLength(7);
    expect(stored.find((t) => t.msisdn === b)?.vars).toEqual({ name: 'Aline', station: 'Kacyiru', discount: '5%' });
    const listed = await callAdminApi(page, 'GET', `campaigns/${campaignId}/targets?limit=200`);
    expect(listed.status).toBe(200);
    expect((listed.body.items as { msisdn: string }[]).map((t) => t.msisdn).sort()).toEqual([...good].sort());

    await expect(page.getByTestId('campaign-targets')).toHaveText('8');
    await expect(page.getByTestId('progress-pending')).toHaveText('7');
    await expect(page.getByTestId('progress-opted_out')).toHaveText('1');
    await expect(page.getByTestId('target-row')).toHaveCount(8);

    // The targets table's filters are in the URL.
    await page.getByRole('search', { name: 'Filter targets' }).getByLabel('Status').selectOption('opted_out');
    await expect(page).toHaveURL(/[?&]status=opted_out/);
    await expect(page.getByTestId('target-row')).toHaveCount(1);
    await expect(page.getByTestId('target-row')).toContainText(o);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Number').fill(m.slice(1, 9));
    await expect(page).toHaveURL(new RegExp(`[?&]q=${m.slice(1, 9)}`));
    await expect(page.getByTestId('target-row')).toHaveCount(1);
    await expect(page.getByTestId('target-row')).toContainText(m);
    await page.reload();
    await expect(page.getByLabel('Number')).toHaveValue(m.slice(1, 9));
    await expect(page.getByTestId('target-row')).toHaveCount(1);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(page.getByTestId('target-row')).toHaveCount(8);

    // ── The estimate: where the targets are, their quiet hours, how long; paused at 0 ───
    const estimate = page.getByTestId('campaign-estimate');
    await expect(estimate.getByTestId('estimate-summary')).toContainText('7 targets at up to 60 a minute: about');
    await expect(estimate.getByTestId('estimate-finish')).toBeVisible();
    const countries = estimate.getByTestId('estimate-country');
    await expect(countries.filter({ hasText: 'Rwanda (RW)' })).toContainText(
      `6Africa/Kigali${quiet.start} → ${quiet.end}`,
    );
    await expect(countries.filter({ hasText: 'Malta (MT)' })).toContainText(
      `1Europe/Malta${quiet.start} → ${quiet.end}`,
    );
    await setThrottle(0);
    await estimate.getByRole('button', { name: 'Recalculate the estimate' }).click();
    await expect(estimate.getByTestId('estimate-summary')).toHaveText(
      'Sending is paused (throttle 0): nothing goes out until the send throttle is raised in Settings.',
    );
    await setThrottle(60);
    await estimate.getByRole('button', { name: 'Recalculate the estimate' }).click();
    await expect(estimate.getByTestId('estimate-summary')).toContainText('7 targets at up to 60 a minute');

    // ── Start (asks first) ───────────────────────────────────────────────────────────
    await expect(start).toBeEnabled();
    await start.click();
    const confirmStart = page.getByRole('dialog', { name: `Start ${name}?` });
    await expect(confirmStart).toContainText('Messages go out to 7 targets');
    await confirmStart.getByRole('button', { name: 'Start sending' }).click();
    await expect(page.getByTestId('campaign-status')).toHaveText('Running');
    await expect(page.getByRole('button', { name: 'Import targets (CSV)' })).toHaveCount(0);
    expect((await sql`select status from public.campaigns where id = ${campaignId}`)[0]?.status).toBe('running');

    // ── Progress moves as the dispatcher works: two sends WhatsApp refuses for good ────
    await expect.poll(() => handledOnPage(page)).toBe(1);
    for (const to of toSend) await sandbox('POST', 'failures', { to, code: 131026, times: 1 });
    expect((await dispatch()).failed).toBe(1);
    await expect(page.getByTestId('progress-failed')).toHaveText('1');
    await expect.poll(() => handledOnPage(page)).toBe(2);
    expect((await dispatch()).failed).toBe(1);
    await expect(page.getByTestId('progress-failed')).toHaveText('2');
    await expect.poll(() => handledOnPage(page)).toBe(3);
    await sandbox('DELETE', 'failures');

    // ── Pause (from the keyboard): a tick sends nothing ─────────────────────────────
    await page.getByRole('button', { name: 'Pause' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('campaign-status')).toHaveText('Paused');
    await expect(toast(page, `${name} paused`)).toBeVisible();
    const before = await handledInDb(campaignId);
    expect(before).toBe(3);
    const paused = await dispatch();
    expect(paused.sent + paused.failed).toBe(0);
    expect(await handledInDb(campaignId)).toBe(before);
    await page.reload();
    await expect(page.getByTestId('campaign-status')).toHaveText('Paused');
    expect(await handledOnPage(page)).toBe(before);

    // ── Failed targets: the reason shows; retry one, then all ──────────────────────────
    await page.getByRole('search', { name: 'Filter targets' }).getByLabel('Status').selectOption('failed');
    const failedRows = page.getByTestId('target-row');
    await expect(failedRows).toHaveCount(2);
    await expect(failedRows.first().getByTestId('target-error')).toContainText('131026');
    const firstFailed = ((await failedRows.first().locator('.target-number').textContent()) ?? '').trim();
    await page.getByRole('button', { name: `Retry ${firstFailed}` }).click();
    await expect(toast(page, '1 target back in the queue')).toBeVisible();
    await expect(failedRows).toHaveCount(1);
    await expect(page.getByTestId('progress-failed')).toHaveText('1');
    await page.getByRole('button', { name: 'Retry failed (1)' }).click();
    const confirmRetry = page.getByRole('dialog', { name: 'Retry every failed target?' });
    await confirmRetry.getByRole('button', { name: 'Retry 1 failed' }).click();
    await expect(confirmRetry).toBeHidden();
    await expect(failedRows).toHaveCount(0);
    await expect(page.getByTestId('progress-failed')).toHaveText('0');
    await expect(page.getByTestId('progress-pending')).toHaveText('7');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    expect(
      (await sql`select 1 from public.campaign_targets where campaign_id = ${campaignId} and status = 'failed'`).length,
    ).toBe(0);

    // ── Resume: it sends again ───────────────────────────────────────────────────────
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByTestId('campaign-status')).toHaveText('Running');
    expect((await dispatch()).sent).toBe(1);
    await expect.poll(() => handledOnPage(page)).toBe(2);
    expect((await dispatch()).sent).toBe(1);
    await expect.poll(() => handledOnPage(page)).toBe(3);
    const delivered = async () =>
      Number(await page.getByTestId('progress-sent').textContent()) +
      Number(await page.getByTestId('progress-delivered').textContent()) +
      Number(await page.getByTestId('progress-read').textContent());
    await expect.poll(delivered).toBe(2);

    // ── Finish (asks first): the five not yet sent never are ───────────────────────────
    await page.getByRole('button', { name: 'Finish' }).click();
    const confirmFinish = page.getByRole('dialog', { name: `Finish ${name}?` });
    await expect(confirmFinish).toContainText('5 targets have not been sent yet and will never be sent.');
    await confirmFinish.getByRole('button', { name: 'Finish campaign' }).click();
    await expect(page.getByTestId('campaign-status')).toHaveText('Done');
    await expect(page.getByRole('group', { name: 'Campaign actions' })).toHaveCount(0);
    await expect(page.getByTestId('campaign-estimate')).toHaveCount(0);
    const finished = await dispatch();
    expect(finished.sent).toBe(0);
    expect(await handledInDb(campaignId)).toBe(3);
    await expect(page.getByTestId('progress-pending')).toHaveText('5');

    // The list shows it done, with its progress.
    await page.getByRole('link', { name: '← All campaigns' }).click();
    await page.getByRole('search', { name: 'Filter campaigns' }).getByLabel('Name').fill(name);
    const row = page.getByTestId('campaign-row').filter({ hasText: name });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('Done');
    await expect(row).toContainText('3 / 8');
    await expect(page).toHaveURL(/[?&]q=/);
  } finally {
    await sql`delete from public.opt_outs where phone_e164 = ${o}`;
  }
});

test('a read-only admin sees a campaign without its targets and without actions; the server refuses them too', async ({
  page,
}) => {
  const name = `E2E read-only view ${randomUUID().slice(0, 6)}`;
  const [campaign] = await sql<{ id: string }[]>`
    insert into public.campaigns (name, type, template_id, metadata)
    values (${name}, 'voucher', 'voucher_issued',
            ${sql.json({ voucher: { amount: 2500, currency: 'RWF', expires_in_days: 14, station_scope: null } })})
    returning id`;
  const id = campaign?.id ?? '';
  await sql`insert into public.campaign_targets (campaign_id, msisdn, personalized_vars)
            values (${id}, ${freshMsisdn()}, ${sql.json({ name: 'Jean' })})`;

  await signInAdmin(page, ADMIN_LOGINS.readonly, '/campaigns');
  await expect(page.getByRole('heading', { name: 'Campaigns', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'New campaign' })).toHaveCount(0);
  await page.getByRole('search', { name: 'Filter campaigns' }).getByLabel('Status').selectOption('draft');
  await expect(page).toHaveURL(/[?&]status=draft/);
  const row = page.getByTestId('campaign-row').filter({ hasText: name });
  await expect(row).toContainText('Draft');
  await expect(row.getByRole('img')).toHaveCount(0);

  // Keyboard: the name is a link.
  await row.getByRole('link', { name }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/campaigns/${id}$`));
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByTestId('campaign-status')).toHaveText('Draft');
  await expect(page.getByTestId('campaign-voucher')).toContainText(
    '2,500 RWF, valid 14 days from issue, at any station',
  );
  await expect(page.getByTestId('campaign-targets')).toHaveCount(0);
  await expect(page.getByTestId('targets-hidden')).toHaveText('Targets are visible to super admins and support only.');
  await expect(page.getByRole('button', { name: /Start|Pause|Resume|Finish|Edit|Delete|Import|Retry/ })).toHaveCount(0);
  await expect(page.getByTestId('target-row')).toHaveCount(0);
  await expect(page.getByTestId('campaign-estimate')).toHaveCount(0);

  // What the panel hides, the server refuses, and nothing changes.
  expect((await callAdminApi(page, 'GET', `campaigns/${id}/targets`)).status).toBe(403);
  expect((await callAdminApi(page, 'GET', `campaigns/${id}/estimate`)).status).toBe(403);
  expect((await callAdminApi(page, 'POST', `campaigns/${id}/start`)).status).toBe(403);
  const detail = await callAdminApi(page, 'GET', `campaigns/${id}`);
  expect(detail.status).toBe(200);
  expect(detail.body.progress).toBeNull();
  expect((await sql`select status from public.campaigns where id = ${id}`)[0]?.status).toBe('draft');
});
