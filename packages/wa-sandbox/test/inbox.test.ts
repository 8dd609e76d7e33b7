/**
 * The inbox pages: empty states, the number list, one phone's chat with ticks, templates,
 * failure reasons and replies, escaping, and the reply form.
 */
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../src/index.ts';
import { APP_SECRET, PHONE_NUMBER_ID, TOKEN, control, send, text } from './helpers.ts';

const sandbox = () =>
  createSandbox({
    accessToken: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    appSecret: APP_SECRET,
    statusDelayMs: 5,
    templates: { voucher_ready: 'Hello {{name}}, voucher {{code}} is ready.' },
  });

describe('inbox', () => {
  it('shows empty states', async () => {
    const { app } = sandbox();
    const index = await app.request('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await index.text();
    expect(html).toContain('No messages yet');
    const chat = await (await app.request('/inbox/250788000001')).text();
    expect(chat).toContain('No messages yet');
    expect(chat).toContain('<form');
  });

  it('uses no external assets', async () => {
    const { app, idle } = sandbox();
    await send(app, text('250788000001'));
    await idle();
    for (const path of ['/', '/inbox/250788000001']) {
      const html = await (await app.request(path)).text();
      expect(html).not.toMatch(/<(script|link)\b/i);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    }
  });

  it('lists each number with its message count and a link to its chat', async () => {
    const { app, idle } = sandbox();
    await send(app, text('+250788000001', 'one'));
    await send(app, text('250788000001', 'two'));
    await send(app, text('250788000002', 'three'));
    await idle();
    const html = await (await app.request('/')).text();
    expect(html).toContain('href="/inbox/250788000001"');
    expect(html).toContain('href="/inbox/250788000002"');
    expect(html).toMatch(/\+250788000001<\/a><\/td><td>2<\/td>/);
    expect(html).toMatch(/\+250788000002<\/a><\/td><td>1<\/td>/);
    expect(html).not.toContain('No messages yet');
  });

  it('escapes message text', async () => {
    const { app, idle } = sandbox();
    await send(app, text('250788000001', '<script>alert("x")</script> & <b>bold</b>'));
    await control(app, 'POST', '/_sandbox/inbound', { from: '250788000001', text: '<img src=x onerror=alert(1)>' });
    await idle();
    const html = await (await app.request('/inbox/250788000001')).text();
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('renders templates, ticks, failure reasons and replies on the other side', async () => {
    const { app, idle } = sandbox();
    await send(app, {
      messaging_product: 'whatsapp',
      to: '250788000001',
      type: 'template',
      template: {
        name: 'voucher_ready',
        language: { code: 'en' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Aline', parameter_name: 'name' },
              { type: 'text', text: 'VX-42', parameter_name: 'code' },
            ],
          },
        ],
      },
    });
    await send(app, {
      messaging_product: 'whatsapp',
      to: '250788000001',
      type: 'template',
      template: {
        name: 'not_configured',
        language: { code: 'rw' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Param<One>' }] }],
      },
    });
    await control(app, 'POST', '/_sandbox/failures', { to: '250788000001', code: 131047, async: true });
    await send(app, text('250788000001', 'late reminder'));
    await control(app, 'POST', '/_sandbox/inbound', { from: '+250788000001', text: 'STOP' });
    await idle();
    const html = await (await app.request('/inbox/+250788000001')).text();
    expect(html).toContain('Hello Aline, voucher VX-42 is ready.');
    expect(html).toContain('not_configured');
    expect(html).toContain('Param&lt;One&gt;');
    expect(html).toContain('title="delivered"');
    expect(html).toContain('131047 Re-engagement message');
    expect(html).toMatch(/class="bubble out"[^>]*>STOP</);
    // The business is on the left, the phone's own reply on the right, in time order.
    expect(html.indexOf('Hello Aline')).toBeLessThan(html.indexOf('late reminder'));
    expect(html.indexOf('late reminder')).toBeLessThan(html.indexOf('>STOP<'));
  });

  it('takes a reply from the inbox form and goes back to the chat', async () => {
    const { app, state, idle } = sandbox();
    const response = await app.request('/_sandbox/inbound', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ from: '250788000001', text: 'STOP' }).toString(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/inbox/250788000001');
    await idle();
    expect(state.inbound).toMatchObject([{ wa_id: '250788000001', text: 'STOP', name: 'Sandbox User' }]);
    const html = await (await app.request('/inbox/250788000001')).text();
    expect(html).toContain('>STOP<');
  });
});
