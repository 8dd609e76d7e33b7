/**
 * The whatsapp-webhook function against the running stack, for campaigns: status webhooks
 * on campaign targets (signed over the raw bytes; forward moves only, whatever the order or
 * repetition; a send the dispatcher never recorded recovered through the target id WhatsApp
 * echoes), inbound STOP / START replies and configurable keywords, and WhatsApp's marketing
 * preferences. Webhooks are signed here with the stack's app secret, or sent by the
 * WhatsApp sandbox. Targets are made in SQL as the service role, moved only by the real
 * functions.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, stack } from '../support/stack.ts';
import { eventually, freshMsisdn, sandboxUrl, type Json } from '../support/vouchers.ts';

const sql = db();
const WEBHOOK_URL = `${stack.url}/functions/v1/whatsapp-webhook`;
const PHONE_NUMBER_ID = stack.whatsappPhoneNumberId;
const STATUS_RANK: Record<string, number> = { sent: 0, delivered: 1, read: 2 };

/** Every number a test used, so their opt-outs are removed at the end. */
const numbers: string[] = [];
function number(): string {
  const msisdn = freshMsisdn();
  numbers.push(msisdn);
  return msisdn;
}

let campaignId = '';

beforeAll(async () => {
  campaignId = await asService(async (tx) => {
    const [campaign] = await tx<{ id: string }[]>`
      insert into public.campaigns (name, type, template_id) values ('Webhook test', 'promo', 'weekend_offer') returning id`;
    if (!campaign) throw new Error('no campaign made');
    await tx`update public.campaigns set status = 'running' where id = ${campaign.id}`;
    return campaign.id;
  });
});
afterAll(async () => {
  // Done: the dispatcher leaves whatever this file left queued alone.
  await asService((tx) => tx`update public.campaigns set status = 'done' where id = ${campaignId}`);
  await sql`delete from public.opt_outs where phone_e164 = any (${numbers})`;
  await sql.end();
});

// ── fixtures and probes ───────────────────────────────────────────────────────

function asService<T>(work: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`select set_config('role', 'service_role', true),
                    set_config('request.jwt.claims', '{"role":"service_role"}', true)`;
    return work(tx);
  }) as Promise<T>;
}

/** A queued target of the test campaign (the trigger gives it its send-queue row). */
async function queuedTarget(): Promise<{ id: string; msisdn: string }> {
  const msisdn = number();
  const [row] = await asService(
    (tx) => tx<{ id: string }[]>`
      insert into public.campaign_targets (campaign_id, msisdn) values (${campaignId}, ${msisdn}) returning id`,
  );
  if (!row) throw new Error('no target made');
  return { id: row.id, msisdn };
}

/** A target the dispatcher sent and recorded: status sent, with its message id. */
async function sentTarget(): Promise<{ id: string; msisdn: string; messageId: string }> {
  const target = await queuedTarget();
  const messageId = `wamid.${randomUUID()}`;
  await asService((tx) => tx`select app.record_campaign_send(${target.id}, ${messageId})`);
  return { ...target, messageId };
}

/** A target handed to WhatsApp whose outcome was never recorded (the dispatcher died after `begin`). */
async function inDoubtTarget(): Promise<{ id: string; msisdn: string }> {
  const target = await queuedTarget();
  await asService((tx) => tx`select app.begin_campaign_sends(${[target.id]}::uuid[])`);
  return target;
}

interface TargetRow {
  status: string;
  message_id: string | null;
  error_code: string | null;
  error_message: string | null;
  sent_at: Date | null;
  last_update_at: Date;
}

async function target(id: string): Promise<TargetRow> {
  const [row] = await sql<TargetRow[]>`
    select status, message_id, error_code, error_message, sent_at, last_update_at
      from public.campaign_targets where id = ${id}`;
  if (!row) throw new Error(`no target ${id}`);
  return row;
}

async function queueRow(id: string) {
  const [row] = await sql<{ send_started_at: Date | null }[]>`
    select send_started_at from public.campaign_send_queue where target_id = ${id}`;
  return row;
}

