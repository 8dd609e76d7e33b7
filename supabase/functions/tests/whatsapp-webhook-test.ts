/**
 * The whatsapp-webhook function up to the database boundary: Meta's subscription
 * handshake, the X-Hub-Signature-256 check on the raw body (before it is parsed), the
 * payload contract, and a payload with nothing to record answered without the database
 * (whose URL points at a closed port). Also the signature helpers themselves.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signHubBody, verifyHubSignature } from '../_shared/hub-signature.ts';
import { app } from '../whatsapp-webhook/app.ts';
import { errorOf, quietly, UNREACHABLE_DB } from './helpers.ts';

const APP_SECRET = 'webhook-app-secret-for-tests';
const VERIFY_TOKEN = 'verify-token-for-tests';
Deno.env.set('WHATSAPP_APP_SECRET', APP_SECRET);
Deno.env.set('WHATSAPP_VERIFY_TOKEN', VERIFY_TOKEN);
Deno.env.set('SUPABASE_DB_URL', UNREACHABLE_DB);
Deno.env.set('SUPABASE_SERVICE_ROLE_KEY', 'service-role-key-for-tests');

const bytes = (text: string) => new TextEncoder().encode(text);

const handshake = (query: Record<string, string>) =>
  app.fetch(new Request(`http://function/whatsapp-webhook?${new URLSearchParams(query)}`));

async function deliver(body: string, signature?: string | null): Promise<Response> {
  const header = signature === undefined ? await signHubBody(bytes(body), APP_SECRET) : signature;
  return app.fetch(
    new Request('http://function/whatsapp-webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'x-hub-signature-256': header }) },
      body,
    }),
  );
}

/** An inbound text message, as Meta sends it (with fields the contract does not read). */
const INBOUND = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '100000000000001',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550000000', phone_number_id: '106540352242922' },
            contacts: [{ profile: { name: 'Aline' }, wa_id: '250788000001' }],
            messages: [
              {
                from: '250788000001',
                id: 'wamid.HBgMMjUwNzg4MDAwMDAxFQIAEhgg',
                timestamp: '1764000000',
                type: 'text',
                text: { body: 'STOP' },
              },
            ],
          },
        },
      ],
    },
  ],
};

// ── the handshake ─────────────────────────────────────────────────────────────

Deno.test('GET handshake: the right verify token is answered with the challenge, as text', async () => {
  const response = await handshake({
    'hub.mode': 'subscribe',
    'hub.verify_token': VERIFY_TOKEN,
    'hub.challenge': '1158201444',
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  assert.equal(await response.text(), '1158201444');
});

Deno.test('GET handshake: a wrong verify token is a 403 forbidden', async () => {
  for (const token of ['wrong', '', VERIFY_TOKEN.toUpperCase(), `${VERIFY_TOKEN} `]) {
    const error = await errorOf(
      await handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '42' }),
    );
    assert.equal(error.status, 403, JSON.stringify(token));
    assert.equal(error.code, 'forbidden');
  }
  const missing = await errorOf(await handshake({ 'hub.mode': 'subscribe', 'hub.challenge': '42' }));
  assert.equal(missing.status, 403);
});

Deno.test('GET handshake: a missing mode or challenge (or another mode) is a 400 invalid_request', async () => {
  const queries: Record<string, string>[] = [
    { 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '42' },
    { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN },
    { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '' },
    { 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '42' },
    {},
  ];
  for (const query of queries) {
    const error = await errorOf(await handshake(query));
    assert.equal(error.status, 400, JSON.stringify(query));
    assert.equal(error.code, 'invalid_request');
  }
});

// ── the signature ─────────────────────────────────────────────────────────────

