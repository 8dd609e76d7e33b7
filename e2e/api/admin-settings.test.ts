/**
 * Programme settings and opt-outs through the admin function, as each demo role: who may
 * read and change them (refusals change nothing and write no audit row), validation with
 * the shared schemas, audit rows with their before/after diff, and the opt-out list:
 * numbers stored only as hashes, checked, removed, and added concurrently.
 */
import { createHash } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZSettingsResponse } from '../../packages/contracts/src/settings/settings.ts';
import { ADMIN_ID, auditCount, fingerprint, signInAll, type Role } from '../support/admin.ts';
import { db } from '../support/stack.ts';
import { call, freshMsisdn, type Json } from '../support/vouchers.ts';

const sql = db();
let as: Record<Role, SupabaseClient>;
let original: { key: string; value: Json }[];

beforeAll(async () => {
  as = await signInAll();
  original = await sql<{ key: string; value: Json }[]>`select key, value from public.settings`;
});
afterAll(async () => {
  for (const { key, value } of original) {
    await sql`update public.settings set value = ${sql.json(value)} where key = ${key} and value is distinct from ${sql.json(value)}`;
  }
  await sql.end();
});

const settingsFingerprint = () => fingerprint(sql, 'public.settings');
const valueOf = async (key: string) =>
  (await sql<{ value: Json }[]>`select value from public.settings where key = ${key}`)[0]?.value;
const put = (client: SupabaseClient | null, key: string, body: Json) =>
  call(client, 'PUT', `admin/settings/${key}`, body);
const hash = (msisdn: string) => createHash('sha256').update(msisdn).digest('hex');

const VALID: Record<string, Json> = {
  quiet_hours: { rw: { start: '21:30', end: '06:15' }, mt: { start: '23:00', end: '07:00' } },
  send_throttle: { whatsapp: { per_minute: 120 } },
  templates: [
    {
      id: 'fuel_reminder',
      name: 'Fuel reminder',
      language: 'en',
      category: 'marketing',
      body: 'Hi {{name}}, your voucher {{code}} expires soon.',
      variables: ['name', 'code'],
    },
  ],
  revolut_link: { url: 'https://revolut.me/easymo-test' },
};

