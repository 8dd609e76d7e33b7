/**
 * Reading vouchers in the admin panel: filters, sorting, keyset pagination (no row twice,
 * none skipped), totals, the streamed CSV export (no 1,000-row cap) and the detail page.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, DEMO, signIn } from '../support/stack.ts';
import { call, freshMsisdn, makeVoucher, STATION_1, STATION_2, type Json } from '../support/vouchers.ts';

const sql = db();
let admin: SupabaseClient;
let readonly: SupabaseClient;
let msisdn: string;
let driver: string;
/** The fixture driver's vouchers, by name. */
const made: Record<string, { id: string; code5: string }> = {};

beforeAll(async () => {
  [admin, readonly] = await Promise.all([
    signIn(DEMO.admin).then((s) => s.client),
    signIn(DEMO.readonly).then((s) => s.client),
  ]);
  msisdn = freshMsisdn();
  const [row] = await sql<{ id: string }[]>`insert into public.users (msisdn) values (${msisdn}) returning id`;
  driver = row?.id ?? '';
  const fixtures = [
    ['a', { amount: 1000, scope: STATION_1 }],
    ['b', { amount: 3000 }],
    ['c', { amount: 3000, status: 'issued' as const }],
    ['d', { amount: 2000, status: 'void' as const }],
    ['e', { amount: 5000, expiresInMinutes: null }],
    ['f', { amount: 3000, scope: STATION_2 }],
    ['g', { amount: 4000 }],
  ] as const;
  for (const [name, options] of fixtures) {
    made[name] = await makeVoucher(sql, { ...options, userId: driver, issuedMinutesAgo: 10 });
  }
});
afterAll(() => sql.end());

const digits = () => msisdn.slice(-8);
const list = (client: SupabaseClient, query: string) => call(client, 'GET', `admin/vouchers?${query}`);
const idsOf = (body: Json) => body.items.map((v: Json) => v.id);