Deno.test('POST: a missing, malformed, wrong-secret or body-tampered signature is 401 unauthorized', async () => {
  const body = JSON.stringify(INBOUND);
  const genuine = await signHubBody(bytes(body), APP_SECRET);
  const hex = genuine.slice('sha256='.length);
  const cases: [string, string | null, string?][] = [
    ['missing', null],
    ['empty', ''],
    ['no sha256= prefix', hex],
    ['sha1', `sha1=${hex.slice(0, 40)}`],
    ['too short', genuine.slice(0, -2)],
    ['too long', `${genuine}00`],
    ['not hex', `sha256=${'z'.repeat(64)}`],
    ['two signatures', `${genuine},${genuine}`],
    ['wrong secret', await signHubBody(bytes(body), 'another-secret')],
    ['one flipped digit', `sha256=${hex[0] === '0' ? '1' : '0'}${hex.slice(1)}`],
    ['body tampered', genuine, body.replace('STOP', 'STAR')],
    ['body re-serialised', genuine, JSON.stringify(INBOUND, null, 1)],
    ['body with a trailing newline', genuine, `${body}\n`],
  ];
  for (const [what, signature, sent = body] of cases) {
    const error = await errorOf(await deliver(sent, signature));
    assert.equal(error.status, 401, what);
    assert.equal(error.code, 'unauthorized', what);
  }
});

Deno.test('POST: correctly signed but not JSON is a 400 invalid_request', async () => {
  for (const body of ['', 'hello', '{"object":', '\u0000']) {
    const error = await errorOf(await deliver(body));
    assert.equal(error.status, 400, JSON.stringify(body));
    assert.equal(error.code, 'invalid_request');
    assert.equal(error.message, 'The body must be JSON');
  }
  // Bytes that are not UTF-8 at all.
  const raw = new Uint8Array([0xff, 0xfe, 0x7b]);
  const response = await app.fetch(
    new Request('http://function/whatsapp-webhook', {
      method: 'POST',
      headers: { 'x-hub-signature-256': await signHubBody(raw, APP_SECRET) },
      body: raw,
    }),
  );
  assert.equal(response.status, 400);
});

Deno.test('POST: correctly signed JSON not shaped like a WhatsApp payload is a 400 with issues', async () => {
  const statusOf = (status: Record<string, unknown>) => ({
    ...INBOUND,
    entry: [{ id: '1', changes: [{ field: 'messages', value: { statuses: [status] } }] }],
  });
  for (const [what, payload] of [
    ['an empty object', {}],
    ['another object', { ...INBOUND, object: 'page' }],
    ['entry not an array', { ...INBOUND, entry: {} }],
    ['a change without value', { ...INBOUND, entry: [{ id: '1', changes: [{ field: 'messages' }] }] }],
    ['a status without id', statusOf({ status: 'sent', timestamp: '1764000000' })],
    ['a status with a non-numeric timestamp', statusOf({ id: 'wamid.x', status: 'sent', timestamp: 'yesterday' })],
    [
      'a message without from',
      {
        ...INBOUND,
        entry: [
          {
            id: '1',
            changes: [{ field: 'messages', value: { messages: [{ id: 'x', timestamp: '1', type: 'text' }] } }],
          },
        ],
      },
    ],
    ['an array', [INBOUND]],
    ['a number', 42],
    ['null', null],
  ] as const) {
    const error = await errorOf(await deliver(JSON.stringify(payload)));
    assert.equal(error.status, 400, what);
    assert.equal(error.code, 'invalid_request', what);
    assert.ok(Array.isArray(error.details) && error.details.length > 0, `${what}: zod issues`);
  }
});

Deno.test(
  'POST: a signed payload with one inbound message and no statuses is counted without the database',
  async () => {
    const response = await deliver(JSON.stringify(INBOUND));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { statuses: 0, recorded: 0, messages: 1 });

    // Statuses WhatsApp may send that are not recorded (e.g. 'deleted') need no database either.
    const ignored = structuredClone(INBOUND) as { entry: { changes: { value: Record<string, unknown> }[] }[] };
    const value = ignored.entry[0]?.changes[0]?.value ?? {};
    value.statuses = [{ id: 'wamid.x', status: 'deleted', timestamp: '1764000000', recipient_id: '250788000001' }];
    const answer = await deliver(JSON.stringify(ignored));
    assert.equal(answer.status, 200);
    assert.deepEqual(await answer.json(), { statuses: 0, recorded: 0, messages: 1 });

    // An uppercase signature is the same signature.
    const body = JSON.stringify(INBOUND);
    const upper = `sha256=${(await signHubBody(bytes(body), APP_SECRET)).slice(7).toUpperCase()}`;
    assert.equal((await deliver(body, upper)).status, 200);
  },
);

