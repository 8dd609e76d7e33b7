/**
 * The station function through the gateway, as operators use it from the PWA: config,
 * lookup, redeem (exactly once under concurrency, idempotent by key, judged at capture
 * time offline), batch sync, history, signed QR tokens and the guessing defence.
 */
import { randomUUID, webcrypto } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CODE5_ALPHABET } from '../../packages/domain/src/code5.ts';
import { signVoucherToken, verifyVoucherToken, importVerifyingKey } from '../../packages/domain/src/voucher-token.ts';
import { db, DEMO, signIn } from '../support/stack.ts';
import {
  call,
  forgetAttempts,
  makeOperator,
  makeVoucher,
  qrTokenOf,
  tick,
  STATION_1,
  STATION_2,
  type Json,
} from '../support/vouchers.ts';

const sql = db();
let operator: SupabaseClient;
let operator2: SupabaseClient;
let admin: SupabaseClient;

beforeAll(async () => {
  [operator, operator2, admin] = await Promise.all([
    signIn(DEMO.operator).then((s) => s.client),
    signIn('operator2@easymo.test').then((s) => s.client),
    signIn(DEMO.admin).then((s) => s.client),
  ]);
  await forgetAttempts(sql);
});
afterEach(() => forgetAttempts(sql));
afterAll(() => sql.end());

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

function redeem(client: SupabaseClient, presented: { code?: string; token?: string }, extra: Json = {}) {
  return call(client, 'POST', 'station/redeem', {
    ...presented,
    idempotency_key: randomUUID(),
    captured_at: new Date().toISOString(),
    ...extra,
  });
}

