/**
 * Media by link: the sandbox downloads it, serves the bytes back at /_sandbox/media/:id and
 * shows it in the inbox; a download that fails turns into a failed status with 131053.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxOptions } from '../src/index.ts';
import { APP_SECRET, PHONE_NUMBER_ID, PNG, TOKEN, send, startReceiver, type Receiver } from './helpers.ts';

let files: Receiver;
let hooks: Receiver;
beforeEach(async () => {
  files = await startReceiver();
  files.reply = (request) => {
    if (request.url === '/card.png') return { status: 200, body: PNG, contentType: 'image/png' };
    if (request.url === '/page.html') return { status: 200, body: '<html></html>', contentType: 'text/html' };
    return { status: 404, body: 'not found' };
  };
  hooks = await startReceiver();
});
afterEach(async () => {
  await files.close();
  await hooks.close();
});

const sandbox = (extra: Partial<SandboxOptions> = {}) =>
  createSandbox({
    accessToken: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    appSecret: APP_SECRET,
    statusDelayMs: 5,
    webhookUrl: hooks.url,
    ...extra,
  });

const image = (link: string, caption?: string) => ({
  messaging_product: 'whatsapp',
  to: '+250788000001',
  type: 'image',
  image: caption === undefined ? { link } : { link, caption },
});

function statuses(receiver: Receiver) {
  return receiver.received.map((r) => {
    const payload = r.json as { entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[] };
    return payload.entry[0]?.changes[0]?.value.statuses[0] ?? {};
  });
}

describe('image by link', () => {
  it('downloads the image, serves the same bytes, and shows it in the inbox', async () => {
    const { app, state, idle } = sandbox();
    const response = await send(app, image(`${files.url}/card.png`, 'Your voucher'));
    expect(response.status).toBe(200);
    await idle();
    expect(files.received.map((r) => [r.method, r.url])).toEqual([['GET', '/card.png']]);
    const message = state.messages[0];
    expect(message?.status).toBe('delivered');
    const mediaId = message?.image?.media_id ?? '';
    expect(mediaId).toMatch(/^\d{15,16}$/);

    const page = await (await app.request('/inbox/250788000001')).text();
    expect(page).toContain(`<img src="/_sandbox/media/${mediaId}"`);
    expect(page).toContain('Your voucher');

    const media = await app.request(`/_sandbox/media/${mediaId}`);
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await media.arrayBuffer()).equals(PNG)).toBe(true);

    const listed = (await (await app.request('/_sandbox/messages?to=250788000001')).json()) as {
      messages: { image: { link: string; caption: string; media_id: string } }[];
    };
    expect(listed.messages[0]?.image).toEqual({
      link: `${files.url}/card.png`,
      caption: 'Your voucher',
      media_id: mediaId,
    });
    expect(statuses(hooks).map((s) => s.status)).toEqual(['sent', 'delivered']);
    expect((await app.request('/_sandbox/media/123')).status).toBe(404);
  });

  it('downloads a template header image too', async () => {
    const { app, state, idle } = sandbox({ templates: { voucher_card: 'Voucher {{1}} is ready.' } });
    const response = await send(app, {
      messaging_product: 'whatsapp',
      to: '250788000001',
      type: 'template',
      template: {
        name: 'voucher_card',
        language: { code: 'en' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: `${files.url}/card.png` } }] },
          { type: 'body', parameters: [{ type: 'text', text: 'VX-42' }] },
        ],
      },
    });
    expect(response.status).toBe(200);
    await idle();
    const mediaId = state.messages[0]?.template?.header_image?.media_id ?? '';
    expect(mediaId).toMatch(/^\d+$/);
    const page = await (await app.request('/inbox/250788000001')).text();
    expect(page).toContain(`<img src="/_sandbox/media/${mediaId}"`);
    expect(page).toContain('Voucher VX-42 is ready.');
    expect(Buffer.from(await (await app.request(`/_sandbox/media/${mediaId}`)).arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('uses fetchMedia when given', async () => {
    const seen: string[] = [];
    const fetchMedia: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response(PNG, { headers: { 'content-type': 'image/png' } });
    };
    const { app, state, idle } = sandbox({ fetchMedia });
    await send(app, image('https://cdn.example.invalid/voucher.png'));
    await idle();
    expect(seen).toEqual(['https://cdn.example.invalid/voucher.png']);
    expect(state.messages[0]?.status).toBe('delivered');
  });

  it.each([
    ['a 404', '/missing.png', /HTTP 404/],
    ['a non-image content type', '/page.html', /text\/html/],
  ])('turns %s into 200, then a failed status with 131053', async (_name, path, reason) => {
    const { app, state, idle } = sandbox();
    const response = await send(app, image(`${files.url}${path}`));
    expect(response.status).toBe(200);
    await idle();
    const [failed] = statuses(hooks);
    expect(statuses(hooks)).toHaveLength(1);
    expect(failed).toMatchObject({
      status: 'failed',
      recipient_id: '250788000001',
      errors: [{ code: 131053, title: 'Media upload error', message: 'Media upload error' }],
    });
    const details = (failed?.errors as { error_data: { details: string } }[])[0]?.error_data.details;
    expect(details).toMatch(reason);
    expect(state.messages[0]).toMatchObject({ status: 'failed', error: { code: 131053 } });
    expect(state.messages[0]?.image?.media_id).toBeUndefined();
    const page = await (await app.request('/inbox/250788000001')).text();
    expect(page).toContain('131053 Media upload error');
    expect(page).toContain('could not be downloaded');
  });

  it('turns a network error into 131053 too', async () => {
    const fetchMedia: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const { app, state, idle } = sandbox({ fetchMedia });
    expect((await send(app, image('https://cdn.example.invalid/x.png'))).status).toBe(200);
    await idle();
    expect(state.messages[0]?.error).toMatchObject({ code: 131053, details: expect.stringContaining('fetch failed') });
  });
});
