/**
 * WhatsApp campaigns through the admin function, as each demo role: who may read, create,
 * edit and run campaigns and who may see their targets (every refusal changes nothing),
 * the targets import (dry run listing every rejected row, opted-out numbers stored as
 * opted_out, 50,000 rows in one go), the targets table's filters and keyset pages, the
 * campaign machine with its 409s, retrying failed targets, the pre-flight estimate, and
 * the settings' opt-out keywords and count.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ZCampaign,
  ZCampaignEstimate,
  ZImportTargetsResponse,
  ZListCampaignsResponse,
  ZListTargetsResponse,
  type TCampaign,
} from '../../packages/contracts/src/admin/campaigns.ts';
import { ZSettingsResponse } from '../../packages/contracts/src/settings/settings.ts';
import { estimateCampaign } from '../../packages/domain/src/campaign-estimate.ts';
import { CAMPAIGN_TARGET_STATUSES } from '../../packages/domain/src/state-machines.ts';
import { ADMIN_ID, auditCount, fingerprint, signInAll, SUPPORT_ID, type Role } from '../support/admin.ts';
import { db } from '../support/stack.ts';
import { call, type Json } from '../support/vouchers.ts';

const sql = db();
let as: Record<Role, SupabaseClient>;
let original: { key: string; value: Json }[];
const made: string[] = [];

const SEEDED_RUNNING = 'e0000000-0000-4000-8000-000000000002';
const SEEDED_DONE = 'e0000000-0000-4000-8000-000000000001';
const SEEDED_DRAFT = 'e0000000-0000-4000-8000-000000000003';
const NOBODY = '00000000-0000-4000-8000-000000000000';
const RUNNERS = ['admin', 'support'] as const;
const NOT_RUNNERS = ['dataops', 'readonly'] as const;

beforeAll(async () => {
  as = await signInAll();
  original = await sql<{ key: string; value: Json }[]>`
    select key, value from public.settings where key in ('send_throttle', 'quiet_hours', 'opt_out_list', 'templates')`;
});
afterAll(async () => {
  for (const { key, value } of original) {
    await sql`update public.settings set value = ${sql.json(value)} where key = ${key} and value is distinct from ${sql.json(value)}`;
  }
  await sql`delete from public.campaigns where id = any (${made}::uuid[])`;
  await sql.end();
}, 60_000);

// Numbers nobody else uses: Rwanda +250 79…, Malta +356 79….
let serial = Math.floor(Math.random() * 1_000_000);
const rw = () => `+25079${String(++serial % 10_000_000).padStart(7, '0')}`;
const mt = () => `+35679${String(++serial % 1_000_000).padStart(6, '0')}`;

const campaignsFingerprint = () => fingerprint(sql, 'public.campaigns');
const targetsFingerprint = () => fingerprint(sql, 'public.campaign_targets');
const everything = async () => `${await campaignsFingerprint()} | ${await targetsFingerprint()}`;

async function create(body: Json, client: SupabaseClient = as.support): Promise<TCampaign> {
  const { status, body: answer } = await call(client, 'POST', 'admin/campaigns', body);
  if (status !== 201) throw new Error(`campaign not created: ${status} ${JSON.stringify(answer)}`);
  made.push(answer.id);
  return ZCampaign.parse(answer);
}

const promo = (overrides: Json = {}) =>
  create({ name: 'Test promo', type: 'promo', template_id: 'weekend_promo', ...overrides });
const voucherCampaign = (overrides: Json = {}) =>
  create({
    name: 'Test vouchers',
    type: 'voucher',
    template_id: 'voucher_issued',
    voucher: { amount: 2000, expires_in_days: 14 },
    ...overrides,
  });

/** A weekend_promo CSV (name, station, discount) for these numbers. */
const promoCsv = (numbers: string[]) =>
  `msisdn,name,station,discount\n${numbers.map((n, i) => `${n},Driver ${i},Kacyiru,10%`).join('\n')}\n`;

function importCsv(id: string, csv: string, dryRun: boolean, client: SupabaseClient = as.support, extra: Json = {}) {
  return call(client, 'POST', `admin/campaigns/${id}/targets/import`, { csv, dry_run: dryRun, ...extra });
}

async function imported(id: string, csv: string) {
  const { status, body } = await importCsv(id, csv, false);
  if (status !== 200) throw new Error(`import failed: ${status} ${JSON.stringify(body)}`);
  return ZImportTargetsResponse.parse(body);
}

async function act(id: string, action: string, client: SupabaseClient = as.support) {
  return call(client, 'POST', `admin/campaigns/${id}/${action}`);
}

async function running(numbers: string[]): Promise<TCampaign> {
  const campaign = await promo();
  await imported(campaign.id, promoCsv(numbers));
  const { status, body } = await act(campaign.id, 'start');
  if (status !== 200) throw new Error(`not started: ${status} ${JSON.stringify(body)}`);
  return ZCampaign.parse(body);
}

/** What the dispatcher does on a permanent WhatsApp error, as the service role. */
async function failTarget(id: string, code = '131026'): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`set local role service_role`;
    await tx`select app.fail_campaign_target(${id}, ${code}, 'Message undeliverable')`;
  });
}

const targetIds = async (campaign: string, msisdns: string[]) =>
  (
    await sql<{ id: string }[]>`
      select id from public.campaign_targets where campaign_id = ${campaign} and msisdn = any (${msisdns}::text[])
       order by array_position(${msisdns}::text[], msisdn)`
  ).map((r) => r.id);

// ════════════════════════════════════════════════════════════════════════════════════