/** Everything a webhook could change about a target: the row and its audit trail. */
async function snapshot(id: string): Promise<{ row: Json; audits: number }> {
  const [row] = await sql<{ row: Json; audits: number }[]>`
    select to_jsonb(t) as row,
           (select count(*)::int from public.audit_log a where a.target_table = 'campaign_targets' and a.target_id = t.id::text) as audits
      from public.campaign_targets t where t.id = ${id}`;
  return row ?? { row: null, audits: 0 };
}

async function optOut(msisdn: string): Promise<{ reason: string; ts: Date } | undefined> {
  const [row] = await sql<
    { reason: string; ts: Date }[]
  >`select reason, ts from public.opt_outs where phone_e164 = ${msisdn}`;
  return row;
}

async function isOptedOut(msisdn: string): Promise<boolean> {
  const [row] = await sql<{ out: boolean }[]>`select app.is_opted_out(${msisdn}) as out`;
  return row?.out === true;
}

// ── webhooks as WhatsApp sends them ───────────────────────────────────────────

const nowSeconds = () => Math.floor(Date.now() / 1000);
const waId = (msisdn: string) => msisdn.slice(1);

function envelope(value: Json, field = 'messages'): Json {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '100000000000001',
        changes: [
          {
            field,
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: PHONE_NUMBER_ID },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

function statusWebhook(messageId: string, status: string, extra: Json = {}): Json {
  return envelope({
    statuses: [{ id: messageId, status, timestamp: String(nowSeconds()), recipient_id: '250788000001', ...extra }],
  });
}

const UNDELIVERABLE = {
  code: 131026,
  title: 'Message undeliverable',
  message: 'Message undeliverable',
  error_data: { details: 'Message Undeliverable.' },
};

function replyWebhook(msisdn: string, messages: Json[], name = 'Jean 🚕⛽'): Json {
  return envelope({
    contacts: [{ profile: { name }, wa_id: waId(msisdn) }],
    messages: messages.map((message) => ({
      from: waId(msisdn),
      id: `wamid.${randomUUID()}`,
      timestamp: String(nowSeconds()),
      ...message,
    })),
  });
}

const text = (body: string) => ({ type: 'text', text: { body } });

function preferenceWebhook(msisdn: string, value: string, extra: Json = {}): Json {
  return envelope(
    {
      contacts: [{ profile: { name: 'Jean' }, wa_id: waId(msisdn) }],
      user_preferences: [
        {
          wa_id: waId(msisdn),
          detail: `User requested to ${value} marketing messages`,
          category: 'marketing_messages',
          value,
          timestamp: nowSeconds(),
          ...extra,
        },
      ],
    },
    'user_preferences',
  );
}

const sign = (body: Buffer, secret = stack.whatsappAppSecret) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

async function post(body: Buffer, signature: string | null): Promise<{ status: number; body: Json }> {
  const response = await fetch(WEBHOOK_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
    },
    body: new Uint8Array(body),
  });
  const answer = await response.text();
  return { status: response.status, body: answer ? JSON.parse(answer) : null };
}

interface Ack {
  statuses: number;
  recorded: number;
  messages: number;
  opt_outs: number;
  opt_ins: number;
}

/** Posts a payload as WhatsApp does: its JSON bytes, signed with the app secret. */
async function deliver(payload: Json): Promise<Ack> {
  const body = Buffer.from(JSON.stringify(payload));
  const { status, body: answer } = await post(body, sign(body));
  expect(status, JSON.stringify(answer)).toBe(200);
  return answer as Ack;
}

