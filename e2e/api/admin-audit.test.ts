/**
 * The audit log through the admin function: who may read which rows (RLS), every filter
 * (table, actor by email or id, action, target, time range), keyset pages newest first
 * with no row repeated or skipped (also while rows are being added), bad cursors and
 * queries refused, and the chain verification with its head.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZAuditResponse, ZAuditVerifyResponse } from '../../packages/contracts/src/admin/audit.ts';
import { ADMIN_ID, READONLY_ID, signInAll, type Role } from '../support/admin.ts';
import { db } from '../support/stack.ts';
import { call, type Json } from '../support/vouchers.ts';

const sql = db();
let as: Record<Role, SupabaseClient>;
/** A setting of this run's own, changed by the admin through the API so its audit rows are known. */
const KEY = `audit_test_${Date.now()}`;

beforeAll(async () => {
  as = await signInAll();
  // Seven audit rows about KEY, by the super admin: one insert, six updates.
  await sql.begin(async (tx) => {
    await tx`select set_config('role', 'authenticated', true),
                    set_config('request.jwt.claims', ${JSON.stringify({ sub: ADMIN_ID, role: 'authenticated' })}, true)`;
    await tx`insert into public.settings (key, value) values (${KEY}, '0')`;
  });
  for (let i = 1; i <= 6; i++) {
    await sql.begin(async (tx) => {
      await tx`select set_config('role', 'authenticated', true),
                      set_config('request.jwt.claims', ${JSON.stringify({ sub: ADMIN_ID, role: 'authenticated' })}, true)`;
      await tx`update public.settings set value = ${sql.json(i)} where key = ${KEY}`;
    });
  }
});
afterAll(async () => {
  await sql`delete from public.settings where key = ${KEY}`;
  await sql.end();
});

const audit = (client: SupabaseClient | null, query = '') =>
  call(client, 'GET', `admin/audit${query ? `?${query}` : ''}`);