describe('GET admin/campaigns', () => {
  it.each(['admin', 'support', 'dataops', 'readonly'] as const)(
    '%s reads every campaign; only super admins and support get the progress by target status',
    async (role) => {
      const { status, body } = await call(as[role], 'GET', 'admin/campaigns');
      expect(status).toBe(200);
      const { items } = ZListCampaignsResponse.parse(body);
      const [{ n } = { n: -1 }] = await sql<{ n: number }[]>`select count(*)::int as n from public.campaigns`;
      expect(items).toHaveLength(n);
      const created = items.map((c) => c.created_at);
      expect(created, 'newest first').toEqual([...created].sort().reverse());
      const seeded = items.find((c) => c.id === SEEDED_RUNNING);
      expect(seeded).toMatchObject({
        name: 'November fuel vouchers',
        type: 'voucher',
        status: 'running',
        created_by: SUPPORT_ID,
        created_by_email: 'support@easymo.test',
        options: { voucher: { amount: 5000, currency: 'RWF', expires_in_days: 30, station_scope: null } },
      });
      if ((RUNNERS as readonly string[]).includes(role)) {
        const counts = await sql<{ status: string; n: number }[]>`
          select status, count(*)::int as n from public.campaign_targets where campaign_id = ${SEEDED_RUNNING} group by 1`;
        expect(Object.keys(seeded?.progress ?? {}).sort()).toEqual([...CAMPAIGN_TARGET_STATUSES].sort());
        for (const s of CAMPAIGN_TARGET_STATUSES) {
          expect(seeded?.progress?.[s], s).toBe(counts.find((c) => c.status === s)?.n ?? 0);
        }
        expect(seeded?.targets).toBe(counts.reduce((sum, c) => sum + c.n, 0));
      } else {
        expect(seeded?.progress).toBeNull();
      }
    },
  );

  it('filters by status and by part of the name (any case; % is a plain character)', async () => {
    const drafts = ZListCampaignsResponse.parse((await call(as.readonly, 'GET', 'admin/campaigns?status=draft')).body);
    expect(drafts.items.length).toBeGreaterThan(0);
    expect(drafts.items.every((c) => c.status === 'draft')).toBe(true);
    const named = await call(as.readonly, 'GET', 'admin/campaigns?q=NOVEMBER%20fuel');
    expect(named.body.items.map((c: Json) => c.id)).toEqual([SEEDED_RUNNING]);
    expect((await call(as.readonly, 'GET', 'admin/campaigns?q=%25')).body.items).toEqual([]);
  });

  it.each([
    ['an unknown status', 'status=sending'],
    ['an unknown parameter', 'page=2'],
    ['an empty search', 'q=%20'],
  ])('refuses %s with 400 invalid_request', async (_what, query) => {
    const { status, body } = await call(as.admin, 'GET', `admin/campaigns?${query}`);
    expect([status, body.error.code]).toEqual([400, 'invalid_request']);
  });

  it('refuses an operator (403) and anyone without a session (401)', async () => {
    expect((await call(as.operator, 'GET', 'admin/campaigns')).status).toBe(403);
    expect((await call(null, 'GET', 'admin/campaigns')).status).toBe(401);
  });
});

describe('GET admin/campaigns/:id', () => {
  it.each(['admin', 'support', 'dataops', 'readonly'] as const)('%s reads one campaign', async (role) => {
    const { status, body } = await call(as[role], 'GET', `admin/campaigns/${SEEDED_DRAFT}`);
    expect(status).toBe(200);
    const campaign = ZCampaign.parse(body);
    expect(campaign).toMatchObject({
      id: SEEDED_DRAFT,
      status: 'draft',
      options: { quiet_hours: { start: '21:00', end: '07:00' }, voucher: { amount: 3000, expires_in_days: 14 } },
      created_by_email: 'admin@easymo.test',
    });
    expect(campaign.progress === null).toBe((NOT_RUNNERS as readonly string[]).includes(role));
  });

  it.each([
    ['a UUID no campaign has', NOBODY],
    ['something that is not a UUID', 'november'],
  ])('answers %s with 404 not_found', async (_what, id) => {
    const { status, body } = await call(as.admin, 'GET', `admin/campaigns/${id}`);
    expect([status, body.error.code]).toEqual([404, 'not_found']);
  });

  it('refuses an operator (403) and anyone without a session (401)', async () => {
    expect((await call(as.operator, 'GET', `admin/campaigns/${SEEDED_DRAFT}`)).status).toBe(403);
    expect((await call(null, 'GET', `admin/campaigns/${SEEDED_DRAFT}`)).status).toBe(401);
  });
});

