/**
 * The `whatsapp-webhook` function: Meta's subscription handshake (GET) and the signed
 * callbacks (POST). Deployed with verify_jwt = false (Meta sends no Supabase JWT); the
 * X-Hub-Signature-256 check over the raw bytes is the authentication. A POST is read whole
 * (a malformed part refuses it all) and applied in one transaction as the service role:
 *   statuses          on the voucher card and the campaign target with that message id,
 *                     forward moves only, so duplicated or reordered webhooks change nothing
 *   inbound replies   one of settings.opt_out_keywords opts the sender out, or back in
 *   user_preferences  WhatsApp's marketing stop / resume does the same
 * A payload with none of these (chat that cannot be a keyword included) is answered without
 * the database.
 */
import {
  ZOptOutKeywordsSetting,
  type TOptOutKeywordsSetting,
} from '../../../packages/contracts/src/settings/settings.ts';
import {
  KEYWORD,
  keywordOf,
  replyTexts,
  ZWebhookAck,
  ZWebhookPayload,
  type TWebhookAck,
  type TWebhookInboundMessage,
  type TWebhookPayload,
  type TWebhookStatus,
  type TWebhookUserPreference,
} from '../../../packages/contracts/src/whatsapp/webhook.ts';
import { createFunctionApp } from '../_shared/app.ts';
import { serviceCaller } from '../_shared/auth.ts';
import { asCaller, type Tx } from '../_shared/db.ts';
import { requireEnv } from '../_shared/env.ts';
import { UserError } from '../_shared/errors.ts';
import { verifyHubSignature } from '../_shared/hub-signature.ts';
import { parseRequest, rawBody } from '../_shared/request.ts';

export const app = createFunctionApp('whatsapp-webhook');

const MAX_BODY_BYTES = 1_000_000;
const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

/** A reply that may be a keyword: its words, matched against the keywords read in the transaction. */
interface Reply {
  msisdn: string;
  words: string[];
  at: number;
}

type OptChange = { msisdn: string; at: number } & ({ optOut: true; reason: string } | { optOut: false });

type Counts = Pick<TWebhookAck, 'recorded' | 'opt_outs' | 'opt_ins'>;

app.get('/', (c) => {
  const mode = c.req.query('hub.mode');
  const token = c.req.query('hub.verify_token');
  const challenge = c.req.query('hub.challenge');
  if (mode !== 'subscribe' || !challenge) throw new UserError('invalid_request', 'Not a subscription handshake');
  if (token !== requireEnv('WHATSAPP_VERIFY_TOKEN'))
    throw new UserError('forbidden', 'The verify token does not match');
  return c.text(challenge);
});

app.post('/', async (c) => {
  const raw = await rawBody(c, MAX_BODY_BYTES);
  if (!(await verifyHubSignature(raw, c.req.header('x-hub-signature-256'), requireEnv('WHATSAPP_APP_SECRET')))) {
    throw new UserError('unauthorized', 'The X-Hub-Signature-256 signature does not match the body');
  }
  const payload = parseRequest(ZWebhookPayload, parseJson(raw));
  const values = payload.entry.flatMap((e) => e.changes.map((change) => change.value));
  const statuses = values.flatMap((v) => v.statuses ?? []).filter((s) => STATUSES.has(s.status));
  const messages = values.flatMap((v) => v.messages ?? []);
  const signals = values.flatMap(optSignals);
  const counts: Counts =
    statuses.length + signals.length === 0
      ? { recorded: 0, opt_outs: 0, opt_ins: 0 }
      : await asCaller(serviceCaller(), (tx) => apply(tx, statuses, signals));
  return c.json(ZWebhookAck.parse({ statuses: statuses.length, messages: messages.length, ...counts }));
});

function parseJson(raw: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw new UserError('invalid_request', 'The body must be JSON');
  }
}