/** Every page of a query, following next_cursor. */
async function walk(client: SupabaseClient, query: string, between?: () => Promise<void>): Promise<Json[][]> {
  const pages: Json[][] = [];
  let cursor: string | null = null;
  do {
    const { status, body } = await audit(client, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(status).toBe(200);
    pages.push(ZAuditResponse.parse(body).items);
    cursor = body.next_cursor;
    if (between) await between();
  } while (cursor && pages.length < 1000);
  return pages;
}

describe('GET admin/audit', () => {
  it.each(['admin', 'support', 'dataops', 'readonly'] as const)('%s reads the log, newest first', async (role) => {
    const { status, body } = await audit(as[role], 'limit=20');
    expect(status).toBe(200);
    const { items } = ZAuditResponse.parse(body);
    expect(items).toHaveLength(20);
    const seqs = items.map((i) => i.seq ?? 0);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const [{ max } = { max: '' }] = await sql<{ max: string }[]>`select max(seq)::text as max from public.audit_log`;
    if (role === 'admin') expect(seqs[0]).toBe(Number(max));
  });

  it('shows only what the role may read: admin_roles changes to super admins, targets to support too', async () => {
    const roleChanges = async (client: SupabaseClient) => (await audit(client, 'table=admin_roles')).body.items;
    const targets = async (client: SupabaseClient) =>
      (await audit(client, 'table=campaign_targets&limit=5')).body.items;
    expect((await roleChanges(as.admin)).length).toBeGreaterThan(0);
    expect(await roleChanges(as.support)).toEqual([]);
    expect(await roleChanges(as.readonly)).toEqual([]);
    expect((await targets(as.admin)).length).toBeGreaterThan(0);
    expect((await targets(as.support)).length).toBeGreaterThan(0);
    expect(await targets(as.dataops)).toEqual([]);
    expect(await targets(as.readonly)).toEqual([]);
  });

  it('filters by table and target, and names the actor by email', async () => {
    const { body } = await audit(as.readonly, `table=settings&target_id=${KEY}`);
    expect(body.items).toHaveLength(7);
    expect(body.items.map((i: Json) => i.action)).toEqual([...Array(6).fill('update'), 'insert']);
    expect(body.items[0]).toMatchObject({
      target_table: 'settings',
      target_id: KEY,
      actor_id: ADMIN_ID,
      actor_email: 'admin@easymo.test',
      actor_kind: 'user',
      diff: { before: { value: 5 }, after: { value: 6 } },
    });
    expect(body.items[6].diff.after).toMatchObject({ key: KEY, value: 0 });
    expect(body.next_cursor).toBeNull();
  });

  it('filters by actor, given as an email (any case) or an id, and by action', async () => {
    const byEmail = await audit(as.readonly, `actor=ADMIN%40easymo.test&target_id=${KEY}&action=insert`);
    expect(byEmail.body.items.map((i: Json) => [i.action, i.actor_id])).toEqual([['insert', ADMIN_ID]]);
    const byId = await audit(as.readonly, `actor=${ADMIN_ID}&target_id=${KEY}`);
    expect(byId.body.items).toHaveLength(7);
    const someoneElse = await audit(as.readonly, `actor=${READONLY_ID}&target_id=${KEY}`);
    expect(someoneElse.body.items).toEqual([]);
    const nobody = await audit(as.readonly, 'actor=nobody%40easymo.test');
    expect(nobody.body).toEqual({ items: [], next_cursor: null });
    const actors = await audit(as.admin, `actor=${ADMIN_ID}&limit=200`);
    expect(actors.body.items.every((i: Json) => i.actor_id === ADMIN_ID)).toBe(true);
  });

  it('filters by time: from is inclusive, to exclusive', async () => {
    const rows = await sql<{ at: string }[]>`
      select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
        from public.audit_log where target_id = ${KEY} order by seq`;
    const third = rows[2]?.at ?? '';
    const fifth = rows[4]?.at ?? '';
    const { body } = await audit(as.readonly, `target_id=${KEY}&from=${third}&to=${fifth}`);
    expect(body.items.map((i: Json) => i.diff.after.value)).toEqual([3, 2]);
  });

  it('pages newest first: every row once, none skipped, whatever the page size', async () => {
    for (const [query, target, sizes] of [
      [`target_id=${KEY}`, KEY, [1, 2, 3, 7, 200]],
      ['table=settings', null, [7, 50, 200]],
    ] as const) {
      // What the super admin may read of it, straight from the table.
      const expected = await sql<{ id: string }[]>`
        select id from public.audit_log
         where target_table = 'settings' ${target === null ? sql`` : sql`and target_id = ${target}`}
         order by seq desc`;
      expect(expected.length).toBeGreaterThanOrEqual(7);
      for (const size of sizes) {
        const pages = await walk(as.admin, `${query}&limit=${size}`);
        expect(pages.slice(0, -1).every((p) => p.length === size)).toBe(true);
        expect(
          pages.flat().map((i) => i.id),
          `${query}, pages of ${size}`,
        ).toEqual(expected.map((r) => r.id));
      }
    }
  });

  it('rows written while paging come before the first page, never inside the walk', async () => {
    const before = (await audit(as.admin, `target_id=${KEY}&limit=200`)).body.items as Json[];
    let n = 100;
    const pages = await walk(as.admin, `target_id=${KEY}&limit=2`, async () => {
      await sql.begin(async (tx) => {
        await tx`select set_config('role', 'authenticated', true),
                        set_config('request.jwt.claims', ${JSON.stringify({ sub: ADMIN_ID, role: 'authenticated' })}, true)`;
        await tx`update public.settings set value = ${sql.json(n++)} where key = ${KEY}`;
      });
    });
    const ids = pages.flat().map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(before.map((i) => i.id));
  });

  it.each([
    ['a cursor this API never gave out', 'cursor=abc'],
    ['a forged cursor', `cursor=${Buffer.from('a.0').toString('base64url')}`],
    ['a cursor of another list', `cursor=${Buffer.from('["2026-01-01T00:00:00Z","x"]').toString('base64url')}`],
    ['a limit of 0', 'limit=0'],
    ['a limit over 200', 'limit=201'],
    ['an unknown table', 'table=auth.users'],
    ['an unknown action', 'action=truncate'],
    ['a time without an offset', 'from=2026-01-01T00:00:00'],
    ['an unknown parameter', 'sort=seq'],
    ['a parameter twice', 'table=settings&table=vouchers'],
  ])('refuses %s with 400 invalid_request', async (_what, query) => {
    const { status, body } = await audit(as.admin, query);
    expect([status, body.error.code]).toEqual([400, 'invalid_request']);
  });

  it('refuses an operator (403) and anyone without a session (401)', async () => {
    expect((await audit(as.operator)).status).toBe(403);
    expect((await audit(null)).status).toBe(401);
  });
});

describe('GET admin/audit/verify', () => {
  it.each(['admin', 'support', 'dataops', 'readonly'] as const)(
    '%s verifies the whole chain and gets its head',
    async (role) => {
      const { status, body } = await call(as[role], 'GET', 'admin/audit/verify');
      expect(status).toBe(200);
      const result = ZAuditVerifyResponse.parse(body);
      expect(result).toMatchObject({ ok: true, first_broken_seq: null, first_broken_id: null, problem: null });
      const [{ n } = { n: -1 }] = await sql<{ n: number }[]>`select count(*)::int as n from public.audit_log`;
      // A late webhook may add a row meanwhile: the answer is never ahead of the database.
      expect(result.rows_checked).toBeLessThanOrEqual(n);
      expect(result.rows_checked).toBe(result.head?.seq);
      const [head] = await sql<
        { hash: string }[]
      >`select hash from public.audit_log where seq = ${result.head?.seq ?? 0}`;
      expect(result.head?.hash).toBe(head?.hash);
      expect(result.head?.hash).toMatch(/^[0-9a-f]{64}$/);
    },
  );

  it('refuses an operator (403) and anyone without a session (401)', async () => {
    expect((await call(as.operator, 'GET', 'admin/audit/verify')).status).toBe(403);
    expect((await call(null, 'GET', 'admin/audit/verify')).status).toBe(401);
  });
});
