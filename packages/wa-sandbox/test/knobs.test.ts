/**
 * The failure knobs (sync and async, `times`, clearing) and the per-minute throughput cap.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DELIVERY_ERROR_CODES, SandboxState, createSandbox, type SandboxOptions } from '../src/index.ts';
import { APP_SECRET, PHONE_NUMBER_ID, TOKEN, control, send, startReceiver, text, type Receiver } from './helpers.ts';

const TITLES: Record<number, string> = {
  131026: 'Message undeliverable',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  130429: 'Rate limit hit',
  131049: 'This message was not delivered to maintain healthy ecosystem engagement.',
  131047: 'Re-engagement message',
};

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

const sandbox = (extra: Partial<SandboxOptions> = {}) =>
  createSandbox({
    accessToken: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    appSecret: APP_SECRET,
    statusDelayMs: 5,
    webhookUrl: receiver.url,
    ...extra,
  });

interface ErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_data: { messaging_product: string; details: string };
    fbtrace_id: string;
  };
}

describe('failure knobs, synchronous', () => {
  it.each(DELIVERY_ERROR_CODES.map((code) => [code]))(
    '%i fails the send with HTTP 400 and the Graph error body; no message, no webhook',
    async (code) => {
      const { app, state, idle } = sandbox();
      const knob = await control(app, 'POST', '/_sandbox/failures', { to: '+250788000001', code });
      expect(knob.status).toBe(200);
      const response = await send(app, text('+250788000001'));
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error).toMatchObject({
        message: `(#${code}) ${TITLES[code]}`,
        type: 'OAuthException',
        code,
        error_data: { messaging_product: 'whatsapp' },
      });
      expect(body.error.error_data.details.length).toBeGreaterThan(10);
      expect(body.error.fbtrace_id).toMatch(/^\S+$/);
      await idle();
      expect(state.messages).toEqual([]);
      expect(receiver.received).toEqual([]);
      const requests = (await (await control(app, 'GET', '/_sandbox/requests')).json()) as {
        requests: { http_status: number; error_code: number; to: string }[];
      };
      expect(requests.requests).toMatchObject([{ http_status: 400, error_code: code, to: '+250788000001' }]);
    },
  );

  it('matches numbers with or without +, and leaves other numbers alone', async () => {
    const { app, idle } = sandbox();
    await control(app, 'POST', '/_sandbox/failures', { to: '250788000001', code: 131026 });
    expect((await send(app, text('+250788000001'))).status).toBe(400);
    expect((await send(app, text('250788000001'))).status).toBe(400);
    expect((await send(app, text('+250788000002'))).status).toBe(200);
    await control(app, 'POST', '/_sandbox/failures', { to: '+250788000003', code: 131047 });
    expect((await send(app, text('250788000003'))).status).toBe(400);
    await idle();
  });

  it('honours times, then lets sends through', async () => {
    const { app, state, idle } = sandbox();
    await control(app, 'POST', '/_sandbox/failures', { to: '250788000001', code: 131056, times: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await send(app, text('250788000001'))).status);
    expect(statuses).toEqual([400, 400, 200, 200]);
    expect(state.failures).toEqual([]);
    await idle();
  });

  it('fails until cleared when times is absent', async () => {
    const { app, idle } = sandbox();
    await control(app, 'POST', '/_sandbox/failures', { to: '250788000001', code: 131049 });
    for (let i = 0; i < 5; i += 1) expect((await send(app, text('250788000001'))).status).toBe(400);
    const listed = (await (await control(app, 'GET', '/_sandbox/failures')).json()) as { failures: unknown[] };
    expect(listed.failures).toEqual([{ wa_id: '250788000001', code: 131049, remaining: null, async: false }]);
    expect((await control(app, 'DELETE', '/_sandbox/failures')).status).toBe(200);
    expect((await send(app, text('250788000001'))).status).toBe(200);
    await idle();
  });

  it('rejects knob bodies it cannot honour', async () => {
    const { app, state } = sandbox();
    for (const body of [
      { to: '250788000001', code: 999 },
      { to: 'abc', code: 131026 },
      { to: '250788000001', code: 131026, times: 0 },
      { code: 131026 },
    ]) {
      const response = await control(app, 'POST', '/_sandbox/failures', body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).not.toBe('');
    }
    expect(state.failures).toEqual([]);
  });
});

describe('failure knobs, asynchronous', () => {
  it.each(DELIVERY_ERROR_CODES.map((code) => [code]))(
    '%i answers 200, then a failed status webhook carries the error',
    async (code) => {
      const { app, state, idle } = sandbox();
      await control(app, 'POST', '/_sandbox/failures', { to: '250788000001', code, async: true, times: 1 });
      const response = await send(app, text('+250788000001'));
      expect(response.status).toBe(200);
      const { messages } = (await response.json()) as { messages: { id: string }[] };
      await idle();
      expect(receiver.received).toHaveLength(1);
      const payload = receiver.received[0]?.json as {
        entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[];
      };
      const status = payload.entry[0]?.changes[0]?.value.statuses[0];
      expect(status).toEqual({
        id: messages[0]?.id,
        status: 'failed',
        timestamp: expect.stringMatching(/^\d{10}$/),
        recipient_id: '250788000001',
        errors: [
          {
            code,
            title: TITLES[code],
            message: TITLES[code],
            error_data: { details: expect.any(String) },
            href: expect.stringContaining('error-codes'),
          },
        ],
      });
      expect(state.messages[0]).toMatchObject({ status: 'failed', error: { code, title: TITLES[code] } });
      expect(state.messages[0]?.history.map((h) => h.status)).toEqual(['accepted', 'failed']);

      // times: 1 — the next send goes through normally.
      expect((await send(app, text('250788000001'))).status).toBe(200);
      await idle();
      expect(state.messages[1]?.status).toBe('delivered');
    },
  );
});

describe('throughput cap', () => {
  it('rejects sends beyond per_minute with 400 / 130429, and lifts when cleared', async () => {
    const { app, state, idle } = sandbox();
    const set = await control(app, 'POST', '/_sandbox/rate-limit', { per_minute: 3 });
    expect(await set.json()).toEqual({ per_minute: 3 });
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await send(app, text(`25078800000${i}`))).status);
    expect(statuses).toEqual([200, 200, 200, 400, 400]);
    const rejected = (await (await send(app, text('250788000009'))).json()) as ErrorBody;
    expect(rejected.error).toMatchObject({ message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429 });
    expect(state.messages).toHaveLength(3);

    expect(await (await control(app, 'POST', '/_sandbox/rate-limit', { per_minute: null })).json()).toEqual({
      per_minute: null,
    });
    expect((await send(app, text('250788000001'))).status).toBe(200);
    expect((await control(app, 'POST', '/_sandbox/rate-limit', { per_minute: 0 })).status).toBe(400);
    await idle();
  });

  it('counts a rolling minute', () => {
    const state = new SandboxState();
    state.rateLimitPerMinute = 2;
    const t0 = 1_000_000;
    expect(state.admitSend(t0)).toBe(true);
    expect(state.admitSend(t0 + 30_000)).toBe(true);
    expect(state.admitSend(t0 + 59_999)).toBe(false);
    // The first send leaves the window at t0 + 60 s; the rejected one never counted.
    expect(state.admitSend(t0 + 60_000)).toBe(true);
    expect(state.admitSend(t0 + 60_001)).toBe(false);
    expect(state.admitSend(t0 + 90_000)).toBe(true);
  });
});
