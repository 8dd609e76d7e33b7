/**
 * Getting a voucher's card to its driver on WhatsApp, under the programme's rules, in
 * three steps so no transaction stays open across rendering and network calls:
 *
 *   1. (transaction) take the send lease; refuse opted-out numbers, defer quiet hours
 *      (the driver's country, real time zone), take a slot of the global throttle;
 *   2. render and store the card if it has none, sign a URL for it, send the template;
 *   3. (transaction) record the send (issued → sent, message id kept) or why it failed,
 *      queueing the voucher for the scheduler's retry when a retry can help.
 *
 * A blocked send leaves the voucher issued with a policy_blocked event giving the
 * reason. A sender that dies between 2 and 3 leaves its lease to expire; the scheduler
 * then sends again (WhatsApp may then deliver the card twice: never zero times).
 */
import type { TDelivery } from '../../../packages/contracts/src/vouchers/voucher.ts';
import { formatAmount, formatDate } from '../../../packages/render/src/card.ts';
import {
  isQuiet,
  quietEndsAt,
  quietWindowFor,
  type QuietHoursSetting,
} from '../../../packages/domain/src/quiet-hours.ts';
import type { Caller } from './auth.ts';
import { asCaller } from './db.ts';
import { UserError } from './errors.ts';
import { cardName, recordVoucherImages, storeVoucherImages, CARD_BUCKET, type CardVoucher } from './voucher-card.ts';
import { signedUrl } from './storage.ts';
import { WhatsAppClient, type WhatsAppError } from './whatsapp.ts';

/** WhatsApp failures retried at most this many times before the voucher leaves the queue. */
export const MAX_SEND_ATTEMPTS = 5;
/** How long a sender holds a voucher before another may try (seconds). */
export const SEND_LEASE_SECONDS = 120;
/** How long WhatsApp has to fetch the card image (seconds). */
const CARD_LINK_SECONDS = 24 * 3600;

interface SendableVoucher extends CardVoucher {
  status: string;
  png_url: string | null;
  msisdn: string;
  display_name: string | null;
  locale: string;
  opted_out: boolean;
  attempts: number;
}

interface Template {
  id: string;
  language: string;
  variables?: string[];
}

export interface DeliverOptions {
  /** The caller already holds the lease (a scheduler tick claimed it). */
  leased?: boolean;
  /** Send again although the voucher was sent before. */
  resend?: boolean;
  whatsapp?: WhatsAppClient;
}

/** The template for a driver: `voucher_issued_<locale>` when there is one, else `voucher_issued`. */
export function voucherTemplate(templates: Template[], locale: string): Template | undefined {
  return templates.find((t) => t.id === `voucher_issued_${locale}`) ?? templates.find((t) => t.id === 'voucher_issued');
}

type Decision = { kind: 'send'; voucher: SendableVoucher; template: Template } | { kind: 'done'; delivery: TDelivery };

async function decide(caller: Caller, voucherId: string, options: DeliverOptions): Promise<Decision> {
  return asCaller(caller, async (tx) => {
    const [voucher] = await tx<SendableVoucher[]>`
      select v.id, v.code5, v.amount::float8 as amount, v.currency, v.status, v.station_scope, v.expires_at, v.png_url,
             u.msisdn, u.display_name, u.locale, app.is_opted_out(u.msisdn) as opted_out,
             coalesce((select q.attempts from public.voucher_send_queue q where q.voucher_id = v.id), 0) as attempts
        from public.vouchers v join public.users u on u.id = v.user_id
       where v.id = ${voucherId}`;
    if (!voucher) throw new UserError('not_found', 'No voucher with this id');
    const sendable = voucher.status === 'issued' || (voucher.status === 'sent' && options.resend);
    if (!sendable) {
      throw new UserError('conflict', `This voucher is ${voucher.status}: only issued or sent vouchers are sent`, {
        status: voucher.status,
      });
    }
    // Past its expiry (the sweep may not have run yet): a card for it would only mislead.
    if (voucher.expires_at && new Date(voucher.expires_at) <= new Date()) {
      throw new UserError('expired', 'This voucher has expired: its card is not sent');
    }
    if (!options.leased) {
      const [lease] = await tx<
        { claimed: boolean }[]
      >`select app.claim_send(${voucherId}, ${SEND_LEASE_SECONDS}) as claimed`;
      if (!lease?.claimed) throw new UserError('conflict', "This voucher's card is being sent right now");
    }

    const blocked = async (reason: 'opted_out' | 'quiet_hours' | 'throttled', retryAt: Date | null) => {
      await tx`select app.record_send_blocked(${voucherId}, ${reason}, ${retryAt}, ${tx.json({ channel: 'whatsapp' })})`;
      const delivery: TDelivery = { status: 'blocked', reason };
      if (retryAt) delivery.retry_at = retryAt.toISOString();
      return { kind: 'done', delivery } as const;
    };

    // Opted out: never messaged, and not retried (an opt-in later means a resend).
    if (voucher.opted_out) return blocked('opted_out', null);

    const settings = await tx<{ key: string; value: unknown }[]>`
      select key, value from public.settings where key in ('quiet_hours', 'templates')`;
    const setting = (key: string) => settings.find((s) => s.key === key)?.value;
    const now = new Date();
    const { window, timeZone } = quietWindowFor(voucher.msisdn, (setting('quiet_hours') ?? {}) as QuietHoursSetting);
    if (window && timeZone && isQuiet(now, window, timeZone)) {
      return blocked('quiet_hours', quietEndsAt(now, window, timeZone) ?? null);
    }

    const [slot] = await tx<{ retry_at: Date | null }[]>`select app.take_send_slot('whatsapp') as retry_at`;
    if (slot?.retry_at) return blocked('throttled', slot.retry_at);

    const template = voucherTemplate((setting('templates') ?? []) as Template[], voucher.locale);
    if (!template) {
      // Without a template nothing can be sent; keep it queued for when one is configured.
      const retryAt = new Date(now.getTime() + 3600_000);
      await tx`select app.record_send_blocked(${voucherId}, 'no_template', ${retryAt}, ${tx.json({ channel: 'whatsapp' })})`;
      return { kind: 'done', delivery: { status: 'failed', reason: 'unavailable', retry_at: retryAt.toISOString() } };
    }
    return { kind: 'send', voucher, template };
  });
}