describe('POST admin/campaigns', () => {
  it.each(RUNNERS)('%s creates a draft; its options are stored as campaigns.metadata and audited', async (role) => {
    const campaign = await create(
      {
        name: '  Weekend in Kacyiru  ',
        type: 'promo',
        template_id: 'weekend_promo',
        quiet_hours: { start: '20:00', end: '08:00' },
      },
      as[role],
    );
    expect(campaign).toMatchObject({
      name: 'Weekend in Kacyiru',
      status: 'draft',
      created_by: role === 'admin' ? ADMIN_ID : SUPPORT_ID,
      created_by_email: `${role}@easymo.test`,
      options: { quiet_hours: { start: '20:00', end: '08:00' }, throttle_bucket: 'whatsapp', voucher: null },
      targets: 0,
      started_at: null,
    });
    expect(campaign.progress).toEqual(Object.fromEntries(CAMPAIGN_TARGET_STATUSES.map((s) => [s, 0])));
    const [row] = await sql<{ metadata: Json }[]>`select metadata from public.campaigns where id = ${campaign.id}`;
    expect(row?.metadata).toEqual(campaign.options);
    expect(await auditCount(sql, 'campaigns', campaign.id)).toBe(1);
  });

  it('creates a voucher campaign with its voucher (RWF by default, any station)', async () => {
    const campaign = await voucherCampaign();
    expect(campaign.options.voucher).toEqual({
      amount: 2000,
      currency: 'RWF',
      expires_in_days: 14,
      station_scope: null,
    });
  });

  it.each([
    ['a template settings.templates does not have', { template_id: 'no_such_template' }, 'template_id'],
    ['a voucher campaign without its voucher', { type: 'voucher', template_id: 'voucher_issued' }, 'voucher'],
    ['a promo campaign with a voucher', { voucher: { amount: 100, expires_in_days: 1 } }, 'voucher'],
    ['a blank name', { name: '  ' }, 'name'],
    ['an unknown type', { type: 'sms' }, 'type'],
    ['a status', { status: 'running' }, ''],
    ['a quiet window that starts where it ends', { quiet_hours: { start: '22:00', end: '22:00' } }, 'quiet_hours'],
  ])('refuses %s with 400 (on the field) and creates nothing', async (_what, overrides, field) => {
    const before = await campaignsFingerprint();
    const { status, body } = await call(as.support, 'POST', 'admin/campaigns', {
      name: 'Bad',
      type: 'promo',
      template_id: 'weekend_promo',
      ...overrides,
    });
    expect([status, body.error.code]).toEqual([400, 'invalid_request']);
    if (field) expect(body.error.details.map((d: Json) => d.path[0])).toContain(field);
    expect(await campaignsFingerprint()).toBe(before);
  });

  it.each([...NOT_RUNNERS, 'operator'] as const)('refuses %s (403) and creates nothing', async (role) => {
    const before = await campaignsFingerprint();
    const { status, body } = await call(as[role], 'POST', 'admin/campaigns', {
      name: 'Not mine',
      type: 'promo',
      template_id: 'weekend_promo',
    });
    expect([status, body.error.code]).toEqual([403, 'forbidden']);
    expect(await campaignsFingerprint()).toBe(before);
  });

  it('refuses callers without a session (401)', async () => {
    expect(
      (await call(null, 'POST', 'admin/campaigns', { name: 'x', type: 'promo', template_id: 'weekend_promo' })).status,
    ).toBe(401);
  });
});

describe('PATCH and DELETE admin/campaigns/:id', () => {
  it('edits a draft: name, quiet hours, template, voucher', async () => {
    const campaign = await voucherCampaign();
    const { status, body } = await call(as.admin, 'PATCH', `admin/campaigns/${campaign.id}`, {
      name: 'Renamed',
      quiet_hours: { start: '23:00', end: '05:00' },
      template_id: 'voucher_issued_rw',
      voucher: { amount: 3500, currency: 'RWF', expires_in_days: 7, station_scope: null },
    });
    expect(status).toBe(200);
    expect(ZCampaign.parse(body)).toMatchObject({
      name: 'Renamed',
      template_id: 'voucher_issued_rw',
      options: { quiet_hours: { start: '23:00', end: '05:00' }, voucher: { amount: 3500, expires_in_days: 7 } },
    });
    const cleared = await call(as.support, 'PATCH', `admin/campaigns/${campaign.id}`, { quiet_hours: null });
    expect(cleared.body.options).toMatchObject({ quiet_hours: null, voucher: { amount: 3500 } });
  });

  it.each([
    ['an unknown template', { template_id: 'nope' }, 'template_id'],
    ['no voucher on a voucher campaign', { voucher: null }, 'voucher'],
    ['nothing to change', {}, ''],
  ])('refuses %s with 400 and changes nothing', async (_what, patch, field) => {
    const campaign = await voucherCampaign();
    const before = await campaignsFingerprint();
    const { status, body } = await call(as.support, 'PATCH', `admin/campaigns/${campaign.id}`, patch);
    expect([status, body.error.code]).toEqual([400, 'invalid_request']);
    if (field) expect(body.error.details.map((d: Json) => d.path[0])).toContain(field);
    expect(await campaignsFingerprint()).toBe(before);
  });

  it('refuses a template whose variables the imported targets have no values for (409)', async () => {
    const campaign = await voucherCampaign();
    await imported(campaign.id, `msisdn,name\n${rw()},Aline\n`);
    // voucher_issued_rw needs the same (name): fine. weekend_promo would need station and discount.
    expect(
      (await call(as.support, 'PATCH', `admin/campaigns/${campaign.id}`, { template_id: 'voucher_issued_rw' })).status,
    ).toBe(200);
    const promoCampaign = await promo();
    await imported(promoCampaign.id, promoCsv([rw()]));
    await sql`update public.settings set value = value || ${sql.json([
      {
        id: 'camp_test_city',
        name: 'City',
        language: 'en',
        category: 'marketing',
        body: 'Hi {{name}} in {{city}}',
        variables: ['name', 'city'],
      },
    ])} where key = 'templates'`;
    const before = await everything();
    const { status, body } = await call(as.support, 'PATCH', `admin/campaigns/${promoCampaign.id}`, {
      template_id: 'camp_test_city',
    });
    expect([status, body.error.code]).toEqual([409, 'conflict']);
    expect(body.error.message).toContain('city');
    expect(await everything()).toBe(before);
  });

  it.each(['running', 'done'] as const)(
    'refuses to edit or delete a %s campaign (409 naming its status)',
    async (state) => {
      const id = state === 'running' ? SEEDED_RUNNING : SEEDED_DONE;
      const before = await everything();
      const edit = await call(as.admin, 'PATCH', `admin/campaigns/${id}`, { name: 'Changed' });
      expect([edit.status, edit.body.error.code, edit.body.error.details]).toEqual([
        409,
        'conflict',
        { status: state },
      ]);
      expect(edit.body.error.message).toContain(state);
      const remove = await call(as.admin, 'DELETE', `admin/campaigns/${id}`);
      expect([remove.status, remove.body.error.details]).toEqual([409, { status: state }]);
      expect(await everything()).toBe(before);
    },
  );

  it.each(RUNNERS)('%s deletes a draft with its targets (204)', async (role) => {
    const campaign = await promo();
    await imported(campaign.id, promoCsv([rw(), rw()]));
    const { status } = await call(as[role], 'DELETE', `admin/campaigns/${campaign.id}`);
    expect(status).toBe(204);
    const [left] = await sql<{ c: number; t: number }[]>`
      select (select count(*)::int from public.campaigns where id = ${campaign.id}) as c,
             (select count(*)::int from public.campaign_targets where campaign_id = ${campaign.id}) as t`;
    expect(left).toEqual({ c: 0, t: 0 });
    expect((await call(as[role], 'DELETE', `admin/campaigns/${campaign.id}`)).status).toBe(404);
  });

  it.each([...NOT_RUNNERS, 'operator'] as const)(
    'refuses %s edits and deletes (403), changing nothing',
    async (role) => {
      const campaign = await promo();
      const before = await everything();
      const edit = await call(as[role], 'PATCH', `admin/campaigns/${campaign.id}`, { name: 'Mine now' });
      expect([edit.status, edit.body.error.code]).toEqual([403, 'forbidden']);
      const remove = await call(as[role], 'DELETE', `admin/campaigns/${campaign.id}`);
      expect([remove.status, remove.body.error.code]).toEqual([403, 'forbidden']);
      expect(await everything()).toBe(before);
      expect((await call(null, 'DELETE', `admin/campaigns/${campaign.id}`)).status).toBe(401);
    },
  );
});

