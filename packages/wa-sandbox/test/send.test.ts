/**
 * The send endpoint without a network: path and token checks, request validation as the
 * Cloud API does it, the success shape, and the read-back API.
 */
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../src/index.ts';
import { PHONE_NUMBER_ID, TOKEN, APP_SECRET, control, send, text } from './helpers.ts';

const sandbox = (extra: Partial<Parameters<typeof createSandbox>[0]> = {}) =>
  createSandbox({
    accessToken: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    appSecret: APP_SECRET,
    statusDelayMs: 5,
    ...extra,
  });

interface GraphError {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: string; details: string };
    fbtrace_id: string;
  };
}

describe('path and token', () => {
  it('answers 401 with Graph error 190 for a missing or wrong bearer token, and records nothing', async () => {
    const { app, state } = sandbox();
    for (const token of [null, 'wrong-token', '']) {
      const response = await send(app, text('+250788000001'), { token });
      expect(response.status).toBe(401);
      const body = (await response.json()) as GraphError;
      expect(body.error).toMatchObject({
        message: 'Invalid OAuth access token - Cannot parse access token',
        type: 'OAuthException',
        code: 190,
      });
      expect(body.error.fbtrace_id).toMatch(/^\S{6,}$/);
    }
    expect(state.messages).toHaveLength(0);
    expect(state.requests.map((r) => [r.http_status, r.error_code])).toEqual([
      [401, 190],
      [401, 190],
      [401, 190],
    ]);
  });

  it('also takes the token as the access_token query parameter, as Graph does', async () => {
    const { app } = sandbox();
    const response = await app.request(`/v21.0/${PHONE_NUMBER_ID}/messages?access_token=${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(text('+250788000001')),
    });
    expect(response.status).toBe(200);
  });

  it('rejects a version that is not vN.N with code 100 "Unknown path components"', async () => {
    const { app, state } = sandbox();
    for (const version of ['v21', 'latest', '21.0', 'v21.0.1']) {
      const response = await send(app, text('+250788000001'), { path: `/${version}/${PHONE_NUMBER_ID}/messages` });
      expect(response.status).toBe(400);
      const body = (await response.json()) as GraphError;
      expect(body.error.code).toBe(100);
      expect(body.error.message).toContain('Unknown path components');
    }
    expect(state.messages).toHaveLength(0);
  });

  it('rejects another phone number id with GraphMethodException 100/33', async () => {
    const { app } = sandbox();
    const response = await send(app, text('+250788000001'), { path: '/v21.0/999/messages' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as GraphError;
    expect(body.error).toMatchObject({
      message:
        "Unsupported post request. Object with ID '999' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
    });
  });
});

describe('request validation', () => {
  const template = (t: Record<string, unknown>) => ({
    messaging_product: 'whatsapp',
    to: '250788000001',
    type: 'template',
    template: { name: 'voucher_ready', language: { code: 'en' }, ...t },
  });
  const cases: [string, unknown, string][] = [
    ['missing messaging_product', { to: '250788000001', type: 'text', text: { body: 'x' } }, 'messaging_product'],
    [
      'messaging_product other than whatsapp',
      { ...text('250788000001'), messaging_product: 'sms' },
      'messaging_product',
    ],
    ['recipient_type group', { ...text('250788000001'), recipient_type: 'group' }, 'recipient_type'],
    ['missing to', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 'to'],
    ['to with letters', text('+2507880abc01'), 'to'],
    ['to with 7 digits', text('+1234567'), 'to'],
    ['to with 16 digits', text('+1234567890123456'), 'to'],
    ['to with spaces', text('+250 788 000 001'), 'to'],
    ['unsupported type', { ...text('250788000001'), type: 'video' }, 'type'],
    ['text without text', { messaging_product: 'whatsapp', to: '250788000001', type: 'text' }, 'text'],
    ['empty text body', text('250788000001', ''), "text['body']"],
    ['text body over 4096', text('250788000001', 'x'.repeat(4097)), "text['body']"],
    [
      'preview_url not boolean',
      { ...text('250788000001'), text: { body: 'x', preview_url: 'yes' } },
      "text['preview_url']",
    ],
    [
      'image without link or id',
      { messaging_product: 'whatsapp', to: '250788000001', type: 'image', image: {} },
      'image',
    ],
    [
      'image with both link and id',
      {
        messaging_product: 'whatsapp',
        to: '250788000001',
        type: 'image',
        image: { link: 'https://x.test/a.png', id: '1' },
      },
      'image',
    ],
    [
      'image link not http(s)',
      { messaging_product: 'whatsapp', to: '250788000001', type: 'image', image: { link: 'ftp://x.test/a.png' } },
      "image['link']",
    ],
    [
      'image caption over 1024',
      {
        messaging_product: 'whatsapp',
        to: '250788000001',
        type: 'image',
        image: { link: 'https://x.test/a.png', caption: 'c'.repeat(1025) },
      },
      "image['caption']",
    ],
    ['template without name', template({ name: undefined }), "template['name']"],
    ['template without language code', template({ language: {} }), "template['language']['code']"],
    ['component of unknown type', template({ components: [{ type: 'footer', parameters: [] }] }), 'components'],
    [
      'parameter of unknown type',
      template({ components: [{ type: 'body', parameters: [{ type: 'bogus' }] }] }),
      "template['components'][0]['parameters'][0]",
    ],
    [
      'text parameter without text',
      template({ components: [{ type: 'body', parameters: [{ type: 'text' }] }] }),
      "template['components'][0]['parameters'][0]['text']",
    ],
    [
      'button without sub_type and index',
      template({ components: [{ type: 'button', parameters: [{ type: 'text', text: 'ABC' }] }] }),
      "template['components'][0]['sub_type']",
    ],
    [
      'header image without link or id',
      template({ components: [{ type: 'header', parameters: [{ type: 'image', image: {} }] }] }),
      "template['components'][0]['parameters'][0]['image']",
    ],
    ['a JSON array', [text('250788000001')], 'body'],
  ];

  it.each(cases)('%s → 400, code 100, details naming the field, nothing recorded', async (_name, body, field) => {
    const { app, state } = sandbox();
    const response = await send(app, body);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as GraphError).error;
    expect(error).toMatchObject({ message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 });
    expect(error.error_data?.messaging_product).toBe('whatsapp');
    expect(error.error_data?.details).toContain(field);
    expect(state.messages).toHaveLength(0);
    expect(state.requests).toMatchObject([{ http_status: 400, error_code: 100 }]);
    expect((await (await control(app, 'GET', '/_sandbox/messages')).json()) as unknown).toEqual({ messages: [] });
  });

  it('words the details like Graph', async () => {
    const { app } = sandbox();
    const details = async (body: unknown) =>
      (((await (await send(app, body)).json()) as GraphError).error.error_data ?? { details: '' }).details;
    expect(await details({ messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } })).toBe(
      'The parameter to is required.',
    );
    expect(await details(text('250788000001', 'x'.repeat(4097)))).toBe(
      "Param text['body'] must be at most 4096 characters long.",
    );
  });

  it('answers a body that is not JSON with the same code 100 error', async () => {
    const { app, state } = sandbox();
    const response = await send(app, undefined, { raw: '{"messaging_product": "whatsapp", ' });
    expect(response.status).toBe(400);
    const error = ((await response.json()) as GraphError).error;
    expect(error.code).toBe(100);
    expect(error.message).toBe('(#100) Invalid parameter');
    expect(error.error_data?.details).toMatch(/not valid JSON/);
    expect(state.messages).toHaveLength(0);
  });

  it('accepts unknown extra keys, as the real API ignores them', async () => {
    const { app } = sandbox();
    const response = await send(app, { ...text('250788000001'), biz_opaque_callback_data: 'voucher:42' });
    expect(response.status).toBe(200);
  });
});

describe('accepted sends', () => {
  it('answers a text send like the Cloud API: contacts with input and digits-only wa_id, a wamid', async () => {
    const { app, state } = sandbox();
    const response = await send(app, text('+250788000001', 'Your voucher is ready'));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      messaging_product: string;
      contacts: { input: string; wa_id: string }[];
      messages: { id: string; message_status?: string }[];
    };
    expect(body.messaging_product).toBe('whatsapp');
    expect(body.contacts).toEqual([{ input: '+250788000001', wa_id: '250788000001' }]);
    expect(body.messages).toHaveLength(1);
    const [message] = body.messages;
    expect(message?.id).toMatch(/^wamid\.[A-Za-z0-9+/=]{40}$/);
    expect(message).not.toHaveProperty('message_status');
    expect(state.messages).toMatchObject([
      { id: message?.id, to: '+250788000001', wa_id: '250788000001', type: 'text', status: 'accepted' },
    ]);
    expect(state.requests).toMatchObject([{ http_status: 200, message_id: message?.id, to: '+250788000001' }]);
  });

  it('gives every message a different id', async () => {
    const { app } = sandbox();
    const ids = new Set<string>();
    for (let i = 0; i < 20; i += 1) {
      const body = (await (await send(app, text('250788000001'))).json()) as { messages: { id: string }[] };
      ids.add(body.messages[0]?.id ?? '');
    }
    expect(ids.size).toBe(20);
  });

  it('marks template sends message_status accepted and renders the body from `templates`', async () => {
    const { app, state, idle } = sandbox({
      templates: {
        voucher_ready: 'Hello {{1}}, your voucher {{2}} is worth {{3}}.',
        campaign: 'Hi {{driver_name}}! {{offer}} {{missing}}',
      },
    });
    const positional = await send(app, {
      messaging_product: 'whatsapp',
      to: '250788000001',
      type: 'template',
      template: {
        name: 'voucher_ready',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Aline' },
              { type: 'text', text: 'VX-42' },
              { type: 'currency', currency: { fallback_value: 'RWF 5,000', code: 'RWF', amount_1000: 5_000_000 } },
            ],
          },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'VX-42' }] },
        ],
      },
    });
    expect(positional.status).toBe(200);
    const body = (await positional.json()) as { messages: { id: string; message_status: string }[] };
    expect(body.messages[0]?.message_status).toBe('accepted');

    await send(app, {
      messaging_product: 'whatsapp',
      to: '250788000002',
      type: 'template',
      template: {
        name: 'campaign',
        language: { code: 'rw' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Eric', parameter_name: 'driver_name' },
              { type: 'text', text: '10% off', parameter_name: 'offer' },
            ],
          },
        ],
      },
    });
    await send(app, {
      messaging_product: 'whatsapp',
      to: '250788000003',
      type: 'template',
      template: { name: 'unknown_template', language: { code: 'en' } },
    });
    expect(state.messages.map((m) => m.template?.rendered_body)).toEqual([
      'Hello Aline, your voucher VX-42 is worth RWF 5,000.',
      'Hi Eric! 10% off {{missing}}',
      undefined,
    ]);
    expect(state.messages[0]?.template).toMatchObject({ name: 'voucher_ready', language: 'en_US' });
    await idle();
  });

  it('lists messages in arrival order, filtered by number with or without +', async () => {
    const { app, idle } = sandbox();
    await send(app, text('+250788000001', 'one'));
    await send(app, text('250788000002', 'two'));
    await send(app, text('250788000001', 'three'));
    const list = async (query: string) =>
      (
        (await (await control(app, 'GET', `/_sandbox/messages${query}`)).json()) as {
          messages: { text: { body: string } }[];
        }
      ).messages.map((m) => m.text.body);
    expect(await list('')).toEqual(['one', 'two', 'three']);
    expect(await list('?to=250788000001')).toEqual(['one', 'three']);
    expect(await list('?to=%2B250788000001')).toEqual(['one', 'three']);
    expect(await list('?to=+250788000002')).toEqual(['two']);
    await idle();
  });

  it('moves the status to sent then delivered even without a webhook URL', async () => {
    const { app, state, idle } = sandbox();
    await send(app, text('250788000001'));
    await idle();
    expect(state.messages[0]?.history.map((h) => h.status)).toEqual(['accepted', 'sent', 'delivered']);
    expect(state.messages[0]?.status).toBe('delivered');
  });

  it('clears everything on reset', async () => {
    const { app, state } = sandbox();
    await send(app, text('250788000001'));
    await control(app, 'POST', '/_sandbox/failures', { to: '250788000002', code: 131026 });
    await control(app, 'POST', '/_sandbox/rate-limit', { per_minute: 5 });
    const reset = await control(app, 'POST', '/_sandbox/reset');
    expect(reset.status).toBe(200);
    expect(state.messages).toHaveLength(0);
    expect(state.requests).toHaveLength(0);
    expect(state.failures).toHaveLength(0);
    expect(state.rateLimitPerMinute).toBeNull();
    expect(state.webhooks).toHaveLength(0);
  });
});