function failedDelivery(error: WhatsAppError, retryAt: Date | null): TDelivery {
  const delivery: TDelivery =
    error.kind === 'throttled'
      ? { status: 'blocked', reason: 'throttled' }
      : { status: 'failed', reason: error.kind === 'unavailable' ? 'unavailable' : 'whatsapp_error' };
  if (retryAt) delivery.retry_at = retryAt.toISOString();
  return delivery;
}

/** Sends (or defers) a voucher's card; the answer says what happened. */
export async function deliverVoucher(
  caller: Caller,
  voucherId: string,
  options: DeliverOptions = {},
): Promise<TDelivery> {
  const decision = await decide(caller, voucherId, options);
  if (decision.kind === 'done') return decision.delivery;
  const { voucher, template } = decision;

  let link: string;
  try {
    // The images are always `<voucher id>.png`: never a name read back from the row.
    if (!voucher.png_url) {
      const names = await storeVoucherImages(caller, voucher);
      await asCaller(caller, (tx) => recordVoucherImages(tx, voucher.id, names));
    }
    link = await signedUrl(caller, CARD_BUCKET, cardName(voucher.id), CARD_LINK_SECONDS);
  } catch (error) {
    // Storage failed: say so on the timeline and let the scheduler try again when the lease ends.
    console.error(
      JSON.stringify({ level: 'error', voucherId, message: `card not ready: ${(error as Error).message}` }),
    );
    const retryAt = new Date(Date.now() + SEND_LEASE_SECONDS * 1000);
    await asCaller(
      caller,
      (tx) =>
        tx`select app.record_send_blocked(${voucher.id}, 'card_unavailable', ${retryAt}, ${tx.json({ channel: 'whatsapp' })})`,
    ).catch(() => undefined);
    return { status: 'failed', reason: 'unavailable', retry_at: retryAt.toISOString() };
  }

  const whatsapp = options.whatsapp ?? WhatsAppClient.fromEnv();
  const expiry = voucher.expires_at ? formatDate(new Date(voucher.expires_at)) : '-';
  const values: Record<string, string> = {
    name: voucher.display_name ?? 'driver',
    code: voucher.code5,
    amount: formatAmount(voucher.amount),
    expiry,
  };
  const variables = template.variables ?? Object.keys(values);
  const result = await whatsapp.sendTemplate(voucher.msisdn, {
    name: template.id,
    language: template.language,
    headerImageLink: link,
    body: Object.fromEntries(variables.map((name) => [name, values[name] ?? ''])),
  });

  return asCaller(caller, async (tx) => {
    if (result.ok) {
      const [row] = await tx<
        { recorded: boolean }[]
      >`select app.record_send(${voucher.id}, ${result.messageId}) as recorded`;
      if (!row?.recorded) {
        // Voided (or settled) while its card was on the way: the message went out all the same.
        console.warn(
          JSON.stringify({ level: 'warn', voucherId, message: 'card sent for a voucher settled meanwhile' }),
        );
      }
      return { status: 'sent', message_id: result.messageId } satisfies TDelivery;
    }
    const { error } = result;
    // Only this message's own failures count towards giving up; a rate limit or an account
    // problem (an expired token, a template not approved) keeps the card queued.
    const counted = error.kind === 'undeliverable' || error.kind === 'rejected';
    const retryable = error.retryAfterSeconds !== null && (!counted || voucher.attempts + 1 < MAX_SEND_ATTEMPTS);
    const retryAt = retryable ? new Date(Date.now() + (error.retryAfterSeconds ?? 0) * 1000) : null;
    const reason = error.kind === 'throttled' ? 'throttled' : counted ? 'whatsapp_error' : 'whatsapp_unavailable';
    await tx`select app.record_send_blocked(${voucher.id}, ${reason}, ${retryAt},
               ${tx.json({ channel: 'whatsapp', whatsapp_code: error.code, whatsapp_error: error.message, attempt: voucher.attempts + (counted ? 1 : 0) })})`;
    return failedDelivery(error, retryAt);
  });
}