describe('POST admin/campaigns/:id/targets/import', () => {
  it('a dry run lists every rejected row with its line and reason, and stores nothing', async () => {
    const campaign = await promo();
    const already = rw();
    await imported(campaign.id, promoCsv([already]));
    const local = rw();
    const malta = mt();
    const csv = [
      'Phone,Name,Station,Discount,Note',
      `0${local.slice(4)}, Jean ,Kacyiru,10%,ignored`, // 2: a local number
      `${local},Jean again,Kacyiru,10%,`, // 3: the same number written +250…
      'not a number,Eric,Kacyiru,10%,', // 4
      `${rw()},,Kacyiru,10%,`, // 5: no name
      `${already},Marie,Kacyiru,10%,`, // 6: imported before
      `${malta},Maria,Sliema,15%,`, // 7: Malta
      ',Nobody,Kacyiru,10%,', // 8: empty number
    ].join('\n');
    const before = await everything();
    const { status, body } = await importCsv(campaign.id, csv, true);
    expect(status).toBe(200);
    const result = ZImportTargetsResponse.parse(body);
    expect(result).toMatchObject({
      dry_run: true,
      problem: null,
      accepted: 2,
      opted_out: 0,
      by_country: { RW: 1, MT: 1 },
    });
    expect(result.rejected.map((r) => [r.line, r.code])).toEqual([
      [3, 'duplicate'],
      [4, 'invalid_msisdn'],
      [5, 'missing_variable'],
      [6, 'already_imported'],
      [8, 'invalid_msisdn'],
    ]);
    expect(result.rejected[0]?.reason).toContain('line 2');
    expect(result.rejected[2]?.reason).toContain('name');
    expect(result.rejected[3]).toMatchObject({ value: already });
    expect(result.sample).toEqual([
      { line: 2, msisdn: local, vars: { name: 'Jean', station: 'Kacyiru', discount: '10%' }, opted_out: false },
      { line: 7, msisdn: malta, vars: { name: 'Maria', station: 'Sliema', discount: '15%' }, opted_out: false },
    ]);
    expect(await everything()).toBe(before);
  });

  it('imports the good rows (variables frozen as given), marks opted-out numbers, leaves the bad ones out', async () => {
    const campaign = await promo();
    const [good, listed, stopped, malta] = [rw(), rw(), rw(), mt()];
    // One number on the admins' (hashed) list, one in the opt-out table (a STOP reply).
    expect((await call(as.admin, 'POST', 'admin/opt-outs', { msisdn: listed })).body.changed).toBe(true);
    await sql`select app.record_opt_out(${stopped}, 'keyword:STOP')`;
    try {
      const csv = `msisdn,name,station,discount\n${good},  Aline ,Kacyiru,10%\n${listed},Bosco,Remera,5%\nnope,X,Y,Z\n${stopped},Claude,Gisozi,5%\n${malta},Maria,Sliema,15%\n`;
      const audits = await auditCount(sql, 'campaign_targets');
      const result = await imported(campaign.id, csv);
      expect(result).toMatchObject({ dry_run: false, accepted: 4, opted_out: 2, by_country: { RW: 3, MT: 1 } });
      expect(result.rejected.map((r) => r.line)).toEqual([4]);
      expect(result.sample.map((s) => [s.msisdn, s.opted_out])).toEqual([
        [good, false],
        [listed, true],
        [stopped, true],
        [malta, false],
      ]);
      const rows = await sql<{ msisdn: string; status: string; personalized_vars: Json; queued: boolean }[]>`
        select t.msisdn, t.status, t.personalized_vars,
               exists (select 1 from public.campaign_send_queue q where q.target_id = t.id) as queued
          from public.campaign_targets t where t.campaign_id = ${campaign.id} order by t.msisdn`;
      const byNumber = Object.fromEntries(rows.map((r) => [r.msisdn, r]));
      expect(rows).toHaveLength(4);
      expect(byNumber[good]).toEqual({
        msisdn: good,
        status: 'queued',
        personalized_vars: { name: 'Aline', station: 'Kacyiru', discount: '10%' },
        queued: true,
      });
      expect(byNumber[listed]).toMatchObject({ status: 'opted_out', queued: false });
      expect(byNumber[stopped]).toMatchObject({ status: 'opted_out', queued: false });
      expect(byNumber[malta]).toMatchObject({ status: 'queued', queued: true });
      // Every insert is audited, and so is each opted-out mark.
      expect(await auditCount(sql, 'campaign_targets')).toBe(audits + 4 + 2);
      const detail = ZCampaign.parse((await call(as.support, 'GET', `admin/campaigns/${campaign.id}`)).body);
      expect(detail.targets).toBe(4);
      expect(detail.progress).toMatchObject({ queued: 2, opted_out: 2, sent: 0 });

      // Importing the same file again adds nothing: every number is already a target.
      const again = await imported(campaign.id, csv);
      expect(again.accepted).toBe(0);
      expect(again.rejected.filter((r) => r.code === 'already_imported').map((r) => r.line)).toEqual([2, 3, 5, 6]);
    } finally {
      await call(as.admin, 'POST', 'admin/opt-outs/remove', { msisdn: listed });
      await sql`delete from public.opt_outs where phone_e164 = ${stopped}`;
    }
  });

  it("asks a voucher campaign only for the template's own variables (the voucher fills code, amount and expiry)", async () => {
    const campaign = await voucherCampaign();
    const number = rw();
    const result = await imported(campaign.id, `msisdn,name\n${number},Aline\n`);
    expect(result.accepted).toBe(1);
    const [row] = await sql<{ personalized_vars: Json }[]>`
      select personalized_vars from public.campaign_targets where campaign_id = ${campaign.id}`;
    expect(row?.personalized_vars).toEqual({ name: 'Aline' });
  });

  it.each([
    ['no msisdn column', 'name,station,discount\nA,B,C\n'],
    ['a template variable without a column', `msisdn,name\n+250790000001,A\n`],
    ['only a header', 'msisdn,name,station,discount\n'],
  ])(
    'a file with %s: the dry run says so (200), the import is refused (400); nothing is stored',
    async (_what, csv) => {
      const campaign = await promo();
      const before = await everything();
      const dry = await importCsv(campaign.id, csv, true);
      expect(dry.status).toBe(200);
      const checked = ZImportTargetsResponse.parse(dry.body);
      expect(checked.problem?.message).toBeTruthy();
      expect(checked.accepted).toBe(0);
      const real = await importCsv(campaign.id, csv, false);
      expect([real.status, real.body.error.code]).toEqual([400, 'invalid_request']);
      expect(real.body.error.details.problem).toEqual(checked.problem);
      expect(await everything()).toBe(before);
    },
  );

  it('reads local numbers in the country given (default_country)', async () => {
    const campaign = await promo();
    const result = ZImportTargetsResponse.parse(
      (
        await importCsv(campaign.id, 'msisdn,name,station,discount\n79123456,A,B,C\n', true, as.support, {
          default_country: 'MT',
        })
      ).body,
    );
    expect(result.sample[0]?.msisdn).toBe('+35679123456');
  });

  it('imports into a paused campaign, not into a running or done one (409)', async () => {
    const campaign = await running([rw()]);
    const before = await everything();
    const refused = await importCsv(campaign.id, promoCsv([rw()]), false);
    expect([refused.status, refused.body.error.details]).toEqual([409, { status: 'running' }]);
    const dry = await importCsv(SEEDED_DONE, promoCsv([rw()]), true);
    expect([dry.status, dry.body.error.details]).toEqual([409, { status: 'done' }]);
    expect(await everything()).toBe(before);
    expect((await act(campaign.id, 'pause')).status).toBe(200);
    expect((await imported(campaign.id, promoCsv([rw()]))).accepted).toBe(1);
  });

  it.each([...NOT_RUNNERS, 'operator'] as const)('refuses %s (403), even a dry run, storing nothing', async (role) => {
    const campaign = await promo();
    const before = await everything();
    for (const dryRun of [true, false]) {
      const { status, body } = await importCsv(campaign.id, promoCsv([rw()]), dryRun, as[role]);
      expect([status, body.error.code]).toEqual([403, 'forbidden']);
    }
    expect(await everything()).toBe(before);
    expect((await importCsv(campaign.id, promoCsv([rw()]), true, null as never)).status).toBe(401);
  });

  it('answers an unknown campaign with 404', async () => {
    expect((await importCsv(NOBODY, promoCsv([rw()]), true)).status).toBe(404);
  });

  it('imports 50,000 targets in one request within 20 s', { timeout: 60_000 }, async () => {
    const campaign = await promo();
    const base = 700_000_000 + Math.floor(Math.random() * 200) * 100_000;
    const numbers = Array.from({ length: 50_000 }, (_, i) => `+250${base + i}`);
    const csv = promoCsv(numbers);
    const started = Date.now();
    const result = await imported(campaign.id, csv);
    const seconds = (Date.now() - started) / 1000;
    console.log(`50,000-target import: ${seconds.toFixed(2)} s (${(csv.length / 1e6).toFixed(1)} MB of CSV)`);
    expect(result.accepted).toBe(50_000);
    expect(result.rejected).toEqual([]);
    expect(seconds).toBeLessThan(20);
    const [counted] = await sql<{ targets: number; queued: number }[]>`
      select (select count(*)::int from public.campaign_targets where campaign_id = ${campaign.id}) as targets,
             (select count(*)::int from public.campaign_send_queue where campaign_id = ${campaign.id}) as queued`;
    expect(counted).toEqual({ targets: 50_000, queued: 50_000 });
    await sql`delete from public.campaigns where id = ${campaign.id}`;
  });
});