/** Numbers opted out on either list (the admins' hashes, the drivers' STOPs), each once. */
async function optedOutNumbers(): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select (select jsonb_array_length(value) from public.settings where key = 'opt_out_list')
         + (select count(*) from public.opt_outs o, public.settings s
             where s.key = 'opt_out_list' and not s.value ? app.msisdn_hash(o.phone_e164))::int as n`;
  return row?.n ?? 0;
}

describe('GET admin/settings', () => {
  it.each(['admin', 'support', 'dataops', 'readonly'] as const)(
    '%s reads every editable setting and the opt-out count, with who changed each',
    async (role) => {
      const { status, body } = await call(as[role], 'GET', 'admin/settings');
      expect(status).toBe(200);
      const settings = ZSettingsResponse.parse(body);
      expect(settings.quiet_hours).toEqual(await valueOf('quiet_hours'));
      expect(settings.templates).toEqual(await valueOf('templates'));
      // Both lists, a number on both counted once; the same count for every admin role.
      expect(settings.opt_out_count).toBe(await optedOutNumbers());
      expect(Object.keys(settings.changes).sort()).toEqual(
        ['opt_out_keywords', 'opt_out_list', 'quiet_hours', 'revolut_link', 'send_throttle', 'templates'].sort(),
      );
      expect(JSON.stringify(body)).not.toMatch(/[0-9a-f]{64}/); // the hashes themselves are not handed out
    },
  );

  it('refuses an operator (403) and anyone without a session (401)', async () => {
    expect((await call(as.operator, 'GET', 'admin/settings')).status).toBe(403);
    expect((await call(null, 'GET', 'admin/settings')).status).toBe(401);
  });
});

describe('PUT admin/settings/:key', () => {
  it.each(Object.keys(VALID))(
    'a super admin saves %s: stored, stamped, audited with its before/after diff',
    async (key) => {
      const before = await valueOf(key);
      const { status, body } = await put(as.admin, key, { value: VALID[key] });
      expect(status).toBe(200);
      expect(body).toMatchObject({
        key,
        value: VALID[key],
        change: { updated_by: ADMIN_ID, updated_by_email: 'admin@easymo.test' },
      });
      expect(await valueOf(key)).toEqual(VALID[key]);
      const [audit] = await sql<{ actor_id: string; actor_kind: string; action: string; diff: Json }[]>`
        select actor_id, actor_kind, action, diff from public.audit_log
         where target_table = 'settings' and target_id = ${key} order by seq desc limit 1`;
      expect(audit).toMatchObject({ actor_id: ADMIN_ID, actor_kind: 'user', action: 'update' });
      expect(audit?.diff.before.value).toEqual(before);
      expect(audit?.diff.after.value).toEqual(VALID[key]);
      const read = await call(as.readonly, 'GET', 'admin/settings');
      expect(read.body[key]).toEqual(VALID[key]);
      expect(read.body.changes[key]).toMatchObject({ updated_by: ADMIN_ID, updated_by_email: 'admin@easymo.test' });

      // Saving the same value again writes nothing.
      const audits = await auditCount(sql, 'settings', key);
      expect((await put(as.admin, key, { value: VALID[key] })).status).toBe(200);
      expect(await auditCount(sql, 'settings', key)).toBe(audits);
    },
  );

  it.each([
    ['quiet_hours', 'a time past 23:59', { rw: { start: '24:00', end: '06:00' } }],
    ['quiet_hours', 'a country the programme has not', { xx: { start: '22:00', end: '06:00' } }],
    ['quiet_hours', 'an upper-case country', { RW: { start: '22:00', end: '06:00' } }],
    ['quiet_hours', 'a window that starts where it ends', { rw: { start: '22:00', end: '22:00' } }],
    ['send_throttle', 'a negative throttle', { whatsapp: { per_minute: -1 } }],
    ['send_throttle', 'a throttle over 60,000 a minute', { whatsapp: { per_minute: 60_001 } }],
    ['send_throttle', 'another channel', { whatsapp: { per_minute: 60 }, sms: { per_minute: 1 } }],
    ['templates', 'a variable the body does not use', [{ ...VALID.templates[0], variables: ['name', 'code', 'x'] }]],
    ['templates', 'the same id twice', [VALID.templates[0], VALID.templates[0]]],
    ['templates', 'a bad category', [{ ...VALID.templates[0], category: 'spam' }]],
    ['revolut_link', 'a link elsewhere', { url: 'https://evil.example/easymo' }],
    ['revolut_link', 'plain http', { url: 'http://revolut.me/easymo' }],
  ])('refuses %s with %s (400), changing nothing', async (key, _what, value) => {
    const before = await settingsFingerprint();
    const audits = await auditCount(sql, 'settings');
    const { status, body } = await put(as.admin, key, { value });
    expect([status, body.error.code]).toEqual([400, 'invalid_request']);
    expect(body.error.details.length).toBeGreaterThan(0);
    expect(await settingsFingerprint()).toBe(before);
    expect(await auditCount(sql, 'settings')).toBe(audits);
  });

  it.each([
    ['no value', {}],
    ['a value next to another field', { value: VALID.send_throttle, key: 'templates' }],
    ['a bare value', VALID.send_throttle],
  ])('refuses a body with %s (400)', async (_what, body) => {
    const before = await settingsFingerprint();
    const answer = await put(as.admin, 'send_throttle', body);
    expect([answer.status, answer.body.error.code]).toEqual([400, 'invalid_request']);
    expect(await settingsFingerprint()).toBe(before);
  });

  it.each(['opt_out_list', 'redemption', 'unknown_key', '__proto__', 'constructor', 'QUIET_HOURS'])(
    'answers the key %s with 404 not_found (not an editable setting), changing nothing',
    async (key) => {
      const before = await settingsFingerprint();
      const { status, body } = await put(as.admin, key, { value: [] });
      expect([status, body.error.code]).toEqual([404, 'not_found']);
      expect(await settingsFingerprint()).toBe(before);
    },
  );

  it.each(['support', 'dataops', 'readonly', 'operator'] as const)(
    'refuses %s (403): nothing changes, no audit row',
    async (role) => {
      const before = await settingsFingerprint();
      const audits = await auditCount(sql, 'settings');
      const { status, body } = await put(as[role], 'send_throttle', { value: { whatsapp: { per_minute: 1 } } });
      expect([status, body.error.code]).toEqual([403, 'forbidden']);
      expect(await settingsFingerprint()).toBe(before);
      expect(await auditCount(sql, 'settings')).toBe(audits);
    },
  );

  it('refuses callers without a session (401)', async () => {
    expect((await put(null, 'send_throttle', { value: VALID.send_throttle })).status).toBe(401);
  });
});

describe('opt-outs', () => {
  /** Every place a number could leak to: settings values and the audit log. */
  async function numberStored(msisdn: string): Promise<boolean> {
    const digits = msisdn.slice(1);
    const [row] = await sql<{ n: number }[]>`
      select (select count(*) from public.settings where value::text like ${`%${digits}%`})
           + (select count(*) from public.audit_log where diff::text like ${`%${digits}%`}) as n`;
    return Number(row?.n) > 0;
  }
  const list = async () => (await valueOf('opt_out_list')) as string[];

  it('adds a number (written any common way) as its hash only; check and remove follow it', async () => {
    const msisdn = freshMsisdn();
    const local = `0${msisdn.slice(4, 7)} ${msisdn.slice(7)}`; // 078x xxx xxx
    const count = await optedOutNumbers();

    const added = await call(as.admin, 'POST', 'admin/opt-outs', { msisdn: local });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ msisdn, opted_out: true, changed: true, opt_out_count: count + 1 });
    expect(await list()).toContain(hash(msisdn));
    expect(await numberStored(msisdn)).toBe(false);
    const [audit] = await sql<{ actor_id: string; diff: Json }[]>`
      select actor_id, diff from public.audit_log where target_table = 'settings' and target_id = 'opt_out_list'
       order by seq desc limit 1`;
    expect(audit?.actor_id).toBe(ADMIN_ID);
    expect(audit?.diff.after.value).toContain(hash(msisdn));
    expect(audit?.diff.before.value).not.toContain(hash(msisdn));

    const again = await call(as.admin, 'POST', 'admin/opt-outs', { msisdn });
    expect(again.body).toEqual({ msisdn, opted_out: true, changed: false, opt_out_count: count + 1 });

    for (const role of ['admin', 'support', 'dataops', 'readonly'] as const) {
      const check = await call(as[role], 'POST', 'admin/opt-outs/check', { msisdn: local });
      expect(check.body, role).toEqual({ msisdn, opted_out: true, changed: false, opt_out_count: count + 1 });
    }

    const removed = await call(as.admin, 'POST', 'admin/opt-outs/remove', { msisdn });
    expect(removed.body).toEqual({ msisdn, opted_out: false, changed: true, opt_out_count: count });
    expect(await list()).not.toContain(hash(msisdn));
    const removedAgain = await call(as.admin, 'POST', 'admin/opt-outs/remove', { msisdn });
    expect(removedAgain.body).toMatchObject({ opted_out: false, changed: false });
    expect((await call(as.readonly, 'POST', 'admin/opt-outs/check', { msisdn })).body.opted_out).toBe(false);
    expect(await numberStored(msisdn)).toBe(false);
  });

  it('finds a number the WhatsApp side opted out (a STOP reply writes the same hash)', async () => {
    const msisdn = freshMsisdn();
    await sql`update public.settings set value = value || ${sql.json([hash(msisdn)])} where key = 'opt_out_list'`;
    try {
      const { body } = await call(as.support, 'POST', 'admin/opt-outs/check', { msisdn });
      expect(body.opted_out).toBe(true);
    } finally {
      await sql`update public.settings set value = value - ${hash(msisdn)}::text where key = 'opt_out_list'`;
    }
  });

  it('twenty concurrent adds of different numbers all land', async () => {
    const numbers = Array.from({ length: 20 }, freshMsisdn);
    const count = (await list()).length;
    const answers = await Promise.all(numbers.map((msisdn) => call(as.admin, 'POST', 'admin/opt-outs', { msisdn })));
    expect(answers.map((a) => [a.status, a.body.changed])).toEqual(numbers.map(() => [200, true]));
    const stored = await list();
    expect(stored).toHaveLength(count + 20);
    for (const msisdn of numbers) expect(stored).toContain(hash(msisdn));
    await Promise.all(numbers.map((msisdn) => call(as.admin, 'POST', 'admin/opt-outs/remove', { msisdn })));
    expect(await list()).toHaveLength(count);
  });

  it('concurrent adds of the same number store it once', async () => {
    const msisdn = freshMsisdn();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call(as.admin, 'POST', 'admin/opt-outs', { msisdn })),
    );
    expect(answers.filter((a) => a.body.changed)).toHaveLength(1);
    expect((await list()).filter((h) => h === hash(msisdn))).toHaveLength(1);
    await call(as.admin, 'POST', 'admin/opt-outs/remove', { msisdn });
  });

  it.each([
    ['a number that is not one', { msisdn: '12345' }],
    ['letters', { msisdn: 'call me' }],
    ['no number', {}],
    ['a number as a number', { msisdn: 250788123456 }],
    ['an unknown field', { msisdn: '+250788123456', reason: 'STOP' }],
  ])('refuses %s with 400 on add, remove and check, changing nothing', async (_what, request) => {
    const before = await settingsFingerprint();
    for (const path of ['admin/opt-outs', 'admin/opt-outs/remove', 'admin/opt-outs/check']) {
      const { status, body } = await call(as.admin, 'POST', path, request);
      expect([status, body.error.code], path).toEqual([400, 'invalid_request']);
    }
    expect(await settingsFingerprint()).toBe(before);
  });

  it.each(['support', 'dataops', 'readonly', 'operator'] as const)(
    'refuses %s to add or remove (403), changing nothing',
    async (role) => {
      const before = await settingsFingerprint();
      for (const path of ['admin/opt-outs', 'admin/opt-outs/remove']) {
        const { status, body } = await call(as[role], 'POST', path, { msisdn: '+250788100011' });
        expect([status, body.error.code], path).toEqual([403, 'forbidden']);
      }
      expect(await settingsFingerprint()).toBe(before);
    },
  );

  it('refuses an operator a check (403), and callers without a session (401)', async () => {
    expect((await call(as.operator, 'POST', 'admin/opt-outs/check', { msisdn: '+250788100011' })).status).toBe(403);
    expect((await call(null, 'POST', 'admin/opt-outs/check', { msisdn: '+250788100011' })).status).toBe(401);
  });
});
