/**
 * The whatsapp-webhook function up to the database boundary: Meta's subscription
 * handshake, the X-Hub-Signature-256 check on the raw body (before it is parsed), the
 * payload contract (statuses, replies, user_preferences), and a payload with nothing to
 * record answered without the database (whose URL points at a closed port: a query would
 * be a 500). Also the signature helpers and the keyword reading.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { keywordOf, replyTexts, ZWebhookInboundMessage } from '../../../packages/contracts/src/whatsapp/webhook.ts';
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

type Value = Record<string, unknown>;

/** A payload with one change holding `value` (Meta's envelope around it). */
const payloadWith = (value: Value, field = 'messages') => ({
  object: 'whatsapp_business_account',
  entry: [{ id: '100000000000001', changes: [{ field, value: { messaging_product: 'whatsapp', ...value } }] }],
});

const message = (fields: Value) => ({
  from: '250788000001',
  id: 'wamid.HBgMMjUwNzg4MDAwMDAxFQIAEhgh',
  timestamp: '1764000000',
  ...fields,
});

const preference = (fields: Value = {}) => ({
  wa_id: '250788000001',
  detail: 'User requested to stop marketing messages',
  category: 'marketing_messages',
  value: 'stop',
  timestamp: 1764000000,
  ...fields,
});

const status = (fields: Value = {}) => ({
  id: 'wamid.x',
  status: 'delivered',
  timestamp: '1764000000',
  recipient_id: '250788000001',
  ...fields,
});

/** Each of these asks for the database: a status, a reply that may be a keyword, a marketing preference. */
const NEEDS_DATABASE: [string, object][] = [
  ['a status', payloadWith({ statuses: [status()] })],
  ['a status carrying a target id', payloadWith({ statuses: [status({ biz_opaque_callback_data: 'target' })] })],
  ['a text reply', INBOUND],
  [
    'a one-word text reply that is no keyword',
    payloadWith({ messages: [message({ type: 'text', text: { body: 'hello' } })] }),
  ],
  [
    'a quick-reply button',
    payloadWith({ messages: [message({ type: 'button', button: { text: 'Stop', payload: 'x' } })] }),
  ],
  [
    'an interactive reply button',
    payloadWith({
      messages: [
        message({
          type: 'interactive',
          interactive: { type: 'button_reply', button_reply: { id: 'b1', title: 'STOP' } },
        }),
      ],
    }),
  ],
  ['a marketing stop', payloadWith({ user_preferences: [preference()] }, 'user_preferences')],
  ['a marketing resume', payloadWith({ user_preferences: [preference({ value: 'resume' })] }, 'user_preferences')],
];

const ZERO_ACK = { statuses: 0, recorded: 0, messages: 0, opt_outs: 0, opt_ins: 0 };

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