/** The sandbox, as the phone: a reply or a marketing preference it signs and delivers to the function. */
async function fromPhone(path: 'inbound' | 'user-preferences', body: Json): Promise<void> {
  const response = await fetch(`${sandboxUrl}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Json;
  expect(response.status, JSON.stringify(answer)).toBe(200);
  expect(answer.delivery, 'the function took the webhook').toMatchObject({
    delivered: true,
    attempts: [{ status: 200 }],
  });
}

/** A seeded Fisher–Yates shuffle (mulberry32), so a failing order can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const thrice = <T>(items: T[]) => [...items, ...items, ...items];
const SEEDS = [1, 7, 42, 2024, 31337];

// ── tests ─────────────────────────────────────────────────────────────────────

describe('the signature', () => {
  it('refuses a missing or forged signature with 401, and nothing changes', async () => {
    const sent = await sentTarget();
    const inDoubt = await inDoubtTarget();
    const stopper = number();
    const payload = envelope({
      contacts: [{ profile: { name: 'Jean' }, wa_id: waId(stopper) }],
      statuses: [
        { id: sent.messageId, status: 'read', timestamp: String(nowSeconds()), recipient_id: waId(sent.msisdn) },
        {
          id: `wamid.${randomUUID()}`,
          status: 'sent',
          timestamp: String(nowSeconds()),
          recipient_id: waId(inDoubt.msisdn),
          biz_opaque_callback_data: inDoubt.id,
        },
      ],
      messages: [
        { from: waId(stopper), id: `wamid.${randomUUID()}`, timestamp: String(nowSeconds()), ...text('STOP') },
      ],
      user_preferences: [
        { wa_id: waId(sent.msisdn), category: 'marketing_messages', value: 'stop', timestamp: nowSeconds() },
      ],
    });
    const body = Buffer.from(JSON.stringify(payload));
    const before = await Promise.all([snapshot(sent.id), snapshot(inDoubt.id)]);

    const forgeries: [string, Buffer, string | null][] = [
      ['no signature', body, null],
      ['an empty signature', body, ''],
      ['another secret', body, sign(body, `${stack.whatsappAppSecret}x`)],
      ['the signature of another body', body, sign(Buffer.from(JSON.stringify(statusWebhook('x', 'read'))))],
      ['a body changed after signing', Buffer.from(body.toString().replace('"read"', '"sent"')), sign(body)],
      [
        'sha1 instead of sha256',
        body,
        `sha1=${createHmac('sha1', stack.whatsappAppSecret).update(body).digest('hex')}`,
      ],
    ];
    for (const [what, sent_, signature] of forgeries) {
      const { status, body: answer } = await post(sent_, signature);
      expect([status, answer?.error?.code], what).toEqual([401, 'unauthorized']);
    }
    expect(await Promise.all([snapshot(sent.id), snapshot(inDoubt.id)])).toEqual(before);
    expect(await queueRow(inDoubt.id)).toBeDefined();
    expect(await optOut(stopper)).toBeUndefined();
    expect(await optOut(sent.msisdn)).toBeUndefined();

    // Control: the same bytes, signed, change all of it.
    const { status, body: ack } = await post(body, sign(body));
    expect(status).toBe(200);
    expect(ack).toEqual({ statuses: 2, recorded: 2, messages: 1, opt_outs: 2, opt_ins: 0 });
    expect((await target(sent.id)).status).toBe('read');
    expect((await target(inDoubt.id)).status).toBe('sent');
    expect(await isOptedOut(stopper)).toBe(true);
    expect(await isOptedOut(sent.msisdn)).toBe(true);
  });

  it('verifies a body with emoji on its raw bytes; the same JSON re-serialised does not verify', async () => {
    const msisdn = number();
    const payload = replyWebhook(msisdn, [text('Stop 🛑')], 'Jean 🚕⛽');
    const raw = Buffer.from(JSON.stringify(payload), 'utf8');
    expect(raw.toString('utf8')).toContain('Jean 🚕⛽');
    expect(raw.length, 'multi-byte characters').toBeGreaterThan(JSON.stringify(payload).length);
    const signature = sign(raw);

    // The same JSON value in other bytes: \u escapes (as ensure_ascii serialisers write) and indentation.
    const escaped = Buffer.from(
      JSON.stringify(payload).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    );
    const indented = Buffer.from(JSON.stringify(payload, null, 2));
    for (const [what, other] of [
      ['escaped', escaped],
      ['indented', indented],
    ] as const) {
      expect(JSON.parse(other.toString()), what).toEqual(payload);
      expect(other.equals(raw), what).toBe(false);
      expect(sign(other), `${what}: another signature`).not.toBe(signature);
      const { status } = await post(other, signature);
      expect(status, `${what}, sent with the raw bytes' signature`).toBe(401);
    }
    expect(await optOut(msisdn)).toBeUndefined();

    const { status, body: ack } = await post(raw, signature);
    expect(status).toBe(200);
    expect(ack).toMatchObject({ messages: 1, opt_outs: 1 });
    expect(await optOut(msisdn)).toMatchObject({ reason: 'keyword:STOP' });
  });
});

