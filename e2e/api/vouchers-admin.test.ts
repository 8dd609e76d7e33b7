/**
 * Issuing, sending, resending and voiding vouchers through the admin function, as each
 * role; the card and QR as stored and as WhatsApp received them; the sending rules
 * (quiet hours, throttle, opt-outs, WhatsApp's refusals) and the scheduler's retries,
 * expiry sweep and leases. WhatsApp is the sandbox; every check reads what it received.
 */
import { createHash } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importVerifyingKey, verifyVoucherToken } from '../../packages/domain/src/voucher-token.ts';
import { db, DEMO, signIn } from '../support/stack.ts';
import {
  allowSending,
  resetSending,
  saveSendingSettings,
  call,
  DRIVER,
  eventually,
  freshMsisdn,
  makeVoucher,
  readQr,
  sandbox,
  sandboxMessages,
  sandboxUrl,
  STATION_1,
  tick,
  voucherDetail,
  type Json,
} from '../support/vouchers.ts';

const sql = db();
let admin: SupabaseClient;
let dataops: SupabaseClient;
let restoreSettings: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  restoreSettings = await saveSendingSettings(sql);
  [admin, dataops] = await Promise.all([
    signIn(DEMO.admin).then((s) => s.client),
    signIn(DEMO.dataops).then((s) => s.client),
  ]);
});
beforeEach(async () => {
  await resetSending(sql);
  await sandbox('POST', 'reset');
});
afterAll(async () => {
  await restoreSettings();
  await sql.end();
});

const issue = (client: SupabaseClient | null, body: Json) => call(client, 'POST', 'admin/vouchers', body);

async function events(voucherId: string): Promise<{ event_type: string; context: Json }[]> {
  return sql`select event_type, context from public.voucher_events where voucher_id = ${voucherId} order by created_at, id`;
}

async function queueRow(voucherId: string) {
  const [row] = await sql<{ next_attempt_at: Date; attempts: number; last_reason: string }[]>`
    select next_attempt_at, attempts, last_reason from public.voucher_send_queue where voucher_id = ${voucherId}`;
  return row;
}

/** Makes a queued send due now, as if its retry time had come. */
const makeDue = (voucherId: string) =>
  sql`update public.voucher_send_queue set next_attempt_at = now() - interval '1 second' where voucher_id = ${voucherId}`;