describe('GET admin/campaigns/:id/targets', () => {
  let campaign: TCampaign;
  const numbers: string[] = [];
  let failed: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 120; i++) numbers.push(i % 4 === 0 ? mt() : rw());
    campaign = await running(numbers);
    failed = await targetIds(campaign.id, numbers.slice(10, 15));
    for (const id of failed) await failTarget(id); // one transaction each: each a later last_update_at
    const [waiting] = await targetIds(campaign.id, [numbers[20] as string]);
    await sql`update public.campaign_send_queue set next_attempt_at = now() + interval '2 hours', waiting_for = 'quiet_hours'
               where target_id = ${waiting as string}`;
  });

  async function page(query: string, client: SupabaseClient = as.support) {
    const { status, body } = await call(client, 'GET', `admin/campaigns/${campaign.id}/targets?${query}`);
    if (status !== 200) throw new Error(`targets: ${status} ${JSON.stringify(body)}`);
    return ZListTargetsResponse.parse(body);
  }

  it.each(RUNNERS)('%s walks every target in pages, newest activity first, none twice or missed', async (role) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const result: Awaited<ReturnType<typeof page>> = await page(
        `limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        as[role],
      );
      seen.push(...result.items.map((t) => t.id));
      cursor = result.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(120 / 7));
    expect(new Set(seen).size).toBe(120);
    expect(seen.slice(0, 5)).toEqual([...failed].reverse());
  });

  it('shows errors and what a waiting target waits for', async () => {
    const first = (await page('limit=1')).items[0];
    expect(first).toMatchObject({
      status: 'failed',
      error_code: '131026',
      error_message: 'Message undeliverable',
      attempts: 1,
    });
    expect(first?.next_attempt_at).toBeNull();
    const waiting = (await page(`q=${encodeURIComponent(numbers[20] as string)}`)).items;
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ msisdn: numbers[20], status: 'queued', waiting_for: 'quiet_hours' });
    expect(Date.parse(waiting[0]?.next_attempt_at ?? '') - Date.now()).toBeGreaterThan(3_600_000);
    const due = (await page(`q=${encodeURIComponent(numbers[21] as string)}`)).items[0];
    expect(due).toMatchObject({ waiting_for: null, next_attempt_at: null, vars: { name: 'Driver 21' } });
  });

  it('filters by status and by part of the number', async () => {
    const failedOnly = await page('status=failed&limit=200');
    expect(failedOnly.items.map((t) => t.id).sort()).toEqual([...failed].sort());
    const malta = await page(`q=${encodeURIComponent('+35679')}&limit=200`);
    expect(malta.items.map((t) => t.msisdn).sort()).toEqual(numbers.filter((n) => n.startsWith('+356')).sort());
    const part = (numbers[33] as string).slice(-6);
    expect((await page(`q=${part}`)).items.map((t) => t.msisdn)).toContain(numbers[33]);
    expect((await page('status=delivered')).items).toEqual([]);
  });

  it.each([
    ['an unknown status', 'status=lost'],
    ['letters in the number', 'q=abc'],
    ['a limit over 200', 'limit=201'],
    ['a cursor it never gave out', 'cursor=bm90LWEtY3Vyc29y'],
    ['an unknown parameter', 'page=2'],
  ])('refuses %s with 400', async (_what, query) => {
    const { status, body } = await call(as.support, 'GET', `admin/campaigns/${campaign.id}/targets?${query}`);
    expect([status, body.error.code]).toEqual([400, 'invalid_request']);
  });

  it.each([...NOT_RUNNERS, 'operator'] as const)('refuses %s (403): targets hold numbers', async (role) => {
    const { status, body } = await call(as[role], 'GET', `admin/campaigns/${campaign.id}/targets`);
    expect([status, body.error.code]).toEqual([403, 'forbidden']);
  });

  it('answers an unknown campaign with 404', async () => {
    expect((await call(as.support, 'GET', `admin/campaigns/${NOBODY}/targets`)).status).toBe(404);
  });
});

describe('POST admin/campaigns/:id/{start,pause,resume,finish}', () => {
  it('follows draft → running → paused → running → done, and refuses every other move (409)', async () => {
    const campaign = await promo();
    const noTargets = await act(campaign.id, 'start');
    expect([noTargets.status, noTargets.body.error.code]).toEqual([409, 'conflict']);
    expect(noTargets.body.error.message).toContain('import');
    await imported(campaign.id, promoCsv([rw(), mt()]));

    const expectState = async (action: string, from: string) => {
      const before = await everything();
      const { status, body } = await act(campaign.id, action);
      expect([action, status, body.error?.code, body.error?.details]).toEqual([
        action,
        409,
        'conflict',
        { status: from },
      ]);
      expect(body.error.message).toContain(from);
      expect(await everything()).toBe(before);
    };
    for (const action of ['pause', 'resume', 'finish']) await expectState(action, 'draft');

    const started = ZCampaign.parse((await act(campaign.id, 'start')).body);
    expect(started.status).toBe('running');
    expect(Math.abs(Date.parse(started.started_at ?? '') - Date.now())).toBeLessThan(60_000);
    expect(started.progress?.queued).toBe(2);
    for (const action of ['start', 'resume']) await expectState(action, 'running');

    expect(ZCampaign.parse((await act(campaign.id, 'pause', as.admin)).body).status).toBe('paused');
    for (const action of ['start', 'pause', 'finish']) await expectState(action, 'paused');

    const resumed = ZCampaign.parse((await act(campaign.id, 'resume')).body);
    expect(resumed).toMatchObject({ status: 'running', started_at: started.started_at });
    const done = ZCampaign.parse((await act(campaign.id, 'finish')).body);
    expect(done.status).toBe('done');
    expect(done.finished_at).not.toBeNull();
    for (const action of ['start', 'pause', 'resume', 'finish']) await expectState(action, 'done');

    // A finished campaign sends nothing more: its queue is empty; targets keep their status.
    const [queue] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.campaign_send_queue where campaign_id = ${campaign.id}`;
    expect(queue?.n).toBe(0);
    const audits = await sql<{ after: string }[]>`
      select diff -> 'after' ->> 'status' as after from public.audit_log
       where target_table = 'campaigns' and target_id = ${campaign.id} order by seq`;
    expect(audits.map((a) => a.after)).toEqual(['draft', 'running', 'paused', 'running', 'done']);
  });

  it.each([...NOT_RUNNERS, 'operator'] as const)('refuses %s (403) and changes nothing', async (role) => {
    const campaign = await promo();
    await imported(campaign.id, promoCsv([rw()]));
    const before = await everything();
    for (const action of ['start', 'pause', 'resume', 'finish']) {
      const { status, body } = await act(campaign.id, action, as[role]);
      expect([action, status, body.error.code]).toEqual([action, 403, 'forbidden']);
    }
    expect(await everything()).toBe(before);
    expect((await act(campaign.id, 'start', null as never)).status).toBe(401);
  });

  it('refuses a body (400) and an unknown campaign (404)', async () => {
    const campaign = await promo();
    await imported(campaign.id, promoCsv([rw()]));
    const before = await everything();
    const withBody = await call(as.support, 'POST', `admin/campaigns/${campaign.id}/start`, { force: true });
    expect([withBody.status, withBody.body.error.code]).toEqual([400, 'invalid_request']);
    expect(await everything()).toBe(before);
    expect((await act(NOBODY, 'start')).status).toBe(404);
  });
});

