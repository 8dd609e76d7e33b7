/**
 * The campaign dispatcher: one pass takes a batch of due targets from the campaign send
 * queue and gets them out under the programme's rules. The queue is an outbox:
 *
 *   1. (transaction) claim due targets (FOR UPDATE SKIP LOCKED, leased); opted-out numbers
 *      become opted_out; targets inside their quiet hours wait for the window's end;
 *      the global throttle grants what it can and the rest wait for the next slot; the
 *      granted ones are marked as being sent (and voucher campaigns issue their vouchers);
 *   2. (no transaction) send each template, the target id riding along as
 *      biz_opaque_callback_data;
 *   3. (a transaction per target) record sent, or wait / fail as the error code says
 *      (packages/domain/src/campaign-failures.ts).
 *
 * A dispatcher that dies between 1 and 3 leaves its targets "in doubt": the status
 * webhook of a message WhatsApp took records it (whatsapp-webhook), and only targets
 * with no webhook after app.campaign_send_doubt() are sent again. Every time is read
 * from `now()`, so tests run dispatchers on a simulated clock.
 */
import { targetFailureAction } from '../../../packages/domain/src/campaign-failures.ts';
import {
  isQuiet,
  quietEndsAt,
  quietWindowFor,
  type QuietHoursSetting,
  type QuietWindow,
} from '../../../packages/domain/src/quiet-hours.ts';
import { formatAmount, formatDate } from '../../../packages/render/src/card.ts';
import type { Caller } from './auth.ts';
import { asCaller, type Tx } from './db.ts';
import { signedUrl } from './storage.ts';
import { cardName, recordVoucherImages, storeVoucherImages, CARD_BUCKET, type CardVoucher } from './voucher-card.ts';
import type { WhatsAppClient, WhatsAppError } from './whatsapp.ts';

/** How long a dispatcher holds claimed targets (seconds). */
export const CAMPAIGN_LEASE_SECONDS = 120;
/** How long WhatsApp has to fetch a voucher card (seconds). */
const CARD_LINK_SECONDS = 24 * 3600;
/** How long a target waits when its template is missing from settings.templates. */
const NO_TEMPLATE_WAIT_SECONDS = 900;

export interface DispatchOptions {
  /** The service role: the dispatcher works on every campaign. */
  caller: Caller;
  whatsapp: WhatsAppClient;
  /** At most this many targets a pass. */
  batch: number;
  /** The clock (simulated in tests). */
  now?: () => Date;
  /** Sends in flight at once. */
  concurrency?: number;
  /** Test seams to kill a worker between the steps. */
  hooks?: { afterBegin?: () => Promise<void> | void; afterSend?: () => Promise<void> | void };
}

export interface DispatchResult {
  claimed: number;
  sent: number;
  opted_out: number;
  quiet: number;
  throttled: number;
  retrying: number;
  failed: number;
  finished_campaigns: number;
  /** Due targets wait for the throttle: a pass after its next slot would send. */
  throttle_full: boolean;
}

interface ClaimedTarget {
  target_id: string;
  campaign_id: string;
  msisdn: string;
  vars: Record<string, string>;
  attempts: number;
  voucher_id: string | null;
  campaign_type: 'promo' | 'voucher';
  template_id: string;
  options: { quiet_hours?: QuietWindow | null; throttle_bucket?: string };
  opted_out: boolean;
}

interface Template {
  id: string;
  language: string;
  variables?: string[];
}

interface SendJob {
  target: ClaimedTarget;
  template: Template | undefined;
  voucher: (CardVoucher & { png_url: string | null }) | null;
}

const emptyResult = (): DispatchResult => ({
  claimed: 0,
  sent: 0,
  opted_out: 0,
  quiet: 0,
  throttled: 0,
  retrying: 0,
  failed: 0,
  finished_campaigns: 0,
  throttle_full: false,
});