describe('POST admin/vouchers', () => {
  it('issues to a number nobody has used: creates the driver, renders, stores and sends the card, and records the message id', async () => {
    const msisdn = freshMsisdn();
    const local = `0${msisdn.slice(4)}`; // as people write it in Rwanda: 078…
    const { status, body } = await issue(dataops, { msisdn: local, amount: 5000 });
    expect(status).toBe(201);
    expect(body.voucher).toMatchObject({ msisdn, amount: 5000, currency: 'RWF', status: 'sent', station_scope: null });
    expect(body.delivery).toEqual({ status: 'sent', message_id: expect.stringMatching(/^wamid\./) });
    expect(body.voucher.metadata.whatsapp).toMatchObject({ message_id: body.delivery.message_id, sends: 1 });
    const [driver] = await sql`select locale from public.users where msisdn = ${msisdn}`;
    expect(driver, 'the unknown number became a driver').toBeDefined();

    const received = await sandboxMessages(msisdn);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ id: body.delivery.message_id, type: 'template' });
    expect(received[0]?.template?.name).toBe('voucher_issued_rw');
    expect(received[0]?.template?.rendered_body).toContain(body.voucher.code5);
    expect(received[0]?.template?.rendered_body).toContain('5,000 RWF');

    expect((await events(body.voucher.id)).map((e) => e.event_type)).toEqual(['issued', 'sent']);
    expect((await events(body.voucher.id))[1]?.context).toMatchObject({ message_id: body.delivery.message_id });
    const audit =
      await sql`select action from public.audit_log where target_table = 'vouchers' and target_id = ${body.voucher.id}`;
    expect(audit.map((a) => a.action)).toContain('insert');
  });

  it("stores a card whose QR decodes to a token that verifies with the stations' public key, and WhatsApp got the same image", async () => {
    const { body } = await issue(dataops, { msisdn: freshMsisdn(), amount: 12500, station_scope: STATION_1 });
    const detail = await voucherDetail(admin, body.voucher.id);
    const card = new Uint8Array(await (await fetch(detail.card_url)).arrayBuffer());
    const token = await readQr(card);
    expect(token).toMatch(/^EM1\./);

    const operator = (await signIn(DEMO.operator)).client;
    const { body: config } = await call(operator, 'GET', 'station/config');
    const check = await verifyVoucherToken(token ?? '', await importVerifyingKey(config.qr_public_key));
    expect(check).toEqual({
      ok: true,
      claims: {
        code5: body.voucher.code5,
        voucherId: body.voucher.id,
        amount: 12500,
        stationScope: STATION_1,
        expiresAt: null,
      },
    });
    const qr = new Uint8Array(await (await fetch(detail.qr_url)).arrayBuffer());
    expect(await readQr(qr)).toBe(token);

    const [message] = await sandboxMessages(body.voucher.msisdn);
    const mediaId = message?.template?.header_image?.media_id;
    expect(mediaId, 'the sandbox downloaded the card as WhatsApp would').toBeTruthy();
    const delivered = new Uint8Array(await (await fetch(`${sandboxUrl}/_sandbox/media/${mediaId}`)).arrayBuffer());
    expect(Buffer.from(delivered).equals(Buffer.from(card))).toBe(true);
  });

  it("records WhatsApp's delivery report on the voucher (signed status webhooks)", async () => {
    const { body } = await issue(dataops, { msisdn: freshMsisdn(), amount: 1000 });
    await eventually(async () => {
      const [row] =
        await sql`select metadata #>> '{whatsapp,status}' as status from public.vouchers where id = ${body.voucher.id}`;
      return row?.status === 'delivered';
    }, 'the delivered status reached the voucher');
  });

  it('issues to an existing driver by id, scoped, with campaign, expiry and note, and can leave it unsent', async () => {
    const expires = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const { status, body } = await issue(admin, {
      user_id: DRIVER,
      amount: 2500.5,
      station_scope: STATION_1,
      campaign_id: 'e0000000-0000-4000-8000-000000000002',
      expires_at: expires,
      note: 'goodwill',
      send: false,
    });
    expect(status).toBe(201);
    expect(body.voucher).toMatchObject({
      user_id: DRIVER,
      amount: 2500.5,
      status: 'issued',
      station_scope: STATION_1,
      campaign_id: 'e0000000-0000-4000-8000-000000000002',
      expires_at: expires,
      metadata: { note: 'goodwill' },
    });
    expect(body.delivery).toEqual({ status: 'skipped', reason: 'not_requested' });
    expect(await sandboxMessages()).toHaveLength(0);
  });

  it.each([
    ['both a user id and a number', { user_id: DRIVER, msisdn: '+250788123456', amount: 100 }],
    ['no driver at all', { amount: 100 }],
    ['a number that is not one', { msisdn: '12345', amount: 100 }],
    ['a zero amount', { msisdn: '+250788123456', amount: 0 }],
    ['a negative amount', { msisdn: '+250788123456', amount: -5 }],
    ['three decimals', { msisdn: '+250788123456', amount: 1.234 }],
    ['a lower-case currency', { msisdn: '+250788123456', amount: 100, currency: 'rwf' }],
    ['an expiry in the past', { msisdn: '+250788123456', amount: 100, expires_at: '2020-01-01T00:00:00Z' }],
    ['an unknown field', { msisdn: '+250788123456', amount: 100, status: 'redeemed' }],
    ['a driver id nobody has', { user_id: '00000000-0000-4000-8000-000000000000', amount: 100 }],
    [
      'a station nobody has',
      { msisdn: '+250788123456', amount: 100, station_scope: '00000000-0000-4000-8000-000000000000' },
    ],
    [
      'an inactive station',
      { msisdn: '+250788123456', amount: 100, station_scope: 'b0000000-0000-4000-8000-000000000008' },
    ],
    [
      'a campaign nobody has',
      { msisdn: '+250788123456', amount: 100, campaign_id: '00000000-0000-4000-8000-000000000000' },
    ],
    [
      'a NUL character in the note (Postgres text cannot hold it)',
      { msisdn: '+250788123456', amount: 100, note: 'a\u0000b' },
    ],
  ])('refuses %s with 400 invalid_request and issues nothing', async (_what, request) => {
    const [before] = await sql<{ n: number }[]>`select count(*)::int as n from public.vouchers`;
    const { status, body } = await issue(dataops, request);
    expect([status, body.error.code]).toEqual([400, 'invalid_request']);
    const [after] = await sql<{ n: number }[]>`select count(*)::int as n from public.vouchers`;
    expect(after?.n).toBe(before?.n);
  });

  it.each([
    [DEMO.support, 403],
    [DEMO.readonly, 403],
    [DEMO.operator, 403],
  ])('refuses %s (%i) and issues nothing', async (email, expected) => {
    const client = (await signIn(email)).client;
    const [before] = await sql<{ n: number }[]>`select count(*)::int as n from public.vouchers`;
    const { status, body } = await issue(client, { msisdn: freshMsisdn(), amount: 100 });
    expect([status, body.error.code]).toEqual([expected, 'forbidden']);
    const [after] = await sql<{ n: number }[]>`select count(*)::int as n from public.vouchers`;
    expect(after?.n).toBe(before?.n);
    expect(await sandboxMessages()).toHaveLength(0);
  });

  it('refuses callers without a session (401)', async () => {
    expect((await issue(null, { msisdn: freshMsisdn(), amount: 100 })).status).toBe(401);
  });
});

