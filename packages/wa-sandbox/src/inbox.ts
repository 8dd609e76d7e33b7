/**
 * The inbox pages: `/` lists every phone number the sandbox has seen, `/inbox/:number`
 * shows that phone's chat as the recipient would see it (the business on the left, the
 * recipient's own replies on the right, marketing stop / resume in the middle), with status
 * ticks and failure reasons, a reply box and the marketing-preference buttons. Plain
 * HTML with inline CSS, no scripts or external assets; every value is escaped.
 */
import { parameterText } from './templates.ts';
import type { InboundMessage, MessageStatus, SandboxMessage, SandboxState, UserPreference } from './state.ts';
import type { BusinessIdentity } from './webhooks.ts';

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#e9edef;color:#111b21}
main{max-width:760px;margin:0 auto;padding:24px 16px}
h1{font-size:20px;margin:0 0 4px}
.muted{color:#667781;font-size:13px}
table{width:100%;border-collapse:collapse;background:#fff;border-radius:8px;overflow:hidden;margin:16px 0}
th,td{text-align:left;padding:10px 12px;border-bottom:1px solid #e9edef}
th{font-size:12px;text-transform:uppercase;color:#667781;font-weight:600}
a{color:#008069}
.empty{background:#fff;border-radius:8px;padding:32px;text-align:center;color:#667781;margin:16px 0}
.phone{max-width:400px;margin:0 auto;background:#efeae2;border-radius:28px;border:10px solid #111b21;overflow:hidden;display:flex;flex-direction:column;min-height:640px}
.bar{background:#008069;color:#fff;padding:12px 16px}
.bar a{color:#fff;text-decoration:none;margin-right:8px}
.bar .name{font-weight:600}
.chat{flex:1;padding:12px;display:flex;flex-direction:column;gap:6px}
.chat .empty{margin:auto;background:transparent}
.bubble{max-width:82%;padding:6px 9px 4px;border-radius:8px;box-shadow:0 1px .5px rgba(11,20,26,.13);white-space:pre-wrap;word-wrap:break-word}
.in{align-self:flex-start;background:#fff}
.out{align-self:flex-end;background:#d9fdd3}
.bubble img{display:block;max-width:100%;border-radius:6px;margin-bottom:4px}
.meta{font-size:11px;color:#667781;text-align:right;margin-top:2px}
.tick{letter-spacing:-3px;margin-left:4px}
.tick.read{color:#53bdeb}
.tick.failed{color:#d0342c;letter-spacing:0}
.failed-bubble{opacity:.75}
.error{color:#d0342c;font-size:12px;margin-top:4px;white-space:normal}
.tpl{font-size:11px;color:#667781;margin-bottom:2px}
.params{margin:4px 0 0;padding-left:18px;font-size:13px}
.buttons{border-top:1px solid #e9edef;margin-top:6px;padding-top:4px;text-align:center;color:#008069;font-size:13px}
.placeholder{font-size:13px;color:#667781;font-style:italic}
form.reply{display:flex;gap:6px;padding:8px;background:#f0f2f5}
form.reply input[name=text]{flex:1;border:0;border-radius:18px;padding:9px 14px;font:inherit}
form.reply button{border:0;border-radius:18px;background:#008069;color:#fff;padding:0 14px;font:inherit;cursor:pointer}
.note{align-self:center;background:#fff3c4;color:#54656f;font-size:12px;padding:4px 10px;border-radius:8px}
form.prefs{display:flex;gap:6px;justify-content:center;padding:0 8px 8px;background:#f0f2f5}
form.prefs button{border:1px solid #d1d7db;border-radius:14px;background:#fff;color:#54656f;padding:3px 10px;font:12px system-ui,sans-serif;cursor:pointer}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><main>${body}</main></body></html>`;
}

function clock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(11, 16);
}

export function renderIndex(state: SandboxState, business: BusinessIdentity): string {
  const rows = state.conversations();
  const list =
    rows.length === 0
      ? '<div class="empty">No messages yet</div>'
      : `<table><thead><tr><th>Phone</th><th>Messages</th><th>Replies</th><th>Last activity (UTC)</th></tr></thead><tbody>${rows
          .map(
            (row) =>
              `<tr><td><a href="/inbox/${escapeHtml(encodeURIComponent(row.wa_id))}">+${escapeHtml(row.wa_id)}</a></td>` +
              `<td>${row.outbound}</td><td>${row.inbound}</td><td>${escapeHtml(row.last_at.replace('T', ' ').slice(0, 19))}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const knobs = [
    state.rateLimitPerMinute === null ? '' : `Throughput cap: ${state.rateLimitPerMinute} per minute.`,
    ...state.failures.map(
      (rule) =>
        `+${escapeHtml(rule.wa_id)} fails with ${rule.code}${rule.async ? ' (async)' : ''}` +
        (rule.remaining === null ? ' until cleared' : ` ${rule.remaining} more time(s)`),
    ),
  ].filter(Boolean);
  return page(
    'WhatsApp sandbox',
    `<h1>WhatsApp sandbox</h1>
<div class="muted">Phone number id ${escapeHtml(business.phoneNumberId)} · display +${escapeHtml(business.displayPhoneNumber)} · WABA ${escapeHtml(business.wabaId)}</div>
${list}
${knobs.length > 0 ? `<p class="muted">${knobs.join('<br>')}</p>` : ''}
<p class="muted">JSON: <a href="/_sandbox/messages">messages</a> · <a href="/_sandbox/requests">requests</a> · <a href="/_sandbox/webhooks">webhooks</a> · <a href="/_sandbox/inbound">inbound</a></p>`,
  );
}

type Entry =
  | { at: string; outbound: SandboxMessage }
  | { at: string; inbound: InboundMessage }
  | { at: string; preference: UserPreference };

export function renderConversation(state: SandboxState, waId: string): string {
  const entries: Entry[] = [
    ...state.messagesTo(waId).map((m) => ({ at: m.received_at, outbound: m })),
    ...state.inboundFrom(waId).map((m) => ({ at: m.received_at, inbound: m })),
    ...state.preferencesOf(waId).map((p) => ({ at: p.at, preference: p })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const chat = entries.length === 0 ? '<div class="empty">No messages yet</div>' : entries.map(entryHtml).join('\n');
  return page(
    `+${waId} · WhatsApp sandbox`,
    `<div class="phone">
<div class="bar"><a href="/" title="All numbers">←</a><span class="name">+${escapeHtml(waId)}</span> <a href="/inbox/${escapeHtml(encodeURIComponent(waId))}" title="Refresh" style="float:right">⟳</a></div>
<div class="chat">${chat}</div>
<form class="reply" method="post" action="/_sandbox/inbound">
<input type="hidden" name="from" value="${escapeHtml(waId)}">
<input name="text" placeholder="Reply as +${escapeHtml(waId)} (try STOP)" required maxlength="4096" autocomplete="off">
<button type="submit">Send</button>
</form>
<form class="prefs" method="post" action="/_sandbox/user-preferences">
<input type="hidden" name="from" value="${escapeHtml(waId)}">
<button type="submit" name="value" value="stop">Stop marketing messages</button>
<button type="submit" name="value" value="resume">Resume marketing messages</button>
</form>
</div>`,
  );
}

function entryHtml(entry: Entry): string {
  if ('outbound' in entry) return businessBubble(entry.outbound);
  if ('inbound' in entry) return replyBubble(entry.inbound);
  return preferenceNote(entry.preference);
}

function ticks(status: MessageStatus): string {
  switch (status) {
    case 'accepted':
      return '<span class="tick" title="accepted">🕓</span>';
    case 'sent':
      return '<span class="tick" title="sent">✓</span>';
    case 'delivered':
      return '<span class="tick" title="delivered">✓✓</span>';
    case 'read':
      return '<span class="tick read" title="read">✓✓</span>';
    case 'failed':
      return '<span class="tick failed" title="failed">⚠</span>';
  }
}

function mediaImage(media: { link?: string; id?: string; media_id?: string }, failed: boolean): string {
  if (media.media_id) return `<img src="/_sandbox/media/${escapeHtml(encodeURIComponent(media.media_id))}" alt="">`;
  if (media.id) return `<div class="placeholder">[image, uploaded media id ${escapeHtml(media.id)}]</div>`;
  return `<div class="placeholder">[image ${failed ? 'could not be downloaded' : 'downloading…'}: ${escapeHtml(media.link ?? '')}]</div>`;
}

function businessBubble(message: SandboxMessage): string {
  const failed = message.status === 'failed';
  let content = '';
  if (message.text) content = escapeHtml(message.text.body);
  if (message.image) {
    content = mediaImage(message.image, failed) + (message.image.caption ? escapeHtml(message.image.caption) : '');
  }
  if (message.template) content = templateContent(message.template, failed);
  const error = message.error
    ? `<div class="error">${escapeHtml(`${message.error.code} ${message.error.title}`)}: ${escapeHtml(message.error.details)}</div>`
    : '';
  return `<div class="bubble in${failed ? ' failed-bubble' : ''}" data-id="${escapeHtml(message.id)}">${content}${error}<div class="meta">${escapeHtml(clock(message.received_at))}${ticks(message.status)}</div></div>`;
}

function templateContent(template: NonNullable<SandboxMessage['template']>, failed: boolean): string {
  const label = `<div class="tpl">template ${escapeHtml(template.name)} · ${escapeHtml(template.language)}</div>`;
  const header = template.header_image ? mediaImage(template.header_image, failed) : '';
  const headerText = template.components
    .filter((c) => c.type === 'header')
    .flatMap((c) => c.parameters)
    .filter((p) => p.type === 'text')
    .map((p) => `<strong>${escapeHtml(parameterText(p))}</strong>\n`)
    .join('');
  const buttons = template.components
    .filter((c) => c.type === 'button')
    .map(
      (c) =>
        `<div>${escapeHtml(c.sub_type ?? 'button')} ${escapeHtml(c.index ?? '')}${c.parameters.length > 0 ? `: ${escapeHtml(c.parameters.map(parameterText).join(', '))}` : ''}</div>`,
    )
    .join('');
  const buttonBlock = buttons ? `<div class="buttons">${buttons}</div>` : '';
  if (template.rendered_body !== undefined) {
    return `${label}${header}${headerText}${escapeHtml(template.rendered_body)}${buttonBlock}`;
  }
  const body = template.components.find((c) => c.type === 'body')?.parameters ?? [];
  const params =
    body.length > 0
      ? `<ol class="params">${body
          .map((p) => {
            const name = 'parameter_name' in p && typeof p.parameter_name === 'string' ? `${p.parameter_name}: ` : '';
            return `<li>${escapeHtml(name + parameterText(p))}</li>`;
          })
          .join('')}</ol>`
      : '';
  return `${label}${header}${headerText}<strong>${escapeHtml(template.name)}</strong>${params}${buttonBlock}`;
}

function replyBubble(message: InboundMessage): string {
  return `<div class="bubble out" data-id="${escapeHtml(message.id)}">${escapeHtml(message.text)}<div class="meta">${escapeHtml(clock(message.received_at))}</div></div>`;
}

function preferenceNote(preference: UserPreference): string {
  const what = preference.value === 'stop' ? 'Stopped' : 'Resumed';
  return `<div class="note">${what} marketing messages · ${escapeHtml(clock(preference.at))}</div>`;
}