describe('statuses on campaign targets', () => {
  it('sent, delivered and read, each three times in shuffled orders, end at read, never moving back', async () => {
    const orders: string[] = [];
    for (const seed of SEEDS) {
      const sent = await sentTarget();
      const order = shuffled(thrice(['sent', 'delivered', 'read']), seed);
      orders.push(order.join());
      let rank = STATUS_RANK.sent ?? 0;
      let expectedRecorded = 0;
      let recorded = 0;
      for (const status of order) {
        const ack = await deliver(statusWebhook(sent.messageId, status));
        recorded += ack.recorded;
        if ((STATUS_RANK[status] ?? -1) > rank) {
          rank = STATUS_RANK[status] ?? rank;
          expectedRecorded += 1;
        }
        const now = await target(sent.id);
        expect(STATUS_RANK[now.status], `seed ${seed}, after ${status}`).toBe(rank);
      }
      expect((await target(sent.id)).status, `seed ${seed}: ${order.join()}`).toBe('read');
      expect(recorded, `seed ${seed}: each forward move recorded once`).toBe(expectedRecorded);
    }
    expect(new Set(orders).size, 'the seeds give different orders').toBe(SEEDS.length);
  });

  it('the same nine statuses delivered at once end at read too', async () => {
    const sent = await sentTarget();
    const acks = await Promise.all(
      shuffled(thrice(['sent', 'delivered', 'read']), 99).map((status) =>
        deliver(statusWebhook(sent.messageId, status)),
      ),
    );
    expect((await target(sent.id)).status).toBe('read');
    const recorded = acks.reduce((n, ack) => n + ack.recorded, 0);
    expect(recorded).toBeGreaterThanOrEqual(1);
    expect(recorded).toBeLessThanOrEqual(2);
  });

  it('sent and failed, each three times in shuffled orders, end failed with the error code', async () => {
    for (const seed of SEEDS) {
      const sent = await sentTarget();
      let recorded = 0;
      for (const status of shuffled(thrice(['sent', 'failed']), seed)) {
        const extra = status === 'failed' ? { errors: [UNDELIVERABLE] } : {};
        recorded += (await deliver(statusWebhook(sent.messageId, status, extra))).recorded;
      }
      expect(await target(sent.id), `seed ${seed}`).toMatchObject({
        status: 'failed',
        error_code: '131026',
        error_message: 'Message undeliverable',
      });
      expect(recorded, `seed ${seed}: failed once`).toBe(1);
    }
  });

  it('keeps read when delivered, sent or failed arrive after it', async () => {
    const sent = await sentTarget();
    expect((await deliver(statusWebhook(sent.messageId, 'read'))).recorded).toBe(1);
    const after = await snapshot(sent.id);
    for (const [status, extra] of [
      ['delivered', {}],
      ['sent', {}],
      ['failed', { errors: [UNDELIVERABLE] }],
    ] as const) {
      expect((await deliver(statusWebhook(sent.messageId, status, extra))).recorded, status).toBe(0);
    }
    expect(await snapshot(sent.id)).toEqual(after);
    expect((await target(sent.id)).status).toBe('read');
  });

  it('ignores a status for a message nobody knows', async () => {
    const ack = await deliver(statusWebhook(`wamid.${randomUUID()}`, 'delivered'));
    expect(ack).toEqual({ statuses: 1, recorded: 0, messages: 0, opt_outs: 0, opt_ins: 0 });
  });
});