describe('GET admin/vouchers', () => {
  it.each([DEMO.admin, DEMO.support, DEMO.dataops, DEMO.readonly])(
    'is open to every admin role (%s)',
    async (email) => {
      const client = (await signIn(email)).client;
      const { status, body } = await list(client, `q=${digits()}`);
      expect(status).toBe(200);
      expect(body.totals.count).toBe(7);
    },
  );

  it('is closed to station operators (403) and to callers without a session (401)', async () => {
    const operator = (await signIn(DEMO.operator)).client;
    expect((await list(operator, '')).status).toBe(403);
    expect((await call(null, 'GET', 'admin/vouchers')).status).toBe(401);
  });

  it('finds by part of the number, or by a code typed any way', async () => {
    const byNumber = await list(admin, `q=${digits()}`);
    expect(new Set(idsOf(byNumber.body))).toEqual(new Set(Object.values(made).map((v) => v.id)));
    const typed = (made.b?.code5 ?? '').toLowerCase().replace(/0/g, 'o');
    const byCode = await list(admin, `q=${encodeURIComponent(typed)}`);
    expect(idsOf(byCode.body)).toEqual([made.b?.id]);
  });

  it('filters by status, station (scoped or redeemed there), campaign and issue date', async () => {
    const q = `q=${digits()}`;
    expect(idsOf((await list(admin, `${q}&status=void`)).body)).toEqual([made.d?.id]);
    expect(idsOf((await list(admin, `${q}&station=${STATION_2}`)).body)).toEqual([made.f?.id]);
    const redeemedAt1 = await list(admin, `station=${STATION_1}&status=redeemed&limit=200`);
    expect(redeemedAt1.body.items.every((v: Json) => v.redeemed_station_id === STATION_1)).toBe(true);
    expect(redeemedAt1.body.items.length).toBeGreaterThan(0);
    const campaign = await list(admin, 'campaign=e0000000-0000-4000-8000-000000000002&limit=200');
    expect(campaign.body.items.every((v: Json) => v.campaign_id === 'e0000000-0000-4000-8000-000000000002')).toBe(true);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await list(admin, `${q}&from=${encodeURIComponent(future)}`)).body.totals.count).toBe(0);
    expect((await list(admin, `${q}&to=${encodeURIComponent(future)}`)).body.totals.count).toBe(7);
  });

  it('totals count and sum the whole filtered set, whatever the page size', async () => {
    const { body } = await list(admin, `q=${digits()}&limit=2`);
    expect(body.items).toHaveLength(2);
    expect(body.totals).toEqual({ count: 7, amount: 21000 });
  });

  it('sorts by amount both ways with ties broken by id, and puts vouchers without expiry last', async () => {
    const up = (await list(admin, `q=${digits()}&sort=amount&dir=asc`)).body.items;
    const amounts = up.map((v: Json) => v.amount);
    expect(amounts).toEqual([...amounts].sort((x: number, y: number) => x - y));
    const threes = up.filter((v: Json) => v.amount === 3000).map((v: Json) => v.id);
    expect(threes).toEqual([...threes].sort());
    const down = (await list(admin, `q=${digits()}&sort=amount&dir=desc`)).body.items.map((v: Json) => v.id);
    expect(down).toEqual(up.map((v: Json) => v.id).reverse());
    for (const dir of ['asc', 'desc']) {
      const byExpiry = (await list(admin, `q=${digits()}&sort=expires_at&dir=${dir}`)).body.items;
      expect(byExpiry.at(-1).id, `${dir}: no expiry sorts last`).toBe(made.e?.id);
    }
  });

  it('pages with a cursor: every voucher once, none skipped, even while new ones are issued', async () => {
    for (const sort of ['issued_at', 'amount', 'expires_at', 'redeemed_at']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `q=${digits()}&sort=${sort}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const { status, body } = await list(admin, query);
        expect(status).toBe(200);
        seen.push(...idsOf(body));
        cursor = body.next_cursor;
        pages += 1;
        if (pages === 2) await makeVoucher(sql, { userId: driver, amount: 3000, issuedMinutesAgo: 0 });
      } while (cursor && pages < 20);
      const fixtures = Object.values(made).map((v) => v.id);
      expect(new Set(seen).size, `${sort}: no duplicates`).toBe(seen.length);
      for (const id of fixtures) expect(seen, `${sort}: ${id} on some page`).toContain(id);
    }
  });

  it('refuses a forged cursor, bad limits, unknown sorts and unknown parameters with 400', async () => {
    for (const query of [
      'cursor=bm90LWEtY3Vyc29y',
      'limit=0',
      'limit=201',
      'sort=code5',
      'dir=up',
      'colour=red',
      'status=lost',
    ]) {
      const { status, body } = await list(admin, query);
      expect([status, body.error.code], query).toEqual([400, 'invalid_request']);
    }
  });
});

describe('GET admin/vouchers/export.csv', () => {
  it('streams every matching voucher past 1,000 rows, each once, as CSV with a header', async () => {
    const bulkDriver = freshMsisdn();
    const [{ id } = { id: '' }] = await sql<{ id: string }[]>`
      insert into public.users (msisdn) values (${bulkDriver}) returning id`;
    await sql`insert into public.vouchers (user_id, amount, issued_at)
              select ${id}, 100 + n, now() - make_interval(secs => n) from generate_series(1, 1500) n`;
    const session = (await readonly.auth.getSession()).data.session;
    const response = await fetch(
      `${process.env.SUPABASE_URL}/functions/v1/admin/vouchers/export.csv?q=${bulkDriver.slice(-8)}`,
      { headers: { apikey: process.env.SUPABASE_ANON_KEY ?? '', authorization: `Bearer ${session?.access_token}` } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="vouchers-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,code,status,amount,currency,msisdn,station_scope,campaign_id,issued_at,expires_at,redeemed_at,redeemed_station',
    );
    const rows = lines.slice(1);
    expect(rows).toHaveLength(1500);
    expect(new Set(rows.map((r) => r.split(',')[0])).size).toBe(1500);
    expect(rows[0]).toContain(bulkDriver);
    expect(rows[0]?.split(',')[3]).toBe('101.00');
  });

  it('writes station codes, not ids, and is refused to operators before a byte is streamed', async () => {
    const session = (await admin.auth.getSession()).data.session;
    const headers = { apikey: process.env.SUPABASE_ANON_KEY ?? '', authorization: `Bearer ${session?.access_token}` };
    const text = await (
      await fetch(
        `${process.env.SUPABASE_URL}/functions/v1/admin/vouchers/export.csv?q=${digits()}&station=${STATION_1}`,
        { headers },
      )
    ).text();
    expect(text).toContain('KGL-KCY-01');
    expect(text).not.toContain(STATION_1);
    const operator = (await signIn(DEMO.operator)).client;
    const refused = await call(operator, 'GET', 'admin/vouchers/export.csv');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
  });
});

describe('GET admin/vouchers/:id', () => {
  it('shows the voucher, its timeline, its audit rows and links to its card and QR', async () => {
    const { status, body } = await call(admin, 'GET', `admin/vouchers/${made.d?.id}`);
    expect(status).toBe(200);
    expect(body.voucher).toMatchObject({ id: made.d?.id, status: 'void', msisdn });
    expect(body.events.map((e: Json) => e.event_type)).toEqual(['issued', 'sent', 'void']);
    expect(body.audit.map((a: Json) => a.action)).toEqual(['insert', 'update', 'update']);
    expect(body.audit.every((a: Json) => Number.isInteger(a.seq))).toBe(true);
    // A voided voucher is settled: no card is made for it.
    expect(body.card_url).toBeNull();

    const live = await call(admin, 'GET', `admin/vouchers/${made.g?.id}`);
    const card = await fetch(live.body.card_url);
    expect(card.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await card.arrayBuffer());
    expect([...bytes.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
  });

  it('lets readonly admins look without making images; unknown ids are 404', async () => {
    const fresh = await makeVoucher(sql, { userId: driver });
    const { status, body } = await call(readonly, 'GET', `admin/vouchers/${fresh.id}`);
    expect(status).toBe(200);
    expect([body.card_url, body.qr_url]).toEqual([null, null]);
    expect((await sql`select png_url from public.vouchers where id = ${fresh.id}`)[0]?.png_url).toBeNull();
    expect((await call(admin, 'GET', 'admin/vouchers/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await call(admin, 'GET', 'admin/vouchers/nope')).status).toBe(404);
  });
});