Deno.test('control: a status to record does reach the (unreachable) database, and fails as a bare 500', async () => {
  const withStatus = structuredClone(INBOUND) as { entry: { changes: { value: Record<string, unknown> }[] }[] };
  const value = withStatus.entry[0]?.changes[0]?.value ?? {};
  value.statuses = [{ id: 'wamid.x', status: 'delivered', timestamp: '1764000000', recipient_id: '250788000001' }];
  let response: Response | undefined;
  const logged = await quietly(async () => {
    response = await deliver(JSON.stringify(withStatus));
  });
  assert.ok(response);
  const error = await errorOf(response);
  assert.equal(error.status, 500, 'so the 200 above really did not use the database');
  assert.equal(error.code, 'internal');
  assert.equal(logged.length, 1);
});

Deno.test('POST: a body over 1,000,000 bytes is a 413 payload_too_large, before its signature is checked', async () => {
  const body = JSON.stringify({ ...INBOUND, padding: 'x'.repeat(1_000_000) });
  const error = await errorOf(await deliver(body, 'sha256=0'));
  assert.equal(error.status, 413);
  assert.equal(error.code, 'payload_too_large');
});

// ── _shared/hub-signature.ts ──────────────────────────────────────────────────

Deno.test('signHubBody matches an independently computed HMAC-SHA256 of the raw bytes', async () => {
  for (const body of ['', '{"object":"whatsapp_business_account"}', 'é ü 漢字 🙂', 'x'.repeat(100_000)]) {
    const expected = `sha256=${createHmac('sha256', APP_SECRET).update(body, 'utf8').digest('hex')}`;
    assert.equal(await signHubBody(bytes(body), APP_SECRET), expected);
  }
  const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.equal(await signHubBody(binary, 'k'), `sha256=${createHmac('sha256', 'k').update(binary).digest('hex')}`);
  assert.match(await signHubBody(bytes('x'), 'k'), /^sha256=[0-9a-f]{64}$/);
});

Deno.test(
  'verifyHubSignature accepts its signature (uppercase hex, surrounding space) and rejects any change',
  async () => {
    const body = bytes(JSON.stringify(INBOUND));
    const signature = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
    assert.equal(await verifyHubSignature(body, signature, APP_SECRET), true);
    assert.equal(await verifyHubSignature(body, `sha256=${signature.slice(7).toUpperCase()}`, APP_SECRET), true);
    assert.equal(await verifyHubSignature(body, ` ${signature}\t`, APP_SECRET), true);

    for (let i = 0; i < body.length; i += Math.ceil(body.length / 40)) {
      const changed = body.slice();
      changed[i] = (changed[i] ?? 0) ^ 0x01;
      assert.equal(await verifyHubSignature(changed, signature, APP_SECRET), false, `byte ${i} changed`);
    }
    assert.equal(await verifyHubSignature(body.slice(0, -1), signature, APP_SECRET), false, 'one byte dropped');
    assert.equal(await verifyHubSignature(new Uint8Array([...body, 0x20]), signature, APP_SECRET), false);
    assert.equal(await verifyHubSignature(body, signature, `${APP_SECRET}x`), false, 'another secret');
    for (const header of [undefined, '', 'sha256=', signature.slice(7), `sha256=${'0'.repeat(64)}`, `${signature}0`]) {
      assert.equal(await verifyHubSignature(body, header, APP_SECRET), false, JSON.stringify(header));
    }
  },
);