describe('a send the dispatcher never recorded', () => {
  it('is recorded from the status webhook carrying its target id; a second such webhook changes nothing', async () => {
    const inDoubt = await inDoubtTarget();
    expect((await queueRow(inDoubt.id))?.send_started_at).toBeInstanceOf(Date);
    const messageId = `wamid.${randomUUID()}`;
    const at = nowSeconds() - 30;
    const webhook = statusWebhook(messageId, 'sent', { biz_opaque_callback_data: inDoubt.id, timestamp: String(at) });

    expect((await deliver(webhook)).recorded).toBe(1);
    const recovered = await target(inDoubt.id);
    expect(recovered).toMatchObject({ status: 'sent', message_id: messageId, error_code: null });
    expect(recovered.sent_at?.getTime()).toBe(at * 1000);
    expect(await queueRow(inDoubt.id), 'no longer waiting to be sent').toBeUndefined();

    const after = await snapshot(inDoubt.id);
    expect((await deliver(webhook)).recorded).toBe(0);
    // Nor does another message claiming the same target (the target has its message already).
    const other = statusWebhook(`wamid.${randomUUID()}`, 'sent', { biz_opaque_callback_data: inDoubt.id });
    expect((await deliver(other)).recorded).toBe(0);
    expect(await snapshot(inDoubt.id)).toEqual(after);

    expect((await deliver(statusWebhook(messageId, 'delivered'))).recorded).toBe(1);
    expect((await target(inDoubt.id)).status).toBe('delivered');
  });

  it('is recorded sent then failed when a failed status is the first news of it', async () => {
    const inDoubt = await inDoubtTarget();
    const messageId = `wamid.${randomUUID()}`;
    const ack = await deliver(
      statusWebhook(messageId, 'failed', { biz_opaque_callback_data: inDoubt.id, errors: [UNDELIVERABLE] }),
    );
    expect(ack.recorded).toBe(1);
    expect(await target(inDoubt.id)).toMatchObject({ status: 'failed', message_id: messageId, error_code: '131026' });
  });

  it('leaves a target alone that was never handed to WhatsApp, and ignores a callback that is no target id', async () => {
    const queued = await queuedTarget();
    const before = await snapshot(queued.id);
    const acks = [
      await deliver(statusWebhook(`wamid.${randomUUID()}`, 'sent', { biz_opaque_callback_data: queued.id })),
      await deliver(statusWebhook(`wamid.${randomUUID()}`, 'sent', { biz_opaque_callback_data: 'not-a-target' })),
      await deliver(statusWebhook(`wamid.${randomUUID()}`, 'sent', { biz_opaque_callback_data: randomUUID() })),
    ];
    expect(acks.map((ack) => ack.recorded)).toEqual([0, 0, 0]);
    expect(await snapshot(queued.id)).toEqual(before);
    expect(await queueRow(queued.id)).toMatchObject({ send_started_at: null });
  });

  it('is recovered end to end: the sandbox echoes the target id in its status webhooks', async () => {
    const inDoubt = await inDoubtTarget();
    // What the dispatcher sent before it died: the template, with the target id as callback data.
    const response = await fetch(`${sandboxUrl}/v21.0/${PHONE_NUMBER_ID}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.whatsappToken}` },
      body: JSON.stringify({
        messaging_product: 'whatsapp',
        to: inDoubt.msisdn,
        type: 'template',
        template: { name: 'weekend_offer', language: { code: 'en' } },
        biz_opaque_callback_data: inDoubt.id,
      }),
    });
    expect(response.status).toBe(200);
    const messageId = ((await response.json()) as Json).messages[0].id as string;
    await eventually(async () => (await target(inDoubt.id)).status === 'delivered', 'the sandbox delivered it');
    expect((await target(inDoubt.id)).message_id).toBe(messageId);
  });
});

