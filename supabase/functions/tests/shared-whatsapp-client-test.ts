/**
 * The one WhatsApp Cloud API client (_shared/whatsapp.ts) against the real WhatsApp
 * sandbox (packages/wa-sandbox), served here with Deno.serve: what it sends, how every
 * failure the sandbox can produce is classified, how network and non-Graph failures are,
 * and that the sandbox's signed webhooks verify with _shared/hub-signature.ts and are
 * accepted by the whatsapp-webhook function.
 */
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { ZWebhookPayload, type ZWebhookStatus } from '../../../packages/contracts/src/whatsapp/webhook.ts';
import {
  createSandbox,
  type Sandbox,
  type SandboxMessage,
  type SandboxOptions,
} from '../../../packages/wa-sandbox/src/index.ts';
import { verifyHubSignature } from '../_shared/hub-signature.ts';
import { classifyError, WhatsAppClient, type SendResult, type WhatsAppConfig } from '../_shared/whatsapp.ts';
import { app as webhookApp } from '../whatsapp-webhook/app.ts';
import { UNREACHABLE_DB } from './helpers.ts';

const TOKEN = 'sandbox-access-token';
const PHONE_NUMBER_ID = '106540352242922';
const APP_SECRET = 'sandbox-app-secret';
const VERSION = 'v21.0';
const DRIVER = '+250788000001';

/** A 1×1 PNG, the card image WhatsApp downloads from the header link. */
const PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

interface Harness {
  sandbox: Sandbox;
  url: string;
  client: WhatsAppClient;
  clientWith(config: Partial<WhatsAppConfig>): WhatsAppClient;
  /** The sandbox's control and read-back API, over HTTP. */
  control(path: string, body?: unknown): Promise<Response>;
  messages(to?: string): Promise<SandboxMessage[]>;
}

/** The sandbox on a free port (it also serves the card image at /card.png); settled and stopped after `work`. */
async function withSandbox(options: Partial<SandboxOptions>, work: (h: Harness) => Promise<void>): Promise<void> {
  const sandbox = createSandbox({
    accessToken: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    appSecret: APP_SECRET,
    statusDelayMs: 5,
    webhookRetryDelaysMs: [],
    ...options,
  });
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => undefined }, (req) =>
    new URL(req.url).pathname === '/card.png'
      ? new Response(PNG, { headers: { 'content-type': 'image/png' } })
      : sandbox.app.fetch(req),
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  const clientWith = (config: Partial<WhatsAppConfig>) =>
    new WhatsAppClient({ apiUrl: url, version: VERSION, token: TOKEN, phoneNumberId: PHONE_NUMBER_ID, ...config });
  const control = (path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const messages = async (to?: string) => {
    const response = await control(`/_sandbox/messages${to ? `?to=${encodeURIComponent(to)}` : ''}`);
    return ((await response.json()) as { messages: SandboxMessage[] }).messages;
  };
  try {
    await work({ sandbox, url, client: clientWith({}), clientWith, control, messages });
  } finally {
    await sandbox.idle();
    await server.shutdown();
  }
}

function accepted(result: SendResult): { messageId: string; waId: string } {
  assert.ok(result.ok, `expected an accepted send, got ${JSON.stringify(result)}`);
  assert.match(result.messageId, /^wamid\.\S+$/);
  assert.match(result.waId, /^\d+$/);
  return result;
}

function failed(result: SendResult) {
  assert.ok(!result.ok, `expected a failed send, got ${JSON.stringify(result)}`);
  return result.error;
}

