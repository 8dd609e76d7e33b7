/**
 * Status and inbound webhooks against a real local receiver: order, Meta's payload shape,
 * the X-Hub-Signature-256 signature checked with node:crypto, retries, and the listener's
 * own lifecycle (EADDRINUSE, stop cancelling what is pending).
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../src/index.ts';
import {
  APP_SECRET,
  PHONE_NUMBER_ID,
  TOKEN,
  sleep,
  startReceiver,
  text,
  verifySignature,
  type Receiver,
} from './helpers.ts';

let receiver: Receiver;
let running: RunningSandbox | undefined;

beforeEach(async () => {
  receiver = await startReceiver();
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  await receiver.close();
});

async function start(extra: Partial<SandboxOptions> = {}): Promise<RunningSandbox> {
  running = await startSandbox({
    port: 0,
    accessToken: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    displayPhoneNumber: '250780000000',
    wabaId: '102290129340398',
    appSecret: APP_SECRET,
    webhookUrl: `${receiver.url}/webhook`,
    statusDelayMs: 20,
    ...extra,
  });
  return running;
}

async function post(sandbox: RunningSandbox, path: string, body: unknown, token = TOKEN): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

async function sendText(sandbox: RunningSandbox, to: string, body = 'hi'): Promise<string> {
  const response = await post(sandbox, `/v21.0/${PHONE_NUMBER_ID}/messages`, text(to, body));
  expect(response.status).toBe(200);
  const json = (await response.json()) as { messages: { id: string }[] };
  return json.messages[0]?.id ?? '';
}

interface StatusValue {
  messaging_product: string;
  metadata: { display_phone_number: string; phone_number_id: string };
  statuses: {
    id: string;
    status: string;
    timestamp: string;
    recipient_id: string;
    conversation?: { id: string; expiration_timestamp?: string; origin: { type: string } };
    pricing?: { billable: boolean; pricing_model: string; category: string };
    errors?: unknown[];
  }[];
}

function statusOf(json: unknown): StatusValue['statuses'][number] {
  const payload = json as { entry: { changes: { value: StatusValue }[] }[] };
  const status = payload.entry[0]?.changes[0]?.value.statuses[0];
  if (!status) throw new Error(`no status in ${JSON.stringify(json)}`);
  return status;
}

describe('status webhooks', () => {
  it('posts sent then delivered, shaped like Meta, signed over the raw body', async () => {
    const sandbox = await start();
    const before = Math.floor(Date.now() / 1000);
    const id = await sendText(sandbox, '+250788000001');
    const received = await receiver.waitFor(2);
    await sandbox.idle();
    expect(received).toHaveLength(2);

    for (const request of received) {
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/webhook');
      expect(request.headers['content-type']).toBe('application/json');
      // Independent check with node:crypto over the exact bytes received.
      expect(verifySignature(request.raw, request.headers['x-hub-signature-256'], APP_SECRET)).toBe(true);
      expect(request.headers['x-hub-signature-256']).toBe(
        `sha256=${createHmac('sha256', APP_SECRET).update(request.raw).digest('hex')}`,
      );
      // A receiver holding another secret must reject it.
      expect(verifySignature(request.raw, request.headers['x-hub-signature-256'], `${APP_SECRET}-tampered`)).toBe(
        false,
      );
      // So must the right secret over a body changed by one byte.
      const altered = Buffer.from(request.raw);
      altered[altered.length - 2] = (altered[altered.length - 2] ?? 0) ^ 1;
      expect(verifySignature(altered, request.headers['x-hub-signature-256'], APP_SECRET)).toBe(false);
    }

    const [sent, delivered] = received;
    expect(sent?.json).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '250780000000', phone_number_id: PHONE_NUMBER_ID },
                statuses: [
                  {
                    id,
                    status: 'sent',
                    timestamp: expect.stringMatching(/^\d{10}$/),
                    recipient_id: '250788000001',
                    conversation: {
                      id: expect.stringMatching(/^[0-9a-f]{32}$/),
                      expiration_timestamp: expect.stringMatching(/^\d{10}$/),
                      origin: { type: 'service' },
                    },
                    pricing: { billable: false, pricing_model: 'CBP', category: 'service' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const sentStatus = statusOf(sent?.json);
    const deliveredStatus = statusOf(delivered?.json);
    expect(deliveredStatus).toMatchObject({ id, status: 'delivered', recipient_id: '250788000001' });
    expect(deliveredStatus.conversation).toEqual({ id: sentStatus.conversation?.id, origin: { type: 'service' } });
    expect(Number(sentStatus.timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(sentStatus.conversation?.expiration_timestamp)).toBeGreaterThan(Number(sentStatus.timestamp));

    // The delivery log holds every attempt with the exact body.
    const log = (await (await fetch(`${sandbox.url}/_sandbox/webhooks`)).json()) as {
      webhooks: { kind: string; attempt: number; status: number; ok: boolean; body: string; url: string }[];
    };
    expect(log.webhooks.map((w) => [w.kind, w.attempt, w.status, w.ok])).toEqual([
      ['status', 1, 200, true],
      ['status', 1, 200, true],
    ]);
    expect(log.webhooks[0]?.body).toBe(sent?.raw.toString('utf8'));
    expect(log.webhooks[0]?.url).toBe(`${receiver.url}/webhook`);
  });

  it('spaces the statuses statusDelayMs apart and adds read when sendRead is on', async () => {
    const sandbox = await start({ statusDelayMs: 150, sendRead: true });
    const started = Date.now();
    await sendText(sandbox, '250788000001');
    const arrivals: number[] = [];
    for (let n = 1; n <= 3; n += 1) {
      await receiver.waitFor(n);
      arrivals.push(Date.now() - started);
    }
    expect(receiver.received.map((r) => statusOf(r.json).status)).toEqual(['sent', 'delivered', 'read']);
    expect(arrivals[0]).toBeGreaterThanOrEqual(140);
    expect((arrivals[1] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(120);
    expect((arrivals[2] ?? 0) - (arrivals[1] ?? 0)).toBeGreaterThanOrEqual(120);
    // read carries neither conversation nor pricing.
    expect(statusOf(receiver.received[2]?.json)).not.toHaveProperty('pricing');
    await sandbox.idle();
    expect(sandbox.state.messages[0]?.status).toBe('read');
  });

  it('prices template messages as utility, or as templateCategories says', async () => {
    const sandbox = await start({ templateCategories: { weekend_offer: 'marketing' } });
    const template = (name: string) => ({
      messaging_product: 'whatsapp',
      to: '250788000001',
      type: 'template',
      template: { name, language: { code: 'en' } },
    });
    await post(sandbox, `/v21.0/${PHONE_NUMBER_ID}/messages`, template('voucher_ready'));
    await post(sandbox, `/v21.0/${PHONE_NUMBER_ID}/messages`, template('weekend_offer'));
    await receiver.waitFor(4);
    await sandbox.idle();
    const sent = receiver.received.map((r) => statusOf(r.json)).filter((s) => s.status === 'sent');
    expect(sent.map((s) => [s.conversation?.origin.type, s.pricing?.category, s.pricing?.billable])).toEqual([
      ['utility', 'utility', true],
      ['marketing', 'marketing', true],
    ]);
  });

  it('retries a delivery the receiver answered with 500, with the same body and signature', async () => {
    receiver.reply = (_request, index) => (index === 0 ? { status: 500, body: 'boom' } : { status: 200 });
    const sandbox = await start();
    const id = await sendText(sandbox, '250788000001');
    const received = await receiver.waitFor(3);
    await sandbox.idle();
    expect(received.map((r) => statusOf(r.json).status)).toEqual(['sent', 'sent', 'delivered']);
    expect(received[1]?.raw.equals(received[0]?.raw ?? Buffer.alloc(0))).toBe(true);
    expect(received[1]?.headers['x-hub-signature-256']).toBe(received[0]?.headers['x-hub-signature-256']);
    expect(statusOf(received[0]?.json).id).toBe(id);
    const log = sandbox.state.webhooks;
    expect(log.map((w) => [w.attempt, w.status, w.ok])).toEqual([
      [1, 500, false],
      [2, 200, true],
      [1, 200, true],
    ]);
    expect(log[0]?.delivery_id).toBe(log[1]?.delivery_id);
    // The first retry waits about 0.5 s.
    const gap = Date.parse(log[1]?.at ?? '') - Date.parse(log[0]?.at ?? '');
    expect(gap).toBeGreaterThanOrEqual(450);
  });

  it('gives up after three retries and logs network errors', async () => {
    receiver.reply = () => ({ status: 503 });
    const sandbox = await start({ webhookRetryDelaysMs: [10, 20, 30] });
    await sendText(sandbox, '250788000001');
    await sandbox.idle();
    const sentAttempts = sandbox.state.webhooks.filter((w) => w.delivery_id === 1);
    expect(sentAttempts.map((w) => [w.attempt, w.status, w.ok])).toEqual([
      [1, 503, false],
      [2, 503, false],
      [3, 503, false],
      [4, 503, false],
    ]);
    // The message itself still progressed: the webhook is only the notification.
    expect(sandbox.state.messages[0]?.status).toBe('delivered');

    await running?.stop();
    const closedPort = new URL(receiver.url).port;
    await receiver.close();
    receiver = await startReceiver();
    running = await startSandbox({
      port: 0,
      accessToken: TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
      appSecret: APP_SECRET,
      webhookUrl: `http://127.0.0.1:${closedPort}/gone`,
      statusDelayMs: 5,
      webhookRetryDelaysMs: [5],
    });
    await sendText(running, '250788000001');
    await running.idle();
    const attempts = running.state.webhooks.filter((w) => w.delivery_id === 1);
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.ok).toBe(false);
      expect(attempt.status).toBeUndefined();
      expect(attempt.error).toMatch(/ECONNREFUSED|fetch failed/);
    }
  });

  it('sends nothing when no webhookUrl is set', async () => {
    const sandbox = await start({ webhookUrl: undefined });
    await sendText(sandbox, '250788000001');
    await sandbox.idle();
    expect(sandbox.state.messages[0]?.status).toBe('delivered');
    expect(sandbox.state.webhooks).toEqual([]);
    expect(receiver.received).toEqual([]);
  });
});

describe('inbound replies', () => {
  it('posts a signed inbound STOP webhook and records it for the inbox', async () => {
    const sandbox = await start();
    const response = await fetch(`${sandbox.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+250788000001', text: 'STOP', name: 'Aline' }),
    });
    expect(response.status).toBe(200);
    const result = (await response.json()) as {
      message: { id: string };
      delivery: { delivered: boolean; attempts: { status: number }[] };
    };
    expect(result.delivery.delivered).toBe(true);
    expect(result.delivery.attempts.map((a) => a.status)).toEqual([200]);

    const [request] = await receiver.waitFor(1);
    expect(verifySignature(request?.raw ?? Buffer.alloc(0), request?.headers['x-hub-signature-256'], APP_SECRET)).toBe(
      true,
    );
    expect(request?.json).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '250780000000', phone_number_id: PHONE_NUMBER_ID },
                contacts: [{ profile: { name: 'Aline' }, wa_id: '250788000001' }],
                messages: [
                  {
                    from: '250788000001',
                    id: result.message.id,
                    timestamp: expect.stringMatching(/^\d{10}$/),
                    type: 'text',
                    text: { body: 'STOP' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(result.message.id).toMatch(/^wamid\./);
    const inbound = (await (await fetch(`${sandbox.url}/_sandbox/inbound?from=250788000001`)).json()) as {
      messages: { text: string; wa_id: string }[];
    };
    expect(inbound.messages).toMatchObject([{ text: 'STOP', wa_id: '250788000001' }]);
    expect(sandbox.state.webhooks).toMatchObject([{ kind: 'inbound', attempt: 1, ok: true }]);
  });

  it('reports a failed inbound delivery and rejects a bad body', async () => {
    receiver.reply = () => ({ status: 500 });
    const sandbox = await start({ webhookRetryDelaysMs: [5] });
    const response = await fetch(`${sandbox.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '250788000001', text: 'STOP' }),
    });
    const result = (await response.json()) as { delivery: { delivered: boolean; attempts: unknown[] } };
    expect(result.delivery.delivered).toBe(false);
    expect(result.delivery.attempts).toHaveLength(2);

    const bad = await fetch(`${sandbox.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'nobody', text: '' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^from:/);
  });
});

describe('listener', () => {
  it('rejects clearly when the port is taken', async () => {
    const port = Number(new URL(receiver.url).port);
    await expect(
      startSandbox({ port, accessToken: TOKEN, phoneNumberId: PHONE_NUMBER_ID, appSecret: APP_SECRET }),
    ).rejects.toThrow(`wa-sandbox: port ${port} on 127.0.0.1 is already in use`);
  });

  it('listens on 127.0.0.1 and stop() cancels pending status webhooks and closes the port', async () => {
    const sandbox = await start({ statusDelayMs: 150 });
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await sendText(sandbox, '250788000001');
    await sandbox.stop();
    running = undefined;
    await sleep(400);
    expect(receiver.received).toEqual([]);
    expect(sandbox.state.messages[0]?.status).toBe('accepted');
    await expect(fetch(`${sandbox.url}/`)).rejects.toThrow();
  });

  it('stops even while a webhook retry is waiting', async () => {
    receiver.reply = () => ({ status: 500 });
    const sandbox = await start({ webhookRetryDelaysMs: [5_000] });
    await sendText(sandbox, '250788000001');
    await receiver.waitFor(1);
    const started = Date.now();
    await sandbox.stop();
    await sandbox.idle();
    running = undefined;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(sandbox.state.webhooks).toHaveLength(1);
  });
});