/** One pass of the dispatcher. */
export async function dispatchCampaigns(options: DispatchOptions): Promise<DispatchResult> {
  const now = options.now ?? (() => new Date());
  const result = emptyResult();
  const jobs = await asCaller(options.caller, (tx) => claimAndPlan(tx, options.batch, now(), result));
  await options.hooks?.afterBegin?.();

  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await sendOne(job, options, now, result);
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, jobs.length) }, worker));

  const [finished] = await asCaller(
    options.caller,
    (tx) => tx<{ n: number }[]>`select app.finish_drained_campaigns() as n`,
  );
  result.finished_campaigns = finished?.n ?? 0;
  return result;
}

/** Step 1, in one transaction: claim, sort out who is sent now, mark those in flight. */
async function claimAndPlan(tx: Tx, batch: number, at: Date, result: DispatchResult): Promise<SendJob[]> {
  // No room in the throttle: claim nothing (the tick waits for the next slot).
  const [room] = await tx<{ n: number }[]>`select app.send_slots_available('whatsapp', ${at}) as n`;
  if ((room?.n ?? 0) === 0) {
    const [due] = await tx<{ due: boolean }[]>`select app.campaign_targets_due(${at}) as due`;
    result.throttle_full = due?.due ?? false;
    return [];
  }
  // A whole batch even when only a few may go this second: opted-out and quiet targets are
  // sorted out at once, and ready ones beyond the throttle keep their place in the queue.
  const claimed = await tx<ClaimedTarget[]>`
    select * from app.claim_campaign_targets(${batch}, ${CAMPAIGN_LEASE_SECONDS}, ${at})`;
  result.claimed = claimed.length;
  if (claimed.length === 0) return [];

  const optedOut = claimed.filter((t) => t.opted_out).map((t) => t.target_id);
  if (optedOut.length > 0) {
    const [marked] = await tx<{ n: number }[]>`select app.mark_targets_opted_out(${optedOut}::uuid[]) as n`;
    result.opted_out = marked?.n ?? 0;
  }

  const settings = await tx<{ key: string; value: unknown }[]>`
    select key, value from public.settings where key in ('quiet_hours', 'templates')`;
  const quietHours = (settings.find((s) => s.key === 'quiet_hours')?.value ?? {}) as QuietHoursSetting;
  const templates = (settings.find((s) => s.key === 'templates')?.value ?? []) as Template[];

  // Quiet hours: each target in its own country's time zone (or the campaign's override).
  const quietUntil = new Map<string, string[]>();
  const ready: ClaimedTarget[] = [];
  for (const target of claimed) {
    if (target.opted_out) continue;
    const { window, timeZone } = quietWindowFor(target.msisdn, quietHours, target.options.quiet_hours ?? undefined);
    const ends = window && timeZone && isQuiet(at, window, timeZone) ? quietEndsAt(at, window, timeZone) : undefined;
    if (ends) {
      const key = ends.toISOString();
      quietUntil.set(key, [...(quietUntil.get(key) ?? []), target.target_id]);
    } else {
      ready.push(target);
    }
  }
  for (const [until, ids] of quietUntil) {
    await tx`select app.defer_campaign_targets(${ids}::uuid[], ${until}, 'quiet_hours')`;
    result.quiet += ids.length;
  }

  const [granted] = await tx<{ n: number }[]>`select app.take_send_slots('whatsapp', ${ready.length}, ${at}) as n`;
  const going = ready.slice(0, granted?.n ?? 0);
  const waiting = ready.slice(going.length).map((t) => t.target_id);
  if (waiting.length > 0) {
    // Released as they were (no new due time), so they stay first in the queue.
    await tx`select app.defer_campaign_targets(${waiting}::uuid[], null, 'throttle')`;
    result.throttled += waiting.length;
    result.throttle_full = true;
  }
  if (going.length === 0) return [];

  const begun = await tx<{ target_id: string; voucher_id: string | null }[]>`
    select * from app.begin_campaign_sends(${going.map((t) => t.target_id)}::uuid[], ${at})`;
  const voucherOf = new Map(begun.map((b) => [b.target_id, b.voucher_id]));
  const voucherIds = begun.flatMap((b) => (b.voucher_id ? [b.voucher_id] : []));
  const vouchers =
    voucherIds.length === 0
      ? []
      : await tx<(CardVoucher & { png_url: string | null })[]>`
          select id, code5, amount::float8 as amount, currency, station_scope, expires_at, png_url
            from public.vouchers where id = any (${voucherIds}::uuid[])`;
  return going
    .filter((target) => voucherOf.has(target.target_id))
    .map((target) => ({
      target,
      template: templates.find((t) => t.id === target.template_id),
      voucher: vouchers.find((v) => v.id === voucherOf.get(target.target_id)) ?? null,
    }));
}