/** A value's replies that may be keywords and its marketing preferences, in payload order. */
function optSignals(value: TWebhookPayload['entry'][number]['changes'][number]['value']): (Reply | OptChange)[] {
  return [
    ...(value.messages ?? []).map(replyOf).filter((reply) => reply.words.length > 0),
    ...(value.user_preferences ?? []).flatMap((preference) => preferenceChange(preference) ?? []),
  ];
}

function replyOf(message: TWebhookInboundMessage): Reply {
  const words = replyTexts(message)
    .map(keywordOf)
    .filter((word) => KEYWORD.test(word));
  return { msisdn: `+${message.from}`, words, at: Number(message.timestamp) };
}

/** Only marketing stop / resume mean anything to us; other categories or values are ignored. */
function preferenceChange(preference: TWebhookUserPreference): OptChange | undefined {
  if (preference.category !== 'marketing_messages') return undefined;
  const where = { msisdn: `+${preference.wa_id}`, at: Number(preference.timestamp) };
  if (preference.value === 'stop') return { ...where, optOut: true, reason: 'user_preferences' };
  if (preference.value === 'resume') return { ...where, optOut: false };
  return undefined;
}

/** A stop word wins over a resume word (a button may carry one in its text, the other in its payload). */
function keywordChange(reply: Reply, keywords: TOptOutKeywordsSetting): OptChange | undefined {
  const stop = reply.words.find((word) => keywords.stop.includes(word));
  if (stop) return { msisdn: reply.msisdn, at: reply.at, optOut: true, reason: `keyword:${stop}` };
  if (reply.words.some((word) => keywords.resume.includes(word)))
    return { msisdn: reply.msisdn, at: reply.at, optOut: false };
  return undefined;
}

async function apply(tx: Tx, statuses: TWebhookStatus[], signals: (Reply | OptChange)[]): Promise<Counts> {
  const counts: Counts = { recorded: 0, opt_outs: 0, opt_ins: 0 };
  for (const status of statuses) {
    if (await recordStatus(tx, status)) counts.recorded += 1;
  }
  let keywords: TOptOutKeywordsSetting | undefined; // read at the first reply, if any
  for (const signal of signals) {
    const change = 'words' in signal ? keywordChange(signal, (keywords ??= await optOutKeywords(tx))) : signal;
    if (change && (await recordOptChange(tx, change))) counts[change.optOut ? 'opt_outs' : 'opt_ins'] += 1;
  }
  return counts;
}

/**
 * The campaign target first: a send the dispatcher never recorded is adopted through the
 * echoed target id, which for a voucher campaign gives its voucher the message id too.
 */
async function recordStatus(tx: Tx, status: TWebhookStatus): Promise<boolean> {
  const failure = status.errors?.[0] ? tx.json(status.errors[0] as never) : null;
  const at = Number(status.timestamp);
  const [target] = await tx<{ recorded: boolean }[]>`
    select app.record_target_message_status(${status.id}, ${status.status}, to_timestamp(${at}), ${failure},
                                            ${status.biz_opaque_callback_data ?? null}) as recorded`;
  const [voucher] = await tx<{ recorded: boolean }[]>`
    select app.record_voucher_message_status(${status.id}, ${status.status}, to_timestamp(${at}), ${failure}) as recorded`;
  return Boolean(target?.recorded) || Boolean(voucher?.recorded);
}

async function optOutKeywords(tx: Tx): Promise<TOptOutKeywordsSetting> {
  const [row] = await tx<{ value: unknown }[]>`select value from public.settings where key = 'opt_out_keywords'`;
  return ZOptOutKeywordsSetting.parse(row?.value);
}

/** True when the number's opt-out changed (a number already out, or already in, changes nothing). */
async function recordOptChange(tx: Tx, change: OptChange): Promise<boolean> {
  const [row] = change.optOut
    ? await tx<{ changed: boolean }[]>`
        select app.record_opt_out(${change.msisdn}, ${change.reason}, to_timestamp(${change.at})) as changed`
    : await tx<{ changed: boolean }[]>`select app.record_opt_in(${change.msisdn}) as changed`;
  return Boolean(row?.changed);
}