/** A port nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

// ── sending ───────────────────────────────────────────────────────────────────

Deno.test('sendTemplate: an image header and named body parameters, accepted and stored exactly once', async () => {
  await withSandbox(
    { templates: { voucher_issued: 'Hello {{name}}, voucher {{code}} for {{amount}} is valid until {{expiry}}.' } },
    async ({ sandbox, url, client, control, messages }) => {
      const link = `${url}/card.png`;
      const result = accepted(
        await client.sendTemplate(DRIVER, {
          name: 'voucher_issued',
          language: 'en',
          headerImageLink: link,
          body: { name: 'Aline', code: 'K7M2Q', amount: '5,000 RWF', expiry: '24 Nov 2026' },
        }),
      );
      assert.equal(result.waId, '250788000001');

      const stored = await messages();
      assert.equal(stored.length, 1);
      const [message] = stored;
      assert.equal(message?.id, result.messageId);
      assert.equal(message?.to, DRIVER);
      assert.equal(message?.wa_id, '250788000001');
      assert.equal(message?.type, 'template');
      assert.equal(message?.template?.name, 'voucher_issued');
      assert.equal(message?.template?.language, 'en');
      assert.deepEqual(message?.template?.components, [
        { type: 'header', parameters: [{ type: 'image', image: { link } }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'name', text: 'Aline' },
            { type: 'text', parameter_name: 'code', text: 'K7M2Q' },
            { type: 'text', parameter_name: 'amount', text: '5,000 RWF' },
            { type: 'text', parameter_name: 'expiry', text: '24 Nov 2026' },
          ],
        },
      ]);
      assert.equal(
        message?.template?.rendered_body,
        'Hello Aline, voucher K7M2Q for 5,000 RWF is valid until 24 Nov 2026.',
      );
      assert.deepEqual(
        sandbox.state.messages.map((m) => m.id),
        [result.messageId],
        'the state agrees',
      );
      assert.deepEqual(
        sandbox.state.requests.map((r) => [r.http_status, r.type, r.message_id]),
        [[200, 'template', result.messageId]],
      );

      // WhatsApp then downloads the card and the message is delivered.
      await sandbox.idle();
      const [after] = await messages(DRIVER);
      assert.equal(after?.status, 'delivered');
      assert.deepEqual(
        after?.history.map((h) => h.status),
        ['accepted', 'sent', 'delivered'],
      );
      const mediaId = after?.template?.header_image?.media_id;
      assert.ok(mediaId, 'the header image was downloaded');
      const media = await control(`/_sandbox/media/${mediaId}`);
      assert.equal(media.headers.get('content-type'), 'image/png');
      assert.deepEqual(new Uint8Array(await media.arrayBuffer()), PNG);
    },
  );
});

Deno.test('sendTemplate without parameters sends no components', async () => {
  await withSandbox({}, async ({ client, messages }) => {
    accepted(await client.sendTemplate(DRIVER, { name: 'hello_world', language: 'en_US', body: {} }));
    const [message] = await messages();
    assert.deepEqual(message?.template?.components, []);
  });
});

Deno.test('sendImage and sendText are accepted and stored as sent', async () => {
  await withSandbox({}, async ({ url, client, messages }) => {
    const image = accepted(await client.sendImage('250788000002', `${url}/card.png`, 'Your voucher'));
    const bare = accepted(await client.sendImage('250788000002', `${url}/card.png`));
    const text = accepted(await client.sendText(DRIVER, 'Reply STOP to stop these messages.'));
    assert.equal(image.waId, '250788000002');
    assert.equal(text.waId, '250788000001');

    const images = await messages('250788000002');
    assert.deepEqual(
      images.map((m) => [m.id, m.type, m.image?.link, m.image?.caption]),
      [
        [image.messageId, 'image', `${url}/card.png`, 'Your voucher'],
        [bare.messageId, 'image', `${url}/card.png`, undefined],
      ],
    );
    const [sent] = await messages(DRIVER);
    assert.equal(sent?.id, text.messageId);
    assert.equal(sent?.type, 'text');
    assert.deepEqual(sent?.text, { body: 'Reply STOP to stop these messages.', preview_url: false });
    assert.equal((await messages()).length, 3);
  });
});

Deno.test('an API URL with a trailing slash works the same', async () => {
  await withSandbox({}, async ({ url, clientWith }) => {
    accepted(await clientWith({ apiUrl: `${url}/` }).sendText(DRIVER, 'hi'));
  });
});

// ── failures the sandbox produces ─────────────────────────────────────────────

Deno.test(
  'a wrong token fails with Graph code 190 as unavailable (the card stays queued for 15 min), nothing sent',
  async () => {
    await withSandbox({}, async ({ clientWith, messages }) => {
      const error = failed(await clientWith({ token: 'expired-token' }).sendText(DRIVER, 'hi'));
      assert.deepEqual(
        { kind: error.kind, code: error.code, httpStatus: error.httpStatus, retry: error.retryAfterSeconds },
        { kind: 'unavailable', code: 190, httpStatus: 401, retry: 900 },
      );
      assert.match(error.message, /Invalid OAuth access token/);
      assert.deepEqual(await messages(), []);
    });
  },
);

Deno.test('another phone number id or API version is rejected (code 100)', async () => {
  await withSandbox({}, async ({ clientWith }) => {
    for (const config of [{ phoneNumberId: '999' }, { version: 'latest' }]) {
      const error = failed(await clientWith(config).sendText(DRIVER, 'hi'));
      assert.equal(error.kind, 'rejected', JSON.stringify(config));
      assert.equal(error.code, 100);
      assert.equal(error.retryAfterSeconds, null);
    }
  });
});

Deno.test('a request WhatsApp finds invalid is rejected (code 100) with its details', async () => {
  await withSandbox({}, async ({ client }) => {
    const error = failed(await client.sendText(DRIVER, 'x'.repeat(4097)));
    assert.equal(error.kind, 'rejected');
    assert.equal(error.code, 100);
    assert.equal(error.httpStatus, 400);
    assert.match(error.message, /^\(#100\) Invalid parameter: Param text\['body'\] must be at most 4096 characters/);
    const badNumber = failed(await client.sendText('+250 788 000 001', 'hi'));
    assert.equal(badNumber.code, 100);
  });
});

Deno.test('each failure knob is classified as whatsapp.ts documents', async () => {
  const expected = [
    [131026, 'undeliverable', 6 * 3600],
    [131056, 'throttled', 300],
    [130429, 'throttled', 60],
    [131049, 'undeliverable', 24 * 3600],
    [131047, 'rejected', null],
  ] as const;
  await withSandbox({}, async ({ client, control, messages }) => {
    for (const [code, kind, retryAfterSeconds] of expected) {
      for (const send of [
        () => client.sendText(DRIVER, 'hi'),
        () => client.sendTemplate(DRIVER, { name: 'voucher_issued', language: 'en', body: { code: 'K7M2Q' } }),
      ]) {
        const knob = await control('/_sandbox/failures', { to: DRIVER, code, times: 1 });
        assert.equal(knob.status, 200);
        await knob.body?.cancel();
        const error = failed(await send());
        assert.deepEqual(
          { kind: error.kind, code: error.code, httpStatus: error.httpStatus, retry: error.retryAfterSeconds },
          { kind, code, httpStatus: 400, retry: retryAfterSeconds },
          `code ${code}`,
        );
        assert.match(error.message, new RegExp(`^\\(#${code}\\) .+: .+`), 'the title and the details');
      }
      // Used up: the next send goes through.
      accepted(await client.sendText(DRIVER, 'after'));
    }
    assert.equal((await messages()).length, expected.length, 'only the sends after each knob were accepted');
  });
});

Deno.test("the sandbox's per-minute cap is throttled 130429 (HTTP 400), and refused sends do not count", async () => {
  await withSandbox({}, async ({ client, control }) => {
    await (await control('/_sandbox/rate-limit', { per_minute: 2 })).body?.cancel();
    accepted(await client.sendText(DRIVER, 'one'));
    accepted(await client.sendText('+250788000002', 'two'));
    for (let i = 0; i < 3; i += 1) {
      const error = failed(await client.sendText('+250788000003', 'three'));
      assert.deepEqual(
        { kind: error.kind, code: error.code, httpStatus: error.httpStatus, retry: error.retryAfterSeconds },
        { kind: 'throttled', code: 130429, httpStatus: 400, retry: 60 },
      );
      assert.match(error.message, /Rate limit hit/);
    }
    await (await control('/_sandbox/rate-limit', { per_minute: 3 })).body?.cancel();
    accepted(await client.sendText('+250788000003', 'three'));
  });
});

// ── failures outside Graph ────────────────────────────────────────────────────

Deno.test('a network failure is unavailable, code 0, retried in a minute', async () => {
  const client = new WhatsAppClient({
    apiUrl: `http://127.0.0.1:${closedPort()}`,
    version: VERSION,
    token: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
  });
  const error = failed(await client.sendText(DRIVER, 'hi'));
  assert.deepEqual(
    { kind: error.kind, code: error.code, httpStatus: error.httpStatus, retry: error.retryAfterSeconds },
    { kind: 'unavailable', code: 0, httpStatus: 0, retry: 60 },
  );
  assert.match(error.message, /^WhatsApp could not be reached: /);
});

Deno.test('a non-Graph answer (502 HTML from a proxy) is unavailable; the request was Graph-shaped', async () => {
  const seen: { path: string; auth: string | null; type: string | null; body: Record<string, unknown> }[] = [];
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => undefined }, async (req) => {
    seen.push({
      path: new URL(req.url).pathname,
      auth: req.headers.get('authorization'),
      type: req.headers.get('content-type'),
      body: (await req.json()) as Record<string, unknown>,
    });
    return new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', {
      status: 502,
      headers: { 'content-type': 'text/html' },
    });
  });
  try {
    const client = new WhatsAppClient({
      apiUrl: `http://127.0.0.1:${server.addr.port}`,
      version: VERSION,
      token: TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
    });
    const error = failed(await client.sendText(DRIVER, 'hi'));
    assert.deepEqual(
      { kind: error.kind, code: error.code, httpStatus: error.httpStatus, retry: error.retryAfterSeconds },
      { kind: 'unavailable', code: 0, httpStatus: 502, retry: 60 },
    );
    assert.match(error.message, /answered 502 without a Graph error: <html>/);
    assert.deepEqual(seen, [
      {
        path: `/${VERSION}/${PHONE_NUMBER_ID}/messages`,
        auth: `Bearer ${TOKEN}`,
        type: 'application/json',
        body: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: DRIVER,
          type: 'text',
          text: { body: 'hi', preview_url: false },
        },
      },
    ]);
  } finally {
    await server.shutdown();
  }
});

Deno.test('classifyError: unknown codes fall back on the HTTP status', () => {
  assert.equal(classifyError(999999, 503, 'x').kind, 'unavailable');
  assert.equal(classifyError(0, 500, 'x').retryAfterSeconds, 60);
  assert.deepEqual(classifyError(999999, 429, 'x'), {
    kind: 'throttled',
    code: 999999,
    message: 'x',
    httpStatus: 429,
    retryAfterSeconds: 60,
  });
  assert.equal(classifyError(999999, 400, 'x').kind, 'rejected');
  assert.equal(classifyError(999999, 400, 'x').retryAfterSeconds, null);
  // A known code wins over the status.
  assert.equal(classifyError(131026, 500, 'x').kind, 'undeliverable');
  assert.equal(classifyError(131000, 400, 'x').kind, 'unavailable');
});

// ── webhooks from the sandbox ─────────────────────────────────────────────────

interface Received {
  raw: Uint8Array<ArrayBuffer>;
  signature: string | null;
}

async function withReceiver(
  answer: (req: Request) => Promise<Response> | Response,
  work: (url: string, received: Received[]) => Promise<void>,
): Promise<void> {
  const received: Received[] = [];
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => undefined }, async (req) => {
    const raw = new Uint8Array(await req.arrayBuffer());
    received.push({ raw, signature: req.headers.get('x-hub-signature-256') });
    return answer(new Request(req.url, { method: req.method, headers: req.headers, body: raw }));
  });
  try {
    await work(`http://127.0.0.1:${server.addr.port}`, received);
  } finally {
    await server.shutdown();
  }
}

Deno.test("the sandbox's status webhooks verify with verifyHubSignature and the app secret", async () => {
  await withReceiver(
    () => new Response('ok'),
    async (receiverUrl, received) => {
      await withSandbox({ webhookUrl: `${receiverUrl}/hook` }, async ({ sandbox, client, control }) => {
        const { messageId } = accepted(await client.sendText(DRIVER, 'hi'));
        await (await control('/_sandbox/failures', { to: '+250788000002', code: 131026, async: true })).body?.cancel();
        const doomed = accepted(await client.sendText('+250788000002', 'hi'));
        await sandbox.idle();

        assert.equal(received.length, 3, 'sent and delivered for one, failed for the other');
        const statuses: z.infer<typeof ZWebhookStatus>[] = [];
        for (const { raw, signature } of received) {
          assert.ok(signature, 'every webhook is signed');
          assert.equal(await verifyHubSignature(raw, signature, APP_SECRET), true);
          assert.equal(await verifyHubSignature(raw, signature, 'another-secret'), false);
          const tampered = raw.slice();
          tampered[tampered.length - 2] = 0x20;
          assert.equal(await verifyHubSignature(tampered, signature, APP_SECRET), false);
          const payload = ZWebhookPayload.parse(JSON.parse(new TextDecoder().decode(raw)));
          statuses.push(...payload.entry.flatMap((e) => e.changes.flatMap((c) => c.value.statuses ?? [])));
        }
        const byMessage = (id: string) => statuses.filter((s) => s.id === id).map((s) => s.status);
        assert.deepEqual(byMessage(messageId), ['sent', 'delivered']);
        assert.deepEqual(byMessage(doomed.messageId), ['failed']);
        assert.equal(statuses.find((s) => s.status === 'failed')?.errors?.[0]?.code, 131026);
        assert.ok(sandbox.state.webhooks.every((w) => w.ok && w.status === 200));
      });
    },
  );
});

Deno.test('an inbound reply signed by the sandbox is accepted by the whatsapp-webhook function', async () => {
  Deno.env.set('WHATSAPP_APP_SECRET', APP_SECRET);
  Deno.env.set('SUPABASE_DB_URL', UNREACHABLE_DB);
  const answers: unknown[] = [];
  await withReceiver(
    async (req) => {
      const response = await webhookApp.fetch(req);
      answers.push({ status: response.status, body: await response.clone().json() });
      return response;
    },
    async (receiverUrl) => {
      await withSandbox({ webhookUrl: `${receiverUrl}/whatsapp-webhook` }, async ({ control }) => {
        // Chat that cannot be an opt-out keyword: answered without the (unreachable) database.
        const response = await control('/_sandbox/inbound', { from: DRIVER, text: 'Thank you!', name: 'Aline' });
        const { delivery } = (await response.json()) as { delivery: { delivered: boolean } };
        assert.equal(delivery.delivered, true);
        assert.deepEqual(answers, [
          { status: 200, body: { statuses: 0, recorded: 0, messages: 1, opt_outs: 0, opt_ins: 0 } },
        ]);

        // The same sandbox under another app secret is refused.
        Deno.env.set('WHATSAPP_APP_SECRET', 'rotated-secret');
        const refused = await control('/_sandbox/inbound', { from: DRIVER, text: 'STOP again' });
        assert.equal(((await refused.json()) as { delivery: { delivered: boolean } }).delivery.delivered, false);
        assert.equal((answers[1] as { status: number }).status, 401);
      });
    },
  );
});