describe('opt-out replies', () => {
  it.each([
    ['stop', 'STOP'],
    [' Stop! ', 'STOP'],
    ['HAGARIKA', 'HAGARIKA'],
  ])('%j from the phone opts it out at once, as keyword:%s', async (reply, word) => {
    const msisdn = number();
    await fromPhone('inbound', { from: msisdn, text: reply });
    expect(await optOut(msisdn)).toMatchObject({ reason: `keyword:${word}` });
    expect(await isOptedOut(msisdn)).toBe(true);
  });

  it('START opts the number back in; a second STOP or START changes nothing', async () => {
    const msisdn = number();
    const at = nowSeconds() - 120;
    expect((await deliver(replyWebhook(msisdn, [{ ...text('stop'), timestamp: String(at) }]))).opt_outs).toBe(1);
    expect((await optOut(msisdn))?.ts.getTime(), 'the time the driver wrote').toBe(at * 1000);
    expect((await deliver(replyWebhook(msisdn, [text('STOP')]))).opt_outs, 'already out').toBe(0);
    expect((await optOut(msisdn))?.ts.getTime()).toBe(at * 1000);

    await fromPhone('inbound', { from: msisdn, text: 'START' });
    expect(await optOut(msisdn)).toBeUndefined();
    expect(await isOptedOut(msisdn)).toBe(false);
    expect((await deliver(replyWebhook(msisdn, [text('start')]))).opt_ins, 'already in').toBe(0);
  });

  it('counts quick-reply and reply buttons, and applies one payload in order', async () => {
    const button = number();
    const interactive = number();
    const both = number();
    const ack = await deliver(
      envelope({
        messages: [
          {
            from: waId(button),
            id: 'wamid.b1',
            timestamp: String(nowSeconds()),
            type: 'button',
            button: { text: 'Stop promotions', payload: 'STOP' },
          },
          {
            from: waId(interactive),
            id: 'wamid.b2',
            timestamp: String(nowSeconds()),
            type: 'interactive',
            interactive: { type: 'button_reply', button_reply: { id: 'opt-out', title: 'Stop' } },
          },
          { from: waId(both), id: 'wamid.b3', timestamp: String(nowSeconds()), ...text('STOP') },
          { from: waId(both), id: 'wamid.b4', timestamp: String(nowSeconds()), ...text('Resume') },
        ],
      }),
    );
    expect(ack).toEqual({ statuses: 0, recorded: 0, messages: 4, opt_outs: 3, opt_ins: 1 });
    expect(await optOut(button)).toMatchObject({ reason: 'keyword:STOP' });
    expect(await optOut(interactive)).toMatchObject({ reason: 'keyword:STOP' });
    expect(await isOptedOut(both), 'STOP, then RESUME').toBe(false);
  });

  it('ignores replies that only contain a keyword', async () => {
    const msisdn = number();
    for (const reply of ['Please stop', 'STOPP', 'non-stop', 'S T O P', 'stop sending me this', '🛑']) {
      expect((await deliver(replyWebhook(msisdn, [text(reply)]))).opt_outs, reply).toBe(0);
    }
    expect(await optOut(msisdn)).toBeUndefined();
  });

  it('follows the keywords configured in settings.opt_out_keywords', async () => {
    const [saved] = await sql<{ value: Json }[]>`select value from public.settings where key = 'opt_out_keywords'`;
    try {
      await sql`update public.settings set value = ${sql.json({ stop: ['STOP', 'BASTA'], resume: ['GARUKA'] })}
                 where key = 'opt_out_keywords'`;
      const msisdn = number();
      await fromPhone('inbound', { from: msisdn, text: 'Basta!' });
      expect(await optOut(msisdn)).toMatchObject({ reason: 'keyword:BASTA' });
      // START is no longer a resume word, and HAGARIKA no longer a stop word.
      expect((await deliver(replyWebhook(msisdn, [text('START')]))).opt_ins).toBe(0);
      expect(await isOptedOut(msisdn)).toBe(true);
      await fromPhone('inbound', { from: msisdn, text: 'garuka' });
      expect(await isOptedOut(msisdn)).toBe(false);
      const other = number();
      expect((await deliver(replyWebhook(other, [text('HAGARIKA')]))).opt_outs).toBe(0);
      expect(await optOut(other)).toBeUndefined();
    } finally {
      await sql`update public.settings set value = ${sql.json(saved?.value)} where key = 'opt_out_keywords'`;
    }
  });
});