/** Steps 2 and 3 for one target. */
async function sendOne(job: SendJob, options: DispatchOptions, now: () => Date, result: DispatchResult): Promise<void> {
  const { target, template, voucher } = job;
  if (!template) {
    // The template was removed from settings after the campaign started: wait for it.
    await asCaller(
      options.caller,
      (tx) => tx`
      select app.defer_campaign_targets(${[target.target_id]}::uuid[],
               ${new Date(now().getTime() + NO_TEMPLATE_WAIT_SECONDS * 1000)}, 'template_missing')`,
    );
    result.retrying += 1;
    return;
  }

  const values: Record<string, string> = { ...target.vars };
  let headerImageLink: string | undefined;
  if (voucher) {
    Object.assign(values, {
      code: voucher.code5,
      amount: formatAmount(voucher.amount),
      expiry: voucher.expires_at ? formatDate(new Date(voucher.expires_at)) : '-',
    });
    try {
      // The card is always `<voucher id>.png`: never a name read back from the row.
      if (!voucher.png_url) {
        const names = await storeVoucherImages(options.caller, voucher);
        await asCaller(options.caller, (tx) => recordVoucherImages(tx, voucher.id, names));
      }
      headerImageLink = await signedUrl(options.caller, CARD_BUCKET, cardName(voucher.id), CARD_LINK_SECONDS);
    } catch (error) {
      // Storage failed before anything was sent: an outage like any other.
      await recordFailure(options, target, now(), {
        kind: 'unavailable',
        code: 0,
        httpStatus: 503,
        message: `card not ready: ${(error as Error).message}`,
        retryAfterSeconds: 60,
      });
      result.retrying += 1;
      return;
    }
  }

  const sent = await options.whatsapp.sendTemplate(target.msisdn, {
    name: template.id,
    language: template.language,
    headerImageLink,
    body: Object.fromEntries((template.variables ?? []).map((name) => [name, values[name] ?? ''])),
    bizOpaqueCallbackData: target.target_id,
  });
  await options.hooks?.afterSend?.();

  if (sent.ok) {
    await asCaller(
      options.caller,
      (tx) => tx`select app.record_campaign_send(${target.target_id}, ${sent.messageId}, ${now()})`,
    );
    result.sent += 1;
    return;
  }
  const outcome = await recordFailure(options, target, now(), sent.error);
  result[outcome] += 1;
}

async function recordFailure(
  options: DispatchOptions,
  target: ClaimedTarget,
  at: Date,
  error: WhatsAppError,
): Promise<'retrying' | 'failed'> {
  const action = targetFailureAction(error, target.attempts);
  const code = error.code === 0 ? 'unavailable' : String(error.code);
  if (action.action === 'fail') {
    await asCaller(
      options.caller,
      (tx) => tx`select app.fail_campaign_target(${target.target_id}, ${action.errorCode}, ${error.message})`,
    );
    return 'failed';
  }
  const until = new Date(at.getTime() + action.delaySeconds * 1000);
  await asCaller(options.caller, async (tx) => {
    if (action.pauseChannelSeconds) {
      await tx`select app.pause_send_channel('whatsapp', ${new Date(at.getTime() + action.pauseChannelSeconds * 1000)})`;
    }
    await tx`select app.defer_campaign_targets(${[target.target_id]}::uuid[], ${until}, ${code},
               ${action.status === 'queued_throttled'}, ${action.countsAsAttempt}, ${code}, ${error.message})`;
  });
  return 'retrying';
}
