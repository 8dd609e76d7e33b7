/**
 * What the pump display shows for a presented voucher. A QR token is verified on the
 * device first (a forged one is refused on the spot, online or not); then the server is
 * asked when reachable. Offline, a verified QR shows what its signed token says and a
 * typed code is shown as unverified: both can be queued.
 */
import type { TLookupResponse, TStationConfig } from '@easymo/contracts';
import { importVerifyingKey, verifyVoucherToken, type VoucherClaims } from '@easymo/domain';
import { ApiError, isNetworkError } from './api.ts';

export type Presented = { code: string } | { token: string };

export type Judgement =
  | { kind: 'online'; voucher: TLookupResponse }
  | { kind: 'offline_verified'; claims: VoucherClaims }
  | { kind: 'offline_unverified'; code5: string }
  /** reason: an API error code, or forged / malformed for a QR that fails on the device. */
  | { kind: 'refused'; reason: string; retryAfterSeconds?: number };

/** A lookup slower than this is treated as offline: the operator can still queue. */
const LOOKUP_TIMEOUT_MS = 8_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ApiError('network', 'the server did not answer in time', 0)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** A voucher the display can show (and the operator may redeem). */
export type Shown = Exclude<Judgement, { kind: 'refused' }>;

/** What is known of a shown voucher: from the server, from its signed token, or only its typed code. */
export function shownFacts(shown: Shown): { code5: string; amount: number | null; expiresAt: string | null } {
  switch (shown.kind) {
    case 'online':
      return { code5: shown.voucher.code5, amount: shown.voucher.amount, expiresAt: shown.voucher.expires_at };
    case 'offline_verified':
      return {
        code5: shown.claims.code5,
        amount: shown.claims.amount,
        expiresAt: shown.claims.expiresAt?.toISOString() ?? null,
      };
    case 'offline_unverified':
      return { code5: shown.code5, amount: null, expiresAt: null };
  }
}

const keys = new Map<string, Promise<CryptoKey>>();
function verifyingKey(config: TStationConfig): Promise<CryptoKey> {
  const id = `${config.qr_public_key.x}.${config.qr_public_key.y}`;
  let key = keys.get(id);
  if (!key) {
    key = importVerifyingKey(config.qr_public_key);
    keys.set(id, key);
  }
  return key;
}

export async function judgePresented(
  presented: Presented,
  config: TStationConfig,
  lookup: (presented: Presented) => Promise<TLookupResponse>,
  now: Date,
): Promise<Judgement> {
  let claims: VoucherClaims | undefined;
  if ('token' in presented) {
    const check = await verifyVoucherToken(presented.token, await verifyingKey(config), now);
    if (!check.ok) return { kind: 'refused', reason: check.reason === 'bad_signature' ? 'forged' : check.reason };
    claims = check.claims;
    if (claims.stationScope && claims.stationScope !== config.station.id)
      return { kind: 'refused', reason: 'wrong_station' };
  }
  // Known offline: no request (it could wait on a token refresh that cannot happen).
  if (navigator.onLine) {
    try {
      return { kind: 'online', voucher: await withTimeout(lookup(presented), LOOKUP_TIMEOUT_MS) };
    } catch (error) {
      if (!isNetworkError(error)) {
        const api = error instanceof ApiError ? error : undefined;
        const retry = api?.retryAfter;
        return { kind: 'refused', reason: api?.code ?? 'unknown', ...(retry ? { retryAfterSeconds: retry } : {}) };
      }
    }
  }
  if (claims) return { kind: 'offline_verified', claims };
  return { kind: 'offline_unverified', code5: (presented as { code: string }).code };
}