describe('user_preferences', () => {
  it("WhatsApp's marketing stop opts the number out, resume back in", async () => {
    const msisdn = number();
    await fromPhone('user-preferences', { from: msisdn, value: 'stop' });
    expect(await optOut(msisdn)).toMatchObject({ reason: 'user_preferences' });
    expect(await isOptedOut(msisdn)).toBe(true);
    await fromPhone('user-preferences', { from: msisdn, value: 'resume' });
    expect(await isOptedOut(msisdn)).toBe(false);
  });

  it('records the time WhatsApp gives, and ignores other categories and values', async () => {
    const msisdn = number();
    const at = nowSeconds() - 600;
    expect((await deliver(preferenceWebhook(msisdn, 'stop', { category: 'other_messages' }))).opt_outs).toBe(0);
    expect((await deliver(preferenceWebhook(msisdn, 'interested'))).opt_outs).toBe(0);
    expect(await optOut(msisdn)).toBeUndefined();
    expect((await deliver(preferenceWebhook(msisdn, 'stop', { timestamp: at }))).opt_outs).toBe(1);
    expect((await optOut(msisdn))?.ts.getTime()).toBe(at * 1000);
    expect((await deliver(preferenceWebhook(msisdn, 'resume'))).opt_ins).toBe(1);
    expect(await optOut(msisdn)).toBeUndefined();
  });
});

describe('one webhook, one transaction', () => {
  it('refuses a payload with one malformed part (400) and applies none of it', async () => {
    const sent = await sentTarget();
    const msisdn = number();
    const before = await snapshot(sent.id);
    const payload = statusWebhook(sent.messageId, 'read');
    payload.entry[0].changes.push(replyWebhook(msisdn, [text('STOP')]).entry[0].changes[0]);
    payload.entry[0].changes.push(preferenceWebhook(msisdn, 'stop', { wa_id: `+${waId(msisdn)}` }).entry[0].changes[0]);
    const body = Buffer.from(JSON.stringify(payload));
    const { status, body: answer } = await post(body, sign(body));
    expect([status, answer.error.code]).toEqual([400, 'invalid_request']);
    expect(await snapshot(sent.id)).toEqual(before);
    expect(await optOut(msisdn)).toBeUndefined();
  });

  it('rolls back the statuses it applied when a later part fails', async () => {
    const sent = await sentTarget();
    const msisdn = number();
    const before = await snapshot(sent.id);
    const [saved] = await sql<{ value: Json }[]>`select value from public.settings where key = 'opt_out_keywords'`;
    try {
      // A setting the panel would refuse, so reading the keywords fails after the status was applied.
      await sql`update public.settings set value = ${sql.json({ stop: [] })} where key = 'opt_out_keywords'`;
      const payload = statusWebhook(sent.messageId, 'read');
      payload.entry[0].changes.push(replyWebhook(msisdn, [text('STOP')]).entry[0].changes[0]);
      const body = Buffer.from(JSON.stringify(payload));
      const { status } = await post(body, sign(body));
      expect(status).toBe(500);
    } finally {
      await sql`update public.settings set value = ${sql.json(saved?.value)} where key = 'opt_out_keywords'`;
    }
    expect(await snapshot(sent.id)).toEqual(before);
    expect(await optOut(msisdn)).toBeUndefined();
  });
});