Deno.test(
  'POST: an unsigned or forged body that would change the database is refused before the database',
  async () => {
    for (const [what, payload] of NEEDS_DATABASE) {
      const body = JSON.stringify(payload);
      let statuses: number[] = [];
      const logged = await quietly(async () => {
        statuses = [
          (await deliver(body, null)).status,
          (await deliver(body, await signHubBody(bytes(body), 'forged-secret'))).status,
          (await deliver(body, await signHubBody(bytes(`${body} `), APP_SECRET))).status,
        ];
      });
      // A query would have failed as a 500 (and been logged): a 401 means none was made.
      assert.deepEqual(statuses, [401, 401, 401], what);
      assert.deepEqual(logged, [], what);
    }
  },
);

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
  const statusOf = (fields: Value) => payloadWith({ statuses: [fields] });
  const messageOf = (fields: Value) => payloadWith({ messages: [fields] });
  const preferenceOf = (fields: Value) => payloadWith({ user_preferences: [fields] }, 'user_preferences');
  for (const [what, payload] of [
    ['an empty object', {}],
    ['another object', { ...INBOUND, object: 'page' }],
    ['entry not an array', { ...INBOUND, entry: {} }],
    ['a change without value', { ...INBOUND, entry: [{ id: '1', changes: [{ field: 'messages' }] }] }],
    ['a status without id', statusOf({ status: 'sent', timestamp: '1764000000' })],
    ['a status with a non-numeric timestamp', statusOf(status({ timestamp: 'yesterday' }))],
    ['a status with a numeric callback', statusOf(status({ biz_opaque_callback_data: 42 }))],
    ['a status with an error without code', statusOf(status({ status: 'failed', errors: [{ title: 'x' }] }))],
    ['a message without from', messageOf({ id: 'x', timestamp: '1', type: 'text', text: { body: 'STOP' } })],
    ['a message from a number with +', messageOf(message({ from: '+250788000001', type: 'text' }))],
    ['a message from a number too short', messageOf(message({ from: '2507', type: 'text' }))],
    ['a message from a number starting with 0', messageOf(message({ from: '0788000001', type: 'text' }))],
    ['a message with a non-numeric timestamp', messageOf(message({ timestamp: 'now', type: 'text' }))],
    ['a text whose body is not a string', messageOf(message({ type: 'text', text: { body: 5 } }))],
    ['a button whose payload is not a string', messageOf(message({ type: 'button', button: { payload: 1 } }))],
    [
      'a reply button without a title',
      messageOf(message({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'b' } } })),
    ],
    ['a preference without wa_id', preferenceOf({ ...preference(), wa_id: undefined })],
    ['a preference from a number with +', preferenceOf(preference({ wa_id: '+250788000001' }))],
    ['a preference without value', preferenceOf({ ...preference(), value: undefined })],
    ['a preference with a negative timestamp', preferenceOf(preference({ timestamp: -1 }))],
    ['a preference with a fractional timestamp', preferenceOf(preference({ timestamp: 1764000000.5 }))],
    ['a preference with a text timestamp', preferenceOf(preference({ timestamp: 'soon' }))],
    ['preferences not an array', payloadWith({ user_preferences: preference() }, 'user_preferences')],
    [
      'a good STOP beside one malformed preference',
      payloadWith({ messages: INBOUND.entry[0]?.changes[0]?.value.messages, user_preferences: [{ value: 'stop' }] }),
    ],
    ['an array', [INBOUND]],
    ['a number', 42],
    ['null', null],
  ] as const) {
    // Refused whole before the database: an unreachable database would have made it a 500.
    const error = await errorOf(await deliver(JSON.stringify(payload)));
    assert.equal(error.status, 400, what);
    assert.equal(error.code, 'invalid_request', what);
    assert.ok(Array.isArray(error.details) && error.details.length > 0, `${what}: zod issues`);
  }
});