describe('sending rules', () => {
  /** "HH:MM" in Kigali (UTC+2, no daylight saving) `minutes` from now. */
  const kigali = (minutes: number) => {
    const at = new Date(Date.now() + minutes * 60_000 + 2 * 3600_000);
    return `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
  };

  it("quiet hours in the driver's country hold the card until they end, then the scheduler sends it once", async () => {
    await sql`update public.settings set value = ${sql.json({ rw: { start: kigali(-60), end: kigali(60) } })} where key = 'quiet_hours'`;
    const msisdn = freshMsisdn();
    const { status, body } = await issue(dataops, { msisdn, amount: 3000 });
    expect(status).toBe(201);
    expect(body.voucher.status).toBe('issued');
    expect(body.delivery).toMatchObject({ status: 'blocked', reason: 'quiet_hours' });
    const retryAt = new Date(body.delivery.retry_at).getTime();
    expect(Math.abs(retryAt - (Date.now() + 60 * 60_000))).toBeLessThan(2 * 60_000);
    const blocked = (await events(body.voucher.id)).filter((e) => e.event_type === 'policy_blocked');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]?.context).toMatchObject({ reason: 'quiet_hours', retry_at: expect.any(String) });
    expect((await queueRow(body.voucher.id))?.next_attempt_at.getTime()).toBe(retryAt);
    expect(await sandboxMessages(msisdn)).toHaveLength(0);

    // Not yet due: a tick leaves it alone.
    expect((await tick({ tasks: ['sends'] })).sends.attempted).toBe(0);
    await sql`update public.settings set value = '{}' where key = 'quiet_hours'`;
    await makeDue(body.voucher.id);
    const result = await tick({ tasks: ['sends'] });
    expect(result.sends).toMatchObject({ attempted: 1, sent: 1 });
    expect(await sandboxMessages(msisdn)).toHaveLength(1);
    expect((await sql`select status from public.vouchers where id = ${body.voucher.id}`)[0]?.status).toBe('sent');
    expect(await queueRow(body.voucher.id)).toBeUndefined();
  });

  it('never messages an opted-out number and does not queue it', async () => {
    const msisdn = freshMsisdn();
    const hash = createHash('sha256').update(msisdn).digest('hex');
    await sql`update public.settings set value = ${sql.json([hash])} where key = 'opt_out_list'`;
    const { body } = await issue(dataops, { msisdn, amount: 3000 });
    expect(body.delivery).toEqual({ status: 'blocked', reason: 'opted_out' });
    expect(body.voucher.status).toBe('issued');
    expect((await events(body.voucher.id)).at(-1)).toMatchObject({
      event_type: 'policy_blocked',
      context: { reason: 'opted_out' },
    });
    expect(await queueRow(body.voucher.id)).toBeUndefined();
    expect(await sandboxMessages(msisdn)).toHaveLength(0);
  });

  it('holds a send when the global per-minute throttle is used up, with the minute it may go', async () => {
    await sql`update public.settings set value = '{"whatsapp": {"per_minute": 1}}' where key = 'send_throttle'`;
    // One send in each second of the last minute (and the next): the window stays full.
    await sql`insert into public.send_counts (channel, second, used)
              select 'whatsapp', date_trunc('second', now()) + make_interval(secs => s), 1 from generate_series(-60, 60) s
              on conflict (channel, second) do update set used = 1`;
    const msisdn = freshMsisdn();
    const { body } = await issue(dataops, { msisdn, amount: 3000 });
    expect(body.delivery).toMatchObject({ status: 'blocked', reason: 'throttled', retry_at: expect.any(String) });
    expect((await events(body.voucher.id)).at(-1)).toMatchObject({ context: { reason: 'throttled' } });
    expect((await queueRow(body.voucher.id))?.last_reason).toBe('throttled');
    expect(await sandboxMessages(msisdn)).toHaveLength(0);
  });

  it("WhatsApp's refusals: undeliverable is retried hours later, rate limits are a throttle; once cleared, sent exactly once", async () => {
    const [undeliverable, limited] = [freshMsisdn(), freshMsisdn()];
    await sandbox('POST', 'failures', { to: undeliverable, code: 131026, times: 1 });
    await sandbox('POST', 'failures', { to: limited, code: 130429, times: 1 });
    const first = await issue(dataops, { msisdn: undeliverable, amount: 3000 });
    expect(first.body.delivery).toMatchObject({ status: 'failed', reason: 'whatsapp_error' });
    const retryIn = new Date(first.body.delivery.retry_at).getTime() - Date.now();
    expect(retryIn).toBeGreaterThan(5.9 * 3600_000);
    expect((await events(first.body.voucher.id)).at(-1)?.context).toMatchObject({
      reason: 'whatsapp_error',
      whatsapp_code: 131026,
    });
    expect((await queueRow(first.body.voucher.id))?.attempts).toBe(1);

    const second = await issue(dataops, { msisdn: limited, amount: 3000 });
    expect(second.body.delivery).toMatchObject({ status: 'blocked', reason: 'throttled' });
    expect((await queueRow(second.body.voucher.id))?.attempts, 'rate limits do not count towards giving up').toBe(0);

    await makeDue(first.body.voucher.id);
    await makeDue(second.body.voucher.id);
    expect((await tick({ tasks: ['sends'] })).sends).toMatchObject({ attempted: 2, sent: 2 });
    expect(await sandboxMessages(undeliverable)).toHaveLength(1);
    expect(await sandboxMessages(limited)).toHaveLength(1);
  });

  it('gives up after the fifth failed attempt: the voucher stays issued and leaves the queue', async () => {
    const msisdn = freshMsisdn();
    await sandbox('POST', 'failures', { to: msisdn, code: 131026 });
    const { body } = await issue(dataops, { msisdn, amount: 3000 });
    await sql`update public.voucher_send_queue set attempts = 4, next_attempt_at = now() - interval '1 second' where voucher_id = ${body.voucher.id}`;
    expect((await tick({ tasks: ['sends'] })).sends).toMatchObject({ attempted: 1, failed: 1 });
    expect(await queueRow(body.voucher.id)).toBeUndefined();
    expect((await events(body.voucher.id)).at(-1)?.context).toMatchObject({ reason: 'whatsapp_error', retry_at: null });
  });
});

describe('resend and void', () => {
  it('resends a sent card: a second message, the new id kept, no second sent event, an audit row', async () => {
    const { body } = await issue(dataops, { msisdn: freshMsisdn(), amount: 4000 });
    const again = await call(dataops, 'POST', `admin/vouchers/${body.voucher.id}/resend`);
    expect(again.status).toBe(200);
    expect(again.body.delivery).toMatchObject({ status: 'sent' });
    expect(again.body.delivery.message_id).not.toBe(body.delivery.message_id);
    expect(again.body.voucher).toMatchObject({
      status: 'sent',
      metadata: { whatsapp: { sends: 2, message_id: again.body.delivery.message_id } },
    });
    expect(await sandboxMessages(body.voucher.msisdn)).toHaveLength(2);
    expect((await events(body.voucher.id)).filter((e) => e.event_type === 'sent')).toHaveLength(1);
    const audit = await sql`
      select 1 from public.audit_log where target_table = 'vouchers' and target_id = ${body.voucher.id}
         and diff #>> '{after,metadata,whatsapp,sends}' = '2'`;
    expect(audit).toHaveLength(1);
  });

  it('refuses to resend a voucher that is settled, and takes no body', async () => {
    const voided = await makeVoucher(sql, { status: 'void' });
    const answer = await call(dataops, 'POST', `admin/vouchers/${voided.id}/resend`);
    expect([answer.status, answer.body.error.code]).toEqual([409, 'conflict']);
    const withBody = await call(dataops, 'POST', `admin/vouchers/${voided.id}/resend`, { force: true });
    expect(withBody.status).toBe(400);
    expect(await sandboxMessages()).toHaveLength(0);
  });

  it('voids with a reason kept in the event; refuses to void twice, or what is redeemed or expired', async () => {
    const voucher = await makeVoucher(sql, { status: 'issued' });
    const noReason = await call(dataops, 'POST', `admin/vouchers/${voucher.id}/void`, {});
    expect([noReason.status, noReason.body.error.code]).toEqual([400, 'invalid_request']);
    const done = await call(dataops, 'POST', `admin/vouchers/${voucher.id}/void`, { reason: 'wrong number' });
    expect(done.status).toBe(200);
    expect(done.body.voucher).toMatchObject({ status: 'void', metadata: { void_reason: 'wrong number' } });
    expect((await events(voucher.id)).at(-1)).toMatchObject({
      event_type: 'void',
      context: { reason: 'wrong number', from: 'issued' },
    });
    const twice = await call(dataops, 'POST', `admin/vouchers/${voucher.id}/void`, { reason: 'again' });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'void']);
    const redeemed = await call(dataops, 'POST', 'admin/vouchers/d0000000-0000-4000-8000-000000000007/void', {
      reason: 'late',
    });
    expect([redeemed.status, redeemed.body.error.code]).toEqual([409, 'already_redeemed']);
    const expired = await call(dataops, 'POST', 'admin/vouchers/d0000000-0000-4000-8000-000000000012/void', {
      reason: 'late',
    });
    expect([expired.status, expired.body.error.code]).toEqual([410, 'expired']);
  });

  it('voiding is for issuers: readonly is 403; unknown or malformed ids are 404', async () => {
    const voucher = await makeVoucher(sql);
    const readonly = (await signIn(DEMO.readonly)).client;
    const refused = await call(readonly, 'POST', `admin/vouchers/${voucher.id}/void`, { reason: 'nope' });
    expect(refused.status).toBe(403);
    expect((await sql`select status from public.vouchers where id = ${voucher.id}`)[0]?.status).toBe('sent');
    expect(
      (await call(dataops, 'POST', 'admin/vouchers/00000000-0000-4000-8000-000000000000/void', { reason: 'x y z' }))
        .status,
    ).toBe(404);
    expect((await call(dataops, 'POST', 'admin/vouchers/not-an-id/void', { reason: 'x y z' })).status).toBe(404);
  });

  it('a voucher voided while queued is never sent', async () => {
    await sql`update public.settings set value = '{"whatsapp": {"per_minute": 0}}' where key = 'send_throttle'`;
    const { body } = await issue(dataops, { msisdn: freshMsisdn(), amount: 4000 });
    expect(body.delivery.reason).toBe('throttled');
    await call(dataops, 'POST', `admin/vouchers/${body.voucher.id}/void`, { reason: 'changed our mind' });
    await allowSending(sql);
    await makeDue(body.voucher.id);
    expect((await tick({ tasks: ['sends'] })).sends.attempted).toBe(0);
    expect(await sandboxMessages(body.voucher.msisdn)).toHaveLength(0);
  });
});