describe('POST admin/campaigns/:id/targets/retry', () => {
  it('puts failed targets back in the queue with fresh attempts: the ones named, then all', async () => {
    const numbers = [rw(), rw(), rw(), rw()];
    const campaign = await running(numbers);
    const ids = await targetIds(campaign.id, numbers);
    for (const id of ids.slice(0, 3)) await failTarget(id);
    const queued = async () =>
      (
        await sql<{ id: string }[]>`
          select target_id as id from public.campaign_send_queue where campaign_id = ${campaign.id}`
      ).length;
    expect(await queued()).toBe(1);

    const named = await call(as.support, 'POST', `admin/campaigns/${campaign.id}/targets/retry`, {
      target_ids: [ids[0], ids[3]], // the second is not failed: left alone
    });
    expect([named.status, named.body]).toEqual([200, { retried: 1 }]);
    const [first] = await sql<{ status: string; attempts: number }[]>`
      select status, attempts from public.campaign_targets where id = ${ids[0] as string}`;
    expect(first).toEqual({ status: 'queued', attempts: 0 });
    expect(await queued()).toBe(2);

    expect((await act(campaign.id, 'pause')).status).toBe(200);
    const all = await call(as.admin, 'POST', `admin/campaigns/${campaign.id}/targets/retry`, {});
    expect(all.body).toEqual({ retried: 2 });
    expect(await queued()).toBe(4);
    expect((await call(as.admin, 'POST', `admin/campaigns/${campaign.id}/targets/retry`, {})).body).toEqual({
      retried: 0,
    });
  });

  it.each([
    ['draft', (): Promise<string> => promo().then((c) => c.id)],
    ['done', async (): Promise<string> => SEEDED_DONE],
  ] as const)('refuses a %s campaign (409) and changes nothing', async (state, make) => {
    const id = await make();
    const before = await everything();
    const { status, body } = await call(as.support, 'POST', `admin/campaigns/${id}/targets/retry`, {});
    expect([status, body.error.code, body.error.details]).toEqual([409, 'conflict', { status: state }]);
    expect(await everything()).toBe(before);
  });

  it.each([...NOT_RUNNERS, 'operator'] as const)('refuses %s (403) and changes nothing', async (role) => {
    const numbers = [rw()];
    const campaign = await running(numbers);
    const [id] = await targetIds(campaign.id, numbers);
    await failTarget(id as string);
    const before = await everything();
    const { status, body } = await call(as[role], 'POST', `admin/campaigns/${campaign.id}/targets/retry`, {});
    expect([status, body.error.code]).toEqual([403, 'forbidden']);
    expect(await everything()).toBe(before);
  });

  it.each([
    ['ids that are not UUIDs', { target_ids: ['x'] }],
    ['an empty list', { target_ids: [] }],
    ['an unknown field', { all: true }],
  ])('refuses %s (400)', async (_what, body) => {
    const answer = await call(as.support, 'POST', `admin/campaigns/${SEEDED_RUNNING}/targets/retry`, body);
    expect([answer.status, answer.body.error.code]).toEqual([400, 'invalid_request']);
  });
});