Deno.test('POST: a signed payload with nothing to record or match is counted without the database', async () => {
  const cases: [string, object, Partial<typeof ZERO_ACK>][] = [
    [
      'an image',
      payloadWith({ messages: [message({ type: 'image', image: { id: '1', mime_type: 'image/jpeg' } })] }),
      { messages: 1 },
    ],
    [
      'a reaction',
      payloadWith({ messages: [message({ type: 'reaction', reaction: { emoji: '👍', message_id: 'x' } })] }),
      { messages: 1 },
    ],
    ['a text message without its text', payloadWith({ messages: [message({ type: 'text' })] }), { messages: 1 }],
    // Chat that cannot be a keyword (one word of 2 to 20 letters or digits, once trimmed).
    [
      'chat',
      payloadWith({
        messages: ['Hello, how are you?', 'STOP ALL', '🚕⛽', 'x', 'a'.repeat(21)].map((body) =>
          message({ type: 'text', text: { body } }),
        ),
      }),
      { messages: 5 },
    ],
    [
      'a button that is no keyword',
      payloadWith({ messages: [message({ type: 'button', button: { text: 'Not now!' } })] }),
      { messages: 1 },
    ],
    [
      'a list reply (not a button)',
      payloadWith({
        messages: [
          message({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r', title: 'STOP' } } }),
        ],
      }),
      { messages: 1 },
    ],
    // Statuses WhatsApp may send that are not recorded (e.g. 'deleted').
    ['a deleted status', payloadWith({ statuses: [status({ status: 'deleted' })] }), {}],
    [
      'another preference category',
      payloadWith({ user_preferences: [preference({ category: 'other' })] }, 'user_preferences'),
      {},
    ],
    [
      'another preference value',
      payloadWith({ user_preferences: [preference({ value: 'interested' })] }, 'user_preferences'),
      {},
    ],
    ['nothing at all', payloadWith({}), {}],
  ];
  for (const [what, payload, counts] of cases) {
    const response = await deliver(JSON.stringify(payload));
    assert.equal(response.status, 200, what);
    assert.deepEqual(await response.json(), { ...ZERO_ACK, ...counts }, what);
  }

  // An uppercase signature is the same signature.
  const body = JSON.stringify(cases[0]?.[1]);
  const upper = `sha256=${(await signHubBody(bytes(body), APP_SECRET)).slice(7).toUpperCase()}`;
  assert.equal((await deliver(body, upper)).status, 200);
});

Deno.test('control: statuses, replies and marketing preferences do reach the (unreachable) database', async () => {
  for (const [what, payload] of NEEDS_DATABASE) {
    let response: Response | undefined;
    const logged = await quietly(async () => {
      response = await deliver(JSON.stringify(payload));
    });
    assert.ok(response);
    const error = await errorOf(response);
    assert.equal(error.status, 500, `${what}: so the 200s above really did not use the database`);
    assert.equal(error.code, 'internal', what);
    assert.equal(logged.length, 1, what);
  }
});

// ── reading replies as keywords ───────────────────────────────────────────────

Deno.test('keywordOf: trims, upper-cases and drops surrounding punctuation and emoji, nothing inside', () => {
  const cases: [string, string][] = [
    ['stop', 'STOP'],
    [' Stop! ', 'STOP'],
    ['\tSTOP.\n', 'STOP'],
    ['¡¡stop!!', 'STOP'],
    ['"Stop"', 'STOP'],
    ['🛑 STOP 🛑', 'STOP'],
    ['stop 👍🏽', 'STOP'],
    ['Hagarika.', 'HAGARIKA'],
    ['arrêt', 'ARRÊT'],
    ['STOP ALL', 'STOP ALL'],
    ['S.T.O.P', 'S.T.O.P'],
    ['stop2', 'STOP2'],
    ['!!!', ''],
    ['', ''],
    ['🚕⛽', ''],
  ];
  for (const [text, keyword] of cases) assert.equal(keywordOf(text), keyword, JSON.stringify(text));
});

Deno.test('replyTexts: a text body, a button text and payload, a reply button title; nothing else', () => {
  const of = (fields: Value) => replyTexts(ZWebhookInboundMessage.parse(message(fields)));
  assert.deepEqual(of({ type: 'text', text: { body: ' Stop! ' } }), [' Stop! ']);
  assert.deepEqual(of({ type: 'text' }), []);
  assert.deepEqual(of({ type: 'button', button: { text: 'Stop promotions', payload: 'STOP' } }), [
    'Stop promotions',
    'STOP',
  ]);
  assert.deepEqual(of({ type: 'button', button: { payload: 'STOP' } }), ['STOP']);
  assert.deepEqual(
    of({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'STOP', title: 'Stop' } } }),
    ['Stop'],
  );
  assert.deepEqual(
    of({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r', title: 'STOP' } } }),
    [],
  );
  // A text field on another type is not the message's text.
  assert.deepEqual(of({ type: 'image', text: { body: 'STOP' } }), []);
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