describe('scheduler', () => {
  it('only runs for the service role', async () => {
    const answer = await call(admin, 'POST', 'scheduler/tick', {});
    expect([answer.status, answer.body.error.code]).toEqual([403, 'forbidden']);
  });

  it('sweeps issued vouchers past their expiry, and sent ones once the offline window has passed too, one event each', async () => {
    const [issued, sentLongAgo, sentRecently] = [
      await makeVoucher(sql, { status: 'issued', issuedMinutesAgo: 120, expiresInMinutes: -1 }),
      await makeVoucher(sql, { status: 'sent', issuedMinutesAgo: 80 * 60, expiresInMinutes: -73 * 60 }),
      await makeVoucher(sql, { status: 'sent', issuedMinutesAgo: 120, expiresInMinutes: -1 }),
    ];
    const result = await tick({ tasks: ['expire'] });
    expect(result.expired).toBeGreaterThanOrEqual(2);
    for (const voucher of [issued, sentLongAgo]) {
      expect((await sql`select status from public.vouchers where id = ${voucher.id}`)[0]?.status).toBe('expired');
      const expiredEvents = (await events(voucher.id)).filter((e) => e.event_type === 'expired');
      expect(expiredEvents).toHaveLength(1);
      expect(expiredEvents[0]?.context).toMatchObject({ reason: 'expiry' });
    }
    // An offline capture from before its expiry may still arrive for 72 hours.
    expect((await sql`select status from public.vouchers where id = ${sentRecently.id}`)[0]?.status).toBe('sent');
    expect(
      (await sql`select status from public.vouchers where id = 'd0000000-0000-4000-8000-000000000007'`)[0]?.status,
    ).toBe('redeemed');
    expect((await tick({ tasks: ['expire'] })).expired).toBe(0);
  });

  it('a broken bulk job (rows written by hand) fails alone: the tick still sends what is due', async () => {
    const { body } = await issue(dataops, { msisdn: freshMsisdn(), amount: 1000, send: false });
    await sql`insert into public.voucher_send_queue (voucher_id) values (${body.voucher.id})`;
    const [job] = await sql<{ id: string }[]>`
      insert into public.voucher_bulk_jobs (created_by, rows, total)
      values ('a0000000-0000-4000-8000-000000000003', '[{"line": "x", "msisdn": "+250788000111", "amount": -1}]', 1)
      returning id`;
    const result = await tick({});
    expect(result.sends.sent).toBe(1);
    const [after] = await sql`select status, errors from public.voucher_bulk_jobs where id = ${job?.id ?? ''}`;
    expect(after?.status).toBe('done');
    expect(after?.errors).toEqual([{ line: 2, column: '', message: expect.stringMatching(/amount|check/) }]);
  });

  it('a card WhatsApp later reports undelivered is queued again with a policy_blocked event', async () => {
    const msisdn = freshMsisdn();
    await sandbox('POST', 'failures', { to: msisdn, code: 131026, async: true, times: 1 });
    const { body } = await issue(dataops, { msisdn, amount: 3000 });
    expect(body.delivery.status).toBe('sent');
    await eventually(
      async () => (await queueRow(body.voucher.id)) !== undefined,
      'the failed status requeued the card',
    );
    expect((await events(body.voucher.id)).at(-1)).toMatchObject({
      event_type: 'policy_blocked',
      context: { reason: 'whatsapp_error', whatsapp_failure: { code: 131026 } },
    });
    expect((await queueRow(body.voucher.id))?.attempts).toBe(1);
    await makeDue(body.voucher.id);
    expect((await tick({ tasks: ['sends'] })).sends.sent).toBe(1);
    expect(await sandboxMessages(msisdn)).toHaveLength(2);
  });

  it('three ticks at once send each queued card exactly once', async () => {
    const numbers = Array.from({ length: 12 }, () => freshMsisdn());
    await sql`update public.settings set value = '{"whatsapp": {"per_minute": 0}}' where key = 'send_throttle'`;
    const ids = [];
    for (const msisdn of numbers) ids.push((await issue(dataops, { msisdn, amount: 1000 })).body.voucher.id);
    await allowSending(sql);
    for (const id of ids) await makeDue(id);
    const results = await Promise.all([1, 2, 3].map(() => tick({ tasks: ['sends'] })));
    expect(results.reduce((n, r) => n + r.sends.sent, 0)).toBe(12);
    const received = await sandboxMessages();
    expect(received.map((m) => m.to).sort()).toEqual([...numbers].sort());
  });
});