describe('GET admin/campaigns/:id/estimate', () => {
  let campaign: TCampaign;

  beforeAll(async () => {
    await sql`update public.settings set value = '{"whatsapp": {"per_minute": 10}}' where key = 'send_throttle'`;
    await sql`update public.settings set value = '{}' where key = 'quiet_hours'`;
    campaign = await promo();
    const rwanda = Array.from({ length: 31 }, rw);
    const stopped = rwanda[0] as string;
    await sql`select app.record_opt_out(${stopped}, 'keyword:STOP')`;
    try {
      await imported(campaign.id, promoCsv([...rwanda, ...Array.from({ length: 20 }, mt), '+12025550123']));
    } finally {
      await sql`delete from public.opt_outs where phone_e164 = ${stopped}`;
    }
    const [failed] = await targetIds(campaign.id, [rwanda[1] as string]);
    await failTarget(failed as string);
  });

  const estimate = async (client: SupabaseClient = as.support) => {
    const { status, body } = await call(client, 'GET', `admin/campaigns/${campaign.id}/estimate`);
    if (status !== 200) throw new Error(`estimate: ${status} ${JSON.stringify(body)}`);
    return ZCampaignEstimate.parse(body);
  };

  it.each(RUNNERS)(
    '%s: pending targets per country at the throttle, without quiet hours (sent, failed, opted out not counted)',
    async (role) => {
      const result = await estimate(as[role]);
      expect(result).toMatchObject({
        pending: 50,
        per_minute: 10,
        minutes: 5,
        quiet_minutes: 0,
        by_country: [
          { country: 'RW', targets: 29, time_zone: 'Africa/Kigali', quiet_hours: null },
          { country: 'MT', targets: 20, time_zone: 'Europe/Malta', quiet_hours: null },
          { country: 'other', targets: 1, time_zone: 'UTC', quiet_hours: null },
        ],
      });
      expect(Math.abs(Date.parse(result.finishes_at ?? '') - (Date.now() + 5 * 60_000))).toBeLessThan(60_000);
    },
  );

  it("waits for the campaign's quiet hours in each country's time zone", async () => {
    // A window from three hours before Kigali's time now to three hours after: Malta (an hour
    // or none behind) is inside it too, and each country's sends wait for its own end.
    const kigali = new Date(Date.now() + 2 * 3600_000);
    const at = (hours: number) => {
      const d = new Date(kigali.getTime() + hours * 3600_000);
      return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    };
    const window = { start: at(-3), end: at(3) };
    expect((await call(as.support, 'PATCH', `admin/campaigns/${campaign.id}`, { quiet_hours: window })).status).toBe(
      200,
    );
    const result = await estimate();
    const expected = estimateCampaign({
      byCountry: { RW: 29, MT: 20, other: 1 },
      perMinute: 10,
      quietHours: {},
      override: window,
      start: new Date(),
    });
    expect(result.by_country.map((c) => c.quiet_hours)).toEqual([window, window, window]);
    expect(result.minutes).toBeGreaterThan(170);
    expect(Math.abs((result.minutes ?? 0) - (expected.minutes ?? 0))).toBeLessThanOrEqual(1);
    expect(result.quiet_minutes).toBeGreaterThan(0);
  });

  it('says when sending is paused (throttle 0): no duration', async () => {
    await sql`update public.settings set value = '{"whatsapp": {"per_minute": 0}}' where key = 'send_throttle'`;
    const result = await estimate();
    expect(result).toMatchObject({ pending: 50, per_minute: 0, minutes: null, finishes_at: null });
    await sql`update public.settings set value = '{"whatsapp": {"per_minute": 10}}' where key = 'send_throttle'`;
  });

  it.each([...NOT_RUNNERS, 'operator'] as const)('refuses %s (403)', async (role) => {
    const { status, body } = await call(as[role], 'GET', `admin/campaigns/${campaign.id}/estimate`);
    expect([status, body.error.code]).toEqual([403, 'forbidden']);
  });

  it('answers an unknown campaign with 404, a done one with nothing pending', async () => {
    expect((await call(as.support, 'GET', `admin/campaigns/${NOBODY}/estimate`)).status).toBe(404);
    const done = await call(as.support, 'GET', `admin/campaigns/${SEEDED_DONE}/estimate`);
    expect(done.body).toMatchObject({ pending: 0, by_country: [], minutes: 0 });
  });
});

