/**
 * Looking up and redeeming what an operator presents: a typed code, or the signed token
 * from the voucher's QR (checked here with the public key, so a forged or altered QR is
 * refused before the database is asked). The SQL answers `{ ok, … }` objects; a refusal
 * becomes the API error of the same code.
 */
import { ERROR_STATUS, type ErrorCode } from '../../../packages/contracts/src/errors.ts';
import type { TLookupRequest, TRedeemRequest } from '../../../packages/contracts/src/station/station.ts';
import { verifyVoucherToken } from '../../../packages/domain/src/voucher-token.ts';
import type { Caller } from '../_shared/auth.ts';
import { asCaller } from '../_shared/db.ts';
import { UserError } from '../_shared/errors.ts';
import { voucherVerifyingKey } from '../_shared/voucher-keys.ts';

export interface Refusal {
  code: string;
  message: string;
  retry_after?: number;
}

export type LookupAnswer = { ok: true; voucher: Record<string, unknown> } | { ok: false; error: Refusal };
export type RedeemAnswer = { ok: true; redemption: Record<string, unknown> } | { ok: false; error: Refusal };

/** A refusal from SQL as the API error (an unknown code would be a bug: a 409 says so). */
export function refusalError(refusal: Refusal): UserError {
  const code = (Object.hasOwn(ERROR_STATUS, refusal.code) ? refusal.code : 'conflict') as ErrorCode;
  const error = new UserError(code, refusal.message);
  if (refusal.retry_after !== undefined) error.retryAfter = refusal.retry_after;
  return error;
}

/** The code and (for a QR) the voucher id presented, with the token checked as of `at`. */
export async function presented(
  request: { code?: string | undefined; token?: string | undefined },
  at: Date,
): Promise<{ code5: string; voucherId: string | null }> {
  if (request.code !== undefined) return { code5: request.code, voucherId: null };
  const check = await verifyVoucherToken(request.token ?? '', await voucherVerifyingKey(), at);
  if (check.ok) return { code5: check.claims.code5, voucherId: check.claims.voucherId };
  if (check.reason === 'expired') throw new UserError('expired', 'This voucher expired before it was presented');
  throw new UserError(
    'invalid_token',
    check.reason === 'malformed'
      ? 'This QR code is not an easyMO voucher'
      : 'This QR code is not a genuine voucher: its signature does not match',
  );
}

export async function lookup(caller: Caller, request: TLookupRequest): Promise<LookupAnswer> {
  const { code5, voucherId } = await presented(request, new Date());
  const [row] = await asCaller(
    caller,
    (tx) => tx<{ answer: LookupAnswer }[]>`select app.lookup_voucher(${code5}, ${voucherId}) as answer`,
  );
  if (!row) throw new Error('lookup_voucher returned no row');
  const answer = row.answer;
  return answer.ok ? { ok: true, voucher: isoInstants(answer.voucher, ['expires_at']) } : answer;
}

/** Instants as the rest of the API writes them (ISO 8601, UTC, 'Z'), not Postgres's JSON form. */
function isoInstants<T extends Record<string, unknown>>(record: T, keys: string[]): T {
  const out: Record<string, unknown> = { ...record };
  for (const key of keys) {
    if (typeof out[key] === 'string') out[key] = new Date(out[key] as string).toISOString();
  }
  return out as T;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function redeem(caller: Caller, request: TRedeemRequest): Promise<RedeemAnswer> {
  const capturedAt = new Date(request.captured_at);
  const now = new Date();
  // A QR is judged as of its capture (an offline scan before expiry stays good), never later than now.
  const { code5, voucherId } = await presented(request, capturedAt < now ? capturedAt : now);
  const offline = request.offline ?? false;
  // What makes two requests "the same" for the idempotency key.
  const requestHash = await sha256Hex(JSON.stringify([code5, voucherId, capturedAt.toISOString(), offline]));
  const [row] = await asCaller(
    caller,
    (tx) => tx<{ answer: RedeemAnswer }[]>`
      select app.redeem_voucher(${request.idempotency_key}, ${code5}, ${voucherId}, ${capturedAt}, ${offline}, ${requestHash}) as answer`,
  );
  if (!row) throw new Error('redeem_voucher returned no row');
  const answer = row.answer;
  return answer.ok ? { ok: true, redemption: isoInstants(answer.redemption, ['redeemed_at']) } : answer;
}
