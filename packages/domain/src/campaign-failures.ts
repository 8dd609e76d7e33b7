/**
 * What the campaign dispatcher does with a target after WhatsApp refused to send to it,
 * from the error's Graph code, its kind (classified as in
 * supabase/functions/_shared/whatsapp.ts) and its HTTP status. Only failures that say
 * something about this target count towards its MAX_TARGET_ATTEMPTS; rate limits and a
 * broken account say nothing about it, so they wait without using up its attempts.
 *
 * - 130429, the throughput limit: the whole channel (every campaign and voucher send)
 *   pauses 60 s, and the target waits as throttled, uncounted.
 * - 131056, too many messages to this one person: only they wait, 60 s, uncounted.
 * - 131049, WhatsApp chose not to deliver (ecosystem engagement): try again in 24 hours,
 *   counted; the attempt that reaches the maximum fails.
 * - 131026 (undeliverable), and any other rejected or undeliverable code: fails at once;
 *   the same message will not fare better. The error code is the Graph code, or the kind
 *   when there is none (0).
 * - Account and template setup (190, 10, 200, 132000, 132001, 132015 below HTTP 500):
 *   every send fails until someone fixes it; wait 15 minutes, uncounted.
 * - Other rate limits (4, 80007, 131048, HTTP 429): wait 5 minutes as throttled,
 *   uncounted, and pause the channel 60 s.
 * - WhatsApp or the network failing (HTTP 0 or 5xx, code 0, 131000, 131016, 133004), or
 *   any other unavailability: counted, waiting 30 s, 60 s, 120 s, 240 s; the fifth fails.
 */

export const MAX_TARGET_ATTEMPTS = 5;

/** As WhatsAppErrorKind in supabase/functions/_shared/whatsapp.ts. */
export type FailureKind = 'throttled' | 'undeliverable' | 'rejected' | 'unavailable';

export type TargetFailureAction =
  | {
      action: 'retry';
      status: 'queued' | 'queued_throttled';
      delaySeconds: number;
      /** Whether this failure uses up one of the target's MAX_TARGET_ATTEMPTS. */
      countsAsAttempt: boolean;
      /** Hold the whole channel (all campaigns and voucher sends) this long. */
      pauseChannelSeconds?: number;
      reason: string;
    }
  | { action: 'fail'; errorCode: string; reason: string };

const THROUGHPUT_LIMIT = 130429;
const PAIR_RATE_LIMIT = 131056;
const ENGAGEMENT_LIMIT = 131049;
const SETUP_CODES = new Set([190, 10, 200, 132000, 132001, 132015]);
const CHANNEL_PAUSE_SECONDS = 60;

/**
 * The action for a failed send; `attemptsSoFar` counts the target's counted attempts
 * before this one.
 */
export function targetFailureAction(
  error: { code: number; kind: FailureKind; httpStatus: number },
  attemptsSoFar: number,
): TargetFailureAction {
  const { code, kind, httpStatus } = error;
  const attempt = attemptsSoFar + 1;
  const errorCode = code === 0 ? kind : String(code);

  if (code === THROUGHPUT_LIMIT) {
    return {
      action: 'retry',
      status: 'queued_throttled',
      delaySeconds: 60,
      countsAsAttempt: false,
      pauseChannelSeconds: CHANNEL_PAUSE_SECONDS,
      reason: 'WhatsApp throughput limit reached: the channel pauses a minute',
    };
  }
  if (code === PAIR_RATE_LIMIT) {
    return {
      action: 'retry',
      status: 'queued',
      delaySeconds: 60,
      countsAsAttempt: false,
      reason: 'too many messages to this number: it waits a minute',
    };
  }
  if (code === ENGAGEMENT_LIMIT) {
    if (attempt >= MAX_TARGET_ATTEMPTS) {
      return {
        action: 'fail',
        errorCode,
        reason: `WhatsApp did not deliver to this number ${MAX_TARGET_ATTEMPTS} times (engagement limit)`,
      };
    }
    return {
      action: 'retry',
      status: 'queued',
      delaySeconds: 24 * 3600,
      countsAsAttempt: true,
      reason: `WhatsApp chose not to deliver (engagement limit): trying again in 24 hours (attempt ${attempt} of ${MAX_TARGET_ATTEMPTS})`,
    };
  }
  if (kind === 'rejected' || kind === 'undeliverable') {
    return {
      action: 'fail',
      errorCode,
      reason:
        kind === 'rejected' ? 'WhatsApp rejected the message' : 'WhatsApp could not deliver the message to this number',
    };
  }
  if (kind === 'unavailable' && SETUP_CODES.has(code) && httpStatus > 0 && httpStatus < 500) {
    return {
      action: 'retry',
      status: 'queued',
      delaySeconds: 900,
      countsAsAttempt: false,
      reason: 'the WhatsApp account or template needs fixing: waiting 15 minutes',
    };
  }
  if (kind === 'throttled' || httpStatus === 429) {
    return {
      action: 'retry',
      status: 'queued_throttled',
      delaySeconds: 300,
      countsAsAttempt: false,
      pauseChannelSeconds: CHANNEL_PAUSE_SECONDS,
      reason: 'WhatsApp rate limit reached: the channel pauses a minute, this message waits 5 minutes',
    };
  }
  // What is left is 'unavailable': WhatsApp or the network failed (HTTP 0 or 5xx, code 0,
  // 131000, 131016, 133004) or an unavailability we do not know. Counted, so that a target
  // cannot stay queued for ever.
  if (attempt >= MAX_TARGET_ATTEMPTS) {
    return { action: 'fail', errorCode, reason: `WhatsApp was unavailable ${MAX_TARGET_ATTEMPTS} times` };
  }
  const delaySeconds = 30 * 2 ** Math.max(0, attemptsSoFar);
  return {
    action: 'retry',
    status: 'queued',
    delaySeconds,
    countsAsAttempt: true,
    reason: `WhatsApp is unavailable: trying again in ${delaySeconds} s (attempt ${attempt} of ${MAX_TARGET_ATTEMPTS})`,
  };
}