describe('settings: opt-out keywords and the opt-out count', () => {
  it('GET returns the opt-out keywords; a super admin changes them (upper-cased), others cannot', async () => {
    const read = ZSettingsResponse.parse((await call(as.readonly, 'GET', 'admin/settings')).body);
    expect(read.opt_out_keywords.stop).toContain('STOP');
    const value = { stop: ['stop', ' Hagarika '], resume: ['start'] };
    const saved = await call(as.admin, 'PUT', 'admin/settings/opt_out_keywords', { value });
    expect(saved.status).toBe(200);
    expect(saved.body.value).toEqual({ stop: ['STOP', 'HAGARIKA'], resume: ['START'] });
    const both = await call(as.admin, 'PUT', 'admin/settings/opt_out_keywords', {
      value: { stop: ['STOP'], resume: ['stop'] },
    });
    expect([both.status, both.body.error.code]).toEqual([400, 'invalid_request']);
    const before = await fingerprint(sql, 'public.settings');
    expect((await call(as.support, 'PUT', 'admin/settings/opt_out_keywords', { value })).status).toBe(403);
    expect(await fingerprint(sql, 'public.settings')).toBe(before);
    await sql`update public.settings set value = ${sql.json(read.opt_out_keywords)} where key = 'opt_out_keywords'`;
  });

  it("counts the admins' list and the opt-out table, a number on both once", async () => {
    const [listed, stopped] = [rw(), rw()];
    const count = async (client: SupabaseClient) =>
      ZSettingsResponse.parse((await call(client, 'GET', 'admin/settings')).body).opt_out_count;
    const before = await count(as.support);
    await call(as.admin, 'POST', 'admin/opt-outs', { msisdn: listed });
    await sql`select app.record_opt_out(${stopped}, 'keyword:STOP'), app.record_opt_out(${listed}, 'keyword:STOP')`;
    try {
      expect(await count(as.support)).toBe(before + 2);
      expect(await count(as.admin)).toBe(before + 2);
      const check = await call(as.admin, 'POST', 'admin/opt-outs/check', { msisdn: stopped });
      expect(check.body).toMatchObject({ opted_out: true, opt_out_count: before + 2 });
      // A count shows no number: roles that may not read the table get the same count.
      expect(await count(as.readonly)).toBe(before + 2);
      expect(await count(as.dataops)).toBe(before + 2);
    } finally {
      await call(as.admin, 'POST', 'admin/opt-outs/remove', { msisdn: listed });
      await sql`delete from public.opt_outs where phone_e164 in (${listed}, ${stopped})`;
    }
  });
});