async function eventCount(voucherId: string, type: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from public.voucher_events where voucher_id = ${voucherId} and event_type = ${type}`;
  return row?.n ?? 0;
}

describe('GET station/config', () => {
  it('gives each operator their own station, the QR public key and the offline limits from settings', async () => {
    const one = await call(operator, 'GET', 'station/config');
    const two = await call(operator2, 'GET', 'station/config');
    expect(one.status).toBe(200);
    expect(one.body.station).toEqual({ id: STATION_1, name: 'Engen Kacyiru', engencode: 'KGL-KCY-01' });
    expect(two.body.station.id).toBe(STATION_2);
    expect(one.body.qr_public_key).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) });
    expect(one.body.qr_public_key).not.toHaveProperty('d');
    expect(one.body.offline).toEqual({ max_count: 50, max_total: 500000, max_age_hours: 72, clock_skew_minutes: 10 });
    expect(one.body.attempts).toEqual({ limit: 10, window_minutes: 10 });
  });

  it('refuses accounts that operate no station (403) and callers without a session (401)', async () => {
    expect((await call(admin, 'GET', 'station/config')).body.error.code).toBe('forbidden');
    expect((await call(admin, 'GET', 'station/config')).status).toBe(403);
    expect((await call(null, 'GET', 'station/config')).status).toBe(401);
  });
});

describe('POST station/lookup', () => {
  it('finds a voucher by its code typed loosely and shows the amount, status and a masked number', async () => {
    const voucher = await makeVoucher(sql, { amount: 7500 });
    const typed = voucher.code5.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l').replace(/^(..)/, '$1-');
    const { status, body } = await call(operator, 'POST', 'station/lookup', { code: typed });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      voucher_id: voucher.id,
      code5: voucher.code5,
      amount: 7500,
      status: 'sent',
      redeemable: true,
    });
    expect(body.masked_msisdn).toMatch(/^\+25078\*+\d\d$/);
  });

  it.each([
    ['another station only', { scope: STATION_2 }, 403, 'wrong_station'],
    ['void', { status: 'void' as const }, 409, 'void'],
    [
      'never sent (its code cannot have reached a pump: it does not exist for a station)',
      { status: 'issued' as const },
      404,
      'not_found',
    ],
    ['expired', { issuedMinutesAgo: 120, expiresInMinutes: -5 }, 410, 'expired'],
  ])('answers a voucher that is %s with the reason and its status code', async (_what, options, status, code) => {
    const voucher = await makeVoucher(sql, options);
    const answer = await call(operator, 'POST', 'station/lookup', { code: voucher.code5 });
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
    expect(answer.body).not.toHaveProperty('voucher_id');
  });

  it('reads a voucher from the token in its stored QR image, and finds nothing for a code no voucher has', async () => {
    const voucher = await makeVoucher(sql);
    const token = await qrTokenOf(admin, voucher.id);
    const found = await call(operator, 'POST', 'station/lookup', { token });
    expect(found.status).toBe(200);
    expect(found.body.voucher_id).toBe(voucher.id);
    const missing = await call(operator, 'POST', 'station/lookup', { code: 'ZZZZZ' });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
  });
});

describe('QR tokens', () => {
  let token: string;
  let voucherId: string;

  beforeAll(async () => {
    const voucher = await makeVoucher(sql, { amount: 12000, scope: STATION_1 });
    voucherId = voucher.id;
    token = await qrTokenOf(admin, voucher.id);
  });

  it("verify offline with the station's public key and carry the voucher's facts", async () => {
    const { body: config } = await call(operator, 'GET', 'station/config');
    const check = await verifyVoucherToken(token, await importVerifyingKey(config.qr_public_key));
    expect(check).toMatchObject({ ok: true, claims: { voucherId, amount: 12000, stationScope: STATION_1 } });
  });

  it('refuse every single-character change (signature or payload) with invalid_token, changing nothing', async () => {
    const before = await sql`select status from public.vouchers where id = ${voucherId}`;
    const positions = [4, 10, 20, 35, 50, token.length - 40, token.length - 2, token.length - 1];
    for (const at of positions) {
      const char = token[at] === 'A' ? 'B' : 'A';
      const altered = token.slice(0, at) + char + token.slice(at + 1);
      const answer = await redeem(operator, { token: altered });
      expect(answer.status, `change at ${at}`).toBe(400);
      expect(answer.body.error.code, `change at ${at}`).toBe('invalid_token');
    }
    expect(await sql`select status from public.vouchers where id = ${voucherId}`).toEqual(before);
  });

  it('refuse a well-formed token signed with another key (a forger with a stolen tablet has no private key)', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const { body: lookup } = await call(operator, 'POST', 'station/lookup', { token });
    const forged = await signVoucherToken(
      { code5: lookup.code5, voucherId, amount: 1_000_000, stationScope: null, expiresAt: null },
      keys.privateKey as CryptoKey,
    );
    const answer = await redeem(operator, { token: forged });
    expect([answer.status, answer.body.error.code]).toEqual([400, 'invalid_token']);
    expect(await eventCount(voucherId, 'redeemed')).toBe(0);
  });

  it('refuse an expired token with expired (410)', async () => {
    const voucher = await makeVoucher(sql, { expiresInMinutes: 0.1 });
    const soon = await qrTokenOf(admin, voucher.id);
    const [row] = await sql<{ ms: number }[]>`
      select extract(epoch from expires_at - now())::float8 * 1000 as ms from public.vouchers where id = ${voucher.id}`;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, row?.ms ?? 0) + 1500));
    const answer = await call(operator, 'POST', 'station/lookup', { token: soon });
    expect([answer.status, answer.body.error.code]).toEqual([410, 'expired']);
  });

  it('redeem when genuine', async () => {
    const answer = await redeem(operator, { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ voucher_id: voucherId, amount: 12000, offline: false, replayed: false });
  });
});

describe('POST station/redeem', () => {
  it('200 concurrent redeems of one code from 20 clients: exactly one succeeds, 199 are already_redeemed, one event, one audit row', async () => {
    const voucher = await makeVoucher(sql, { amount: 5000 });
    const emails = [DEMO.operator, 'operator2@easymo.test'];
    for (let i = 0; i < 18; i++) emails.push(await makeOperator(sql, i % 2 === 0 ? STATION_1 : STATION_2));
    const clients = await Promise.all(emails.map((email) => signIn(email).then((s) => s.client)));
    const answers = await Promise.all(
      clients.flatMap((client) => Array.from({ length: 10 }, () => redeem(client, { code: voucher.code5 }))),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409 && a.body.error.code === 'already_redeemed')).toHaveLength(199);
    expect(await eventCount(voucher.id, 'redeemed')).toBe(1);
    const audit = await sql`
      select 1 from public.audit_log
       where target_table = 'vouchers' and target_id = ${voucher.id} and diff #>> '{after,status}' = 'redeemed'`;
    expect(audit).toHaveLength(1);
    const stored = await sql<{ result_code: string; n: number }[]>`
      select result_code, count(*)::int as n from public.voucher_redemptions where voucher_id = ${voucher.id}
       group by result_code order by result_code`;
    expect(stored).toEqual([
      { result_code: 'already_redeemed', n: 199 },
      { result_code: 'redeemed', n: 1 },
    ]);
  });

  it('a key replayed 50 times (at once) has one effect and every replay gets the first answer', async () => {
    const voucher = await makeVoucher(sql);
    const request = { code: voucher.code5, idempotency_key: randomUUID(), captured_at: new Date().toISOString() };
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => call(operator, 'POST', 'station/redeem', request)),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.replayed === false)).toHaveLength(1);
    const { replayed: _, ...first } = answers[0]?.body ?? {};
    for (const answer of answers) expect(answer.body).toMatchObject(first);
    expect(await eventCount(voucher.id, 'redeemed')).toBe(1);
    const [stored] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.voucher_redemptions where idempotency_key = ${request.idempotency_key}`;
    expect(stored?.n).toBe(1);
  });

  it('the same key with a changed payload is idempotency_conflict (422) and changes nothing', async () => {
    const [a, b] = [await makeVoucher(sql), await makeVoucher(sql)];
    const key = randomUUID();
    const first = await call(operator, 'POST', 'station/redeem', {
      code: a.code5,
      idempotency_key: key,
      captured_at: new Date().toISOString(),
    });
    expect(first.status).toBe(200);
    const changed = await call(operator, 'POST', 'station/redeem', {
      code: b.code5,
      idempotency_key: key,
      captured_at: new Date().toISOString(),
    });
    expect([changed.status, changed.body.error.code]).toEqual([422, 'idempotency_conflict']);
    const fromOtherStation = await call(operator2, 'POST', 'station/redeem', {
      code: a.code5,
      idempotency_key: key,
      captured_at: first.body.redeemed_at,
    });
    expect(fromOtherStation.status).toBe(422);
    expect((await sql`select status from public.vouchers where id = ${b.id}`)[0]?.status).toBe('sent');
  });

  it('the same key from two stations at the same moment (×20): one answer, the other idempotency_conflict, never a borrowed replay', async () => {
    for (let round = 0; round < 20; round++) {
      const voucher = await makeVoucher(sql);
      const request = { code: voucher.code5, idempotency_key: randomUUID(), captured_at: new Date().toISOString() };
      const answers = await Promise.all(
        [operator, operator2].map((client) => call(client, 'POST', 'station/redeem', request)),
      );
      expect(answers.map((a) => a.status).sort(), `round ${round}`).toEqual([200, 422]);
      expect(answers.find((a) => a.status === 200)?.body.replayed).toBe(false);
    }
  });

  it('a replayed refusal is the same refusal', async () => {
    const voucher = await makeVoucher(sql, { status: 'void' });
    const request = { code: voucher.code5, idempotency_key: randomUUID(), captured_at: new Date().toISOString() };
    const first = await call(operator, 'POST', 'station/redeem', request);
    const again = await call(operator, 'POST', 'station/redeem', request);
    expect([first.status, first.body.error.code]).toEqual([409, 'void']);
    expect([again.status, again.body.error]).toEqual([409, first.body.error]);
  });

  it('a voucher for another station is wrong_station (403); an unscoped one redeems anywhere', async () => {
    const scoped = await makeVoucher(sql, { scope: STATION_1 });
    const wrong = await redeem(operator2, { code: scoped.code5 });
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'wrong_station']);
    const right = await redeem(operator, { code: scoped.code5 });
    expect(right.status).toBe(200);
  });

  it('requires an idempotency key and a capture time', async () => {
    const voucher = await makeVoucher(sql);
    const noKey = await call(operator, 'POST', 'station/redeem', {
      code: voucher.code5,
      captured_at: new Date().toISOString(),
    });
    const noTime = await call(operator, 'POST', 'station/redeem', {
      code: voucher.code5,
      idempotency_key: randomUUID(),
    });
    expect([noKey.status, noKey.body.error.code]).toEqual([400, 'invalid_request']);
    expect(noTime.status).toBe(400);
    expect(await eventCount(voucher.id, 'redeemed')).toBe(0);
  });
});

describe('offline redemptions are judged by capture time', () => {
  it('captured before expiry and synced after (the expiry sweep has run meanwhile): accepted, redeemed at the capture time, flagged offline', async () => {
    const voucher = await makeVoucher(sql, { issuedMinutesAgo: 180, expiresInMinutes: -10 });
    await tick({ tasks: ['expire'] });
    const capturedAt = minutesFromNow(-30);
    const { status, body } = await call(operator, 'POST', 'station/redeem', {
      code: voucher.code5,
      idempotency_key: randomUUID(),
      captured_at: capturedAt,
      offline: true,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ offline: true, redeemed_at: capturedAt });
    const [row] = await sql`select status, redeemed_at from public.vouchers where id = ${voucher.id}`;
    expect(row?.status).toBe('redeemed');
    expect((row?.redeemed_at as Date).toISOString()).toBe(capturedAt);
    const [event] =
      await sql`select context from public.voucher_events where voucher_id = ${voucher.id} and event_type = 'redeemed'`;
    expect(event?.context).toMatchObject({ offline: true, captured_at: expect.any(String) });
  });

  it('captured after expiry: expired, even when the device says offline', async () => {
    const voucher = await makeVoucher(sql, { issuedMinutesAgo: 180, expiresInMinutes: -60 });
    const answer = await redeem(operator, { code: voucher.code5 }, { captured_at: minutesFromNow(-30), offline: true });
    expect([answer.status, answer.body.error.code]).toEqual([410, 'expired']);
  });

  it('a capture time beyond the allowed clock skew in the future is capture_rejected (422)', async () => {
    const voucher = await makeVoucher(sql);
    const ahead = await redeem(operator, { code: voucher.code5 }, { captured_at: minutesFromNow(11) });
    expect([ahead.status, ahead.body.error.code]).toEqual([422, 'capture_rejected']);
    const slightlyAhead = await redeem(operator, { code: voucher.code5 }, { captured_at: minutesFromNow(5) });
    expect(slightlyAhead.status).toBe(200);
  });

  it('a capture older than the offline window (72 h) is capture_rejected; one just inside is accepted', async () => {
    const [old, recent] = [
      await makeVoucher(sql, { issuedMinutesAgo: 80 * 60 }),
      await makeVoucher(sql, { issuedMinutesAgo: 80 * 60 }),
    ];
    const tooOld = await redeem(
      operator,
      { code: old.code5 },
      { captured_at: minutesFromNow(-73 * 60), offline: true },
    );
    expect([tooOld.status, tooOld.body.error.code]).toEqual([422, 'capture_rejected']);
    const inside = await redeem(
      operator,
      { code: recent.code5 },
      { captured_at: minutesFromNow(-71 * 60), offline: true },
    );
    expect(inside.status).toBe(200);
  });

  it('a capture before the voucher was issued is not_yet_valid', async () => {
    const voucher = await makeVoucher(sql, { issuedMinutesAgo: 10 });
    const answer = await redeem(operator, { code: voucher.code5 }, { captured_at: minutesFromNow(-20), offline: true });
    expect([answer.status, answer.body.error.code]).toEqual([409, 'not_yet_valid']);
  });

  it('two stations redeem one unscoped voucher offline and sync in random order (×20): one wins, the other gets a clear conflict, nothing lost', async () => {
    for (let round = 0; round < 20; round++) {
      const voucher = await makeVoucher(sql);
      const rows = [operator, operator2].map((client, i) => ({
        client,
        station: i === 0 ? STATION_1 : STATION_2,
        row: {
          code: voucher.code5,
          idempotency_key: randomUUID(),
          captured_at: minutesFromNow(-10 - i),
          offline: true,
        },
      }));
      if (Math.random() < 0.5) rows.reverse();
      const results = [];
      for (const { client, row } of rows) {
        const { status, body } = await call(client, 'POST', 'station/sync', { rows: [row] });
        expect(status).toBe(200);
        results.push(body.results[0]);
      }
      expect(results[0]).toMatchObject({ ok: true, redemption: { voucher_id: voucher.id, offline: true } });
      expect(results[1]).toMatchObject({
        ok: false,
        idempotency_key: rows[1]?.row.idempotency_key,
        error: { code: 'already_redeemed', message: expect.any(String) },
      });
      const [stored] = await sql<{ n: number }[]>`
        select count(*)::int as n from public.voucher_redemptions where voucher_id = ${voucher.id}`;
      expect(stored?.n, 'both attempts are on record').toBe(2);
      const [row] = await sql`select redeemed_station_id from public.vouchers where id = ${voucher.id}`;
      expect(row?.redeemed_station_id).toBe(rows[0]?.station);
    }
  });
});

describe('POST station/sync', () => {
  it('answers every row in order: redeemed, refused, invalid; replays a synced row', async () => {
    const [good, voided] = [await makeVoucher(sql), await makeVoucher(sql, { status: 'void' })];
    const goodRow = { code: good.code5, idempotency_key: randomUUID(), captured_at: minutesFromNow(-3), offline: true };
    const rows = [
      goodRow,
      { code: voided.code5, idempotency_key: randomUUID(), captured_at: minutesFromNow(-2), offline: true },
      { code: 'not a code!', idempotency_key: 'also-not-a-uuid', captured_at: 'yesterday' },
      42,
    ];
    const { status, body } = await call(operator, 'POST', 'station/sync', { rows });
    expect(status).toBe(200);
    expect(body.results).toHaveLength(4);
    expect(body.results[0]).toMatchObject({ ok: true, idempotency_key: goodRow.idempotency_key });
    expect(body.results[1]).toMatchObject({ ok: false, error: { code: 'void' } });
    expect(body.results[2]).toMatchObject({
      ok: false,
      idempotency_key: 'also-not-a-uuid',
      error: { code: 'invalid_request' },
    });
    expect(body.results[3]).toMatchObject({ ok: false, idempotency_key: null, error: { code: 'invalid_request' } });
    const again = await call(operator, 'POST', 'station/sync', { rows: [goodRow] });
    expect(again.body.results[0]).toMatchObject({ ok: true, redemption: { replayed: true } });
  });

  it('takes at most 100 rows: 101 is refused whole', async () => {
    const row = { code: 'ZZZZZ', idempotency_key: randomUUID(), captured_at: new Date().toISOString() };
    const tooMany = await call(operator, 'POST', 'station/sync', { rows: Array.from({ length: 101 }, () => row) });
    expect([tooMany.status, tooMany.body.error.code]).toEqual([400, 'invalid_request']);
    const none = await call(operator, 'POST', 'station/sync', { rows: [] });
    expect(none.status).toBe(400);
  });

  it('is refused whole for an account that operates no station', async () => {
    const answer = await call(admin, 'POST', 'station/sync', {
      rows: [{ code: 'ZZZZZ', idempotency_key: randomUUID(), captured_at: new Date().toISOString() }],
    });
    expect([answer.status, answer.body.error.code]).toEqual([403, 'forbidden']);
  });
});

describe('GET station/history', () => {
  it("lists this station's redemption requests only, newest first, in pages", async () => {
    const voucher = await makeVoucher(sql);
    await redeem(operator2, { code: voucher.code5 });
    const own = await call(operator2, 'GET', 'station/history?limit=5');
    expect(own.status).toBe(200);
    expect(own.body.items[0]).toMatchObject({ code5: voucher.code5, result_code: 'redeemed', amount: 5000 });
    expect(own.body.items.length).toBeLessThanOrEqual(5);
    const times = own.body.items.map((i: Json) => i.received_at);
    expect([...times].sort().reverse()).toEqual(times);
    const other = await call(operator, 'GET', 'station/history?limit=200');
    expect(other.body.items.map((i: Json) => i.code5)).not.toContain(voucher.code5);
    const older = await call(operator2, 'GET', `station/history?limit=5&before=${encodeURIComponent(times.at(-1))}`);
    for (const item of older.body.items) expect(item.received_at < times.at(-1)).toBe(true);
    expect((await call(operator2, 'GET', 'station/history?limit=0')).status).toBe(400);
  });
});

describe('guessing defence', () => {
  const randomCode = () =>
    Array.from({ length: 5 }, () => CODE5_ALPHABET[Math.floor(Math.random() * CODE5_ALPHABET.length)]).join('');

  it('1,000 random guesses from one station redeem nothing and are locked out at the limit, with Retry-After', async () => {
    const [before] = await sql<{ n: number; at: Date }[]>`
      select count(*)::int as n, now() as at from public.vouchers where status = 'redeemed'`;
    const answers = [];
    for (let i = 0; i < 1000; i++) answers.push(await redeem(operator, { code: randomCode() }));
    const found = answers.filter((a) => a.status === 200);
    expect(found, 'no guess redeemed a voucher').toHaveLength(0);
    const notFound = answers.filter((a) => a.status === 404);
    const blocked = answers.filter((a) => a.status === 429);
    expect(notFound.length, 'failures allowed before the lock-out').toBe(10);
    expect(blocked).toHaveLength(990);
    expect(blocked[0]?.body.error.code).toBe('too_many_attempts');
    const retryAfter = Number(blocked[0]?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    const [after] = await sql<
      { n: number }[]
    >`select count(*)::int as n from public.vouchers where status = 'redeemed'`;
    expect(after?.n).toBe(before?.n);
    const audit = await sql`
      select 1 from public.audit_log where target_table = 'code_attempts' and target_id = ${STATION_1}
         and created_at >= ${before?.at ?? new Date()}`;
    expect(audit, 'one audit row per window, not one per refusal').toHaveLength(1);
  });

  it('is exact under concurrency: 200 guesses at once get exactly the limit of not_found answers', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => call(operator, 'POST', 'station/lookup', { code: randomCode() })),
    );
    expect(answers.filter((a) => a.status === 404)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(190);
    const [counted] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.code_attempts where station_id = ${STATION_1}`;
    expect(counted?.n).toBe(10);
  });

  it("counts a never-sent voucher's code as a guess, and another station's voucher too, whatever its state", async () => {
    const [undelivered, elsewhere] = [
      await makeVoucher(sql, { status: 'issued' }),
      await makeVoucher(sql, { status: 'void', scope: STATION_2 }),
    ];
    const first = await call(operator, 'POST', 'station/lookup', { code: undelivered.code5 });
    const second = await call(operator, 'POST', 'station/lookup', { code: elsewhere.code5 });
    expect([first.status, first.body.error.code]).toEqual([404, 'not_found']);
    expect([second.status, second.body.error.code], 'scope is judged before state').toEqual([403, 'wrong_station']);
    const [counted] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.code_attempts where station_id = ${STATION_1}`;
    expect(counted?.n).toBe(2);
  });

  it('blocks the whole station, valid codes included, with a policy_blocked event on the presented voucher', async () => {
    const voucher = await makeVoucher(sql);
    await sql`update public.settings set value = jsonb_set(value, '{attempt_limit}', '4') where key = 'redemption'`;
    try {
      for (let i = 0; i < 4; i++)
        expect((await call(operator, 'POST', 'station/lookup', { code: randomCode() })).status).toBe(404);
      const colleague = await signIn(await makeOperator(sql, STATION_1));
      const blocked = await call(colleague.client, 'POST', 'station/lookup', { code: voucher.code5 });
      expect([blocked.status, blocked.body.error.code]).toEqual([429, 'too_many_attempts']);
      const [event] = await sql`
        select context from public.voucher_events where voucher_id = ${voucher.id} and event_type = 'policy_blocked'`;
      expect(event?.context).toMatchObject({ reason: 'too_many_attempts', station_failures: 4 });
      const elsewhere = await call(operator2, 'POST', 'station/lookup', { code: voucher.code5 });
      expect(elsewhere.status, 'other stations are not blocked').toBe(200);
    } finally {
      await sql`update public.settings set value = jsonb_set(value, '{attempt_limit}', '10') where key = 'redemption'`;
    }
  });
});
