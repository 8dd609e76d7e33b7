/**
 * What campaign sending needs from the sandbox: `biz_opaque_callback_data` echoed in every
 * status webhook of its message (delivered, read and failed alike), and WhatsApp's
 * marketing stop / resume as a signed `user_preferences` webhook, from the control API and
 * from the inbox buttons.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, startSandbox, type RunningSandbox } from '../src/index.ts';
import {
  APP_SECRET,
  PHONE_NUMBER_ID,
  TOKEN,
  control,
  send,
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

async function start(): Promise<RunningSandbox> {
  running = await startSandbox({
    port: 0,
    accessToken: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    appSecret: APP_SECRET,
    webhookUrl: `${receiver.url}/webhook`,
    statusDelayMs: 10,
    sendRead: true,
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

const template = (to: string, callback?: unknown) => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: { name: 'weekend_offer', language: { code: 'en' } },
  ...(callback === undefined ? {} : { biz_opaque_callback_data: callback }),
});

type Value = Record<string, unknown> & { statuses?: Record<string, unknown>[] };

function valueOf(json: unknown): { field: string; value: Value } {
  const change = (json as { entry: { changes: { field: string; value: Value }[] }[] }).entry[0]?.changes[0];
  if (!change) throw new Error(`no change in ${JSON.stringify(json)}`);
  return change;
}

describe('biz_opaque_callback_data', () => {
  it('comes back in every status webhook of its message, and only of its message', async () => {
    const sandbox = await start();
    const target = '6f1c2b9e-3a4d-4e5f-8a7b-9c0d1e2f3a4b';
    const response = await post(sandbox, `/v21.0/${PHONE_NUMBER_ID}/messages`, template('250788000001', target));
    expect(response.status).toBe(200);
    const id = ((await response.json()) as { messages: { id: string }[] }).messages[0]?.id;
    await post(sandbox, `/v21.0/${PHONE_NUMBER_ID}/messages`, text('250788000002'));
    await receiver.waitFor(6);
    await sandbox.idle();

    const statuses = receiver.received.map((r) => valueOf(r.json).value.statuses?.[0] ?? {});
    const ours = statuses.filter((s) => s.id === id);
    expect(ours.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    for (const status of ours) expect(status.biz_opaque_callback_data).toBe(target);
    const theirs = statuses.filter((s) => s.id !== id);
    expect(theirs).toHaveLength(3);
    for (const status of theirs) expect(status).not.toHaveProperty('biz_opaque_callback_data');
    expect(sandbox.state.messages[0]?.biz_opaque_callback_data).toBe(target);
  });

  it('comes back in the failed status of a message that fails later', async () => {
    const sandbox = await start();
    await post(sandbox, '/_sandbox/failures', { to: '250788000001', code: 131026, async: true });
    await post(sandbox, `/v21.0/${PHONE_NUMBER_ID}/messages`, template('250788000001', 'target-7'));
    const [request] = await receiver.waitFor(1);
    await sandbox.idle();
    expect(receiver.received).toHaveLength(1);
    expect(valueOf(request?.json).value.statuses?.[0]).toMatchObject({
      status: 'failed',
      biz_opaque_callback_data: 'target-7',
      errors: [{ code: 131026 }],
    });
  });

  it('is refused like Graph when it is not a string of at most 512 characters', async () => {
    const { app, state } = createSandbox({ accessToken: TOKEN, phoneNumberId: PHONE_NUMBER_ID, appSecret: APP_SECRET });
    for (const [value, details] of [
      [42, 'Param biz_opaque_callback_data must be of type string.'],
      ['x'.repeat(513), 'Param biz_opaque_callback_data must be at most 512 characters long.'],
    ] as const) {
      const response = await send(app, template('250788000001', value));
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { error_data: { details: string } } };
      expect(body.error.error_data.details).toBe(details);
    }
    expect(state.messages).toEqual([]);
    expect((await send(app, template('250788000001', 'x'.repeat(512)))).status).toBe(200);
  });
});

describe('user_preferences', () => {
  it('posts a signed marketing stop, then resume, shaped like Meta', async () => {
    const sandbox = await start();
    const before = Math.floor(Date.now() / 1000);
    const stop = await post(sandbox, '/_sandbox/user-preferences', {
      from: '+250788000001',
      value: 'stop',
      name: 'Jean 🚕',
    });
    expect(stop.status).toBe(200);
    const answer = (await stop.json()) as { preference: unknown; delivery: { delivered: boolean } };
    expect(answer).toMatchObject({
      preference: { wa_id: '250788000001', value: 'stop' },
      delivery: { delivered: true },
    });
    await post(sandbox, '/_sandbox/user-preferences', { from: '250788000001', value: 'resume' });

    const [first, second] = await receiver.waitFor(2);
    for (const request of [first, second]) {
      expect(
        verifySignature(request?.raw ?? Buffer.alloc(0), request?.headers['x-hub-signature-256'], APP_SECRET),
      ).toBe(true);
    }
    expect(first?.json).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '100000000000001',
          changes: [
            {
              field: 'user_preferences',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550000000', phone_number_id: PHONE_NUMBER_ID },
                contacts: [{ profile: { name: 'Jean 🚕' }, wa_id: '250788000001' }],
                user_preferences: [
                  {
                    wa_id: '250788000001',
                    detail: 'User requested to stop marketing messages',
                    category: 'marketing_messages',
                    value: 'stop',
                    timestamp: expect.any(Number),
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const preference = (valueOf(first?.json).value.user_preferences as { timestamp: number }[])[0];
    expect(preference?.timestamp).toBeGreaterThanOrEqual(before);
    expect(valueOf(second?.json).value.user_preferences).toMatchObject([
      { value: 'resume', detail: 'User requested to resume marketing messages' },
    ]);
    expect(sandbox.state.webhooks.map((w) => [w.kind, w.ok])).toEqual([
      ['user_preferences', true],
      ['user_preferences', true],
    ]);
    const listed = (await (await fetch(`${sandbox.url}/_sandbox/user-preferences?from=250788000001`)).json()) as {
      preferences: { value: string }[];
    };
    expect(listed.preferences.map((p) => p.value)).toEqual(['stop', 'resume']);
  });

  it('rejects a value other than stop or resume, and sends nothing', async () => {
    const sandbox = await start();
    for (const body of [
      { from: '250788000001', value: 'pause' },
      { from: '250788000001' },
      { from: 'nobody', value: 'stop' },
    ]) {
      const response = await post(sandbox, '/_sandbox/user-preferences', body);
      expect(response.status).toBe(400);
    }
    await sandbox.idle();
    expect(receiver.received).toEqual([]);
    expect(sandbox.state.preferences).toEqual([]);
  });

  it('takes a stop from the inbox buttons, goes back to the chat and shows it there', async () => {
    const { app, state, idle } = createSandbox({
      accessToken: TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
      appSecret: APP_SECRET,
    });
    const chat = await (await app.request('/inbox/250788000001')).text();
    expect(chat).toContain('action="/_sandbox/user-preferences"');
    expect(chat).toMatch(/name="value" value="stop"/);
    expect(chat).toMatch(/name="value" value="resume"/);

    const response = await app.request('/_sandbox/user-preferences', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ from: '250788000001', value: 'stop' }).toString(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/inbox/250788000001');
    await idle();
    expect(state.preferences).toMatchObject([{ wa_id: '250788000001', value: 'stop' }]);
    expect(await (await app.request('/inbox/250788000001')).text()).toContain('Stopped marketing messages');
    expect(await (await app.request('/')).text()).toContain('href="/inbox/250788000001"');

    await control(app, 'POST', '/_sandbox/reset');
    expect(state.preferences).toEqual([]);
  });
});
