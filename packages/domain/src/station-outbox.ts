/**
 * Rules of the station's offline outbox (DESIGN.md, offline redemption protocol): when a
 * redemption may be taken offline, what the station does with each answer the server
 * gives a queued row, and how long it waits before trying again.
 */

/** The offline limits a station gets from `station/config`. */
export interface OfflineLimits {
  /** Most redemptions waiting to sync at once. */
  max_count: number;
  /** Most RWF waiting to sync at once (typed codes count 0: their amount is unknown offline). */
  max_total: number;
  /** Oldest a capture may be when it reaches the server. */
  max_age_hours: number;
}

/** A redemption in the outbox that has not reached the server yet. */
export interface WaitingRedemption {
  /** Amount when known (from a verified QR), else null. */
  amount: number | null;
  captured_at: string;
}

export type OfflineRefusal = 'max_count' | 'max_total' | 'max_age';

/**
 * Whether one more redemption (of `amount`, null when unknown) may be queued offline
 * beside those `waiting`. Refused when the queue is full, when it would exceed the RWF
 * limit, or when the oldest waiting row is already too old to be accepted.
 */
export function offlineRefusal(
  waiting: readonly WaitingRedemption[],
  amount: number | null,
  limits: OfflineLimits,
  now: Date,
): OfflineRefusal | null {
  if (waiting.length + 1 > limits.max_count) return 'max_count';
  const total = waiting.reduce((sum, row) => sum + (row.amount ?? 0), 0) + (amount ?? 0);
  if (total > limits.max_total) return 'max_total';
  const oldest = Math.min(...waiting.map((row) => Date.parse(row.captured_at)));
  if (Number.isFinite(oldest) && now.getTime() - oldest > limits.max_age_hours * 3600_000) return 'max_age';
  return null;
}

/** What to do with an outbox row after the server (or the network) answered. */
export type SyncVerdict =
  /** Redeemed (or the server's stored first answer to this key said so). */
  | { kind: 'synced' }
  /** The server refused it for good: an operator must look (already redeemed elsewhere, void…). */
  | { kind: 'attention'; code: string }
  /** Not this row's fault (network, server, rate limit, expired session): try again later. */
  | { kind: 'retry'; delayMs: number };

/** Error codes that a retry cannot change; everything else is retried with backoff. */
const FINAL_CODES = new Set([
  'already_redeemed',
  'void',
  'expired',
  'wrong_station',
  'not_found',
  'not_yet_valid',
  'capture_rejected',
  'idempotency_conflict',
  'invalid_request',
  'invalid_token',
  'forbidden',
  'payload_too_large',
]);

export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 5 * 60_000;

/**
 * Wait before the next try after `failures` failed tries in a row: 5 s, 10 s, 20 s, …
 * capped at 5 minutes. `jitter` in [0, 1) spreads tablets that reconnect together by up
 * to a fifth of the wait.
 */
export function backoffMs(failures: number, jitter = 0): number {
  const exponent = Math.max(0, Math.min(failures - 1, 16));
  const base = Math.min(BACKOFF_BASE_MS * 2 ** exponent, BACKOFF_MAX_MS);
  return Math.round(base * (1 + Math.min(Math.max(jitter, 0), 0.999) / 5));
}

/**
 * The verdict for a row's answer. `failures` counts this failure too; `retryAfterSeconds`
 * comes with `too_many_attempts` and is honoured when longer than the backoff.
 */
export function judgeSyncAnswer(
  answer: { ok: true } | { ok: false; code: string; retryAfterSeconds?: number },
  failures: number,
  jitter = 0,
): SyncVerdict {
  if (answer.ok) return { kind: 'synced' };
  if (FINAL_CODES.has(answer.code)) return { kind: 'attention', code: answer.code };
  const delayMs = Math.max(backoffMs(failures, jitter), (answer.retryAfterSeconds ?? 0) * 1000);
  return { kind: 'retry', delayMs };
}
