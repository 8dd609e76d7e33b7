/**
 * The signed token in a voucher's QR code, compact enough for a small QR:
 *
 *   EM1.<code5>.<voucher id>.<amount>.<station scope or ->.<expiry or ->.<signature>
 *
 * ids are UUIDs as 22 base64url characters, the amount is in minor units (hundredths:
 * 5000 RWF is 500000), the expiry is Unix seconds in base 36, and
 * the signature is ECDSA P-256 / SHA-256 (raw r‖s, base64url) over everything before it.
 * The server signs with a private key only it holds; the station PWA verifies with the
 * public key, offline, so a forged QR is refused on the spot and a stolen tablet cannot
 * mint vouchers. WebCrypto only: runs in browsers, Deno and Node alike.
 */
import { isCode5 } from './code5.ts';

export interface VoucherClaims {
  code5: string;
  voucherId: string;
  amount: number;
  stationScope: string | null;
  expiresAt: Date | null;
}

export type TokenCheck =
  { ok: true; claims: VoucherClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

const PREFIX = 'EM1';
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(
      text
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(text.length / 4) * 4, '='),
    );
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function uuidToToken(uuid: string): string {
  const hex = uuid.replace(/-/g, '');
  return toBase64Url(Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)));
}

function tokenToUuid(text: string): string | undefined {
  const bytes = text.length === 22 ? fromBase64Url(text) : undefined;
  // Canonical only: a character that differs in unused low bits would decode the same.
  if (!bytes || bytes.length !== 16 || toBase64Url(bytes) !== text) return undefined;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The signed part of a token (everything but the signature). */
export function tokenPayload(claims: VoucherClaims): string {
  if (!isCode5(claims.code5) || !UUID.test(claims.voucherId))
    throw new Error('a token needs a canonical code and a voucher id');
  if (claims.stationScope !== null && !UUID.test(claims.stationScope)) throw new Error('a station scope is a UUID');
  return [
    PREFIX,
    claims.code5,
    uuidToToken(claims.voucherId),
    String(Math.round(claims.amount * 100)),
    claims.stationScope === null ? '-' : uuidToToken(claims.stationScope),
    claims.expiresAt === null ? '-' : Math.floor(claims.expiresAt.getTime() / 1000).toString(36),
  ].join('.');
}

/** Reads a token's fields without checking the signature; undefined when malformed. */
export function parseVoucherToken(
  token: string,
): { claims: VoucherClaims; signed: string; signature: Uint8Array<ArrayBuffer> } | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 7 || parts[0] !== PREFIX) return undefined;
  const [, code5 = '', id = '', amountText = '', scope = '', expiry = '', signatureText = ''] = parts;
  const voucherId = tokenToUuid(id);
  const amount = Number(amountText) / 100;
  const stationScope = scope === '-' ? null : tokenToUuid(scope);
  const expirySeconds = expiry === '-' ? null : /^[0-9a-z]{1,8}$/.test(expiry) ? parseInt(expiry, 36) : NaN;
  const signature = fromBase64Url(signatureText);
  if (!isCode5(code5) || !voucherId || stationScope === undefined || !/^[1-9]\d{0,13}$/.test(amountText))
    return undefined;
  if (expirySeconds !== null && !Number.isFinite(expirySeconds)) return undefined;
  if (!signature || signature.length !== 64 || toBase64Url(signature) !== signatureText) return undefined;
  return {
    claims: {
      code5,
      voucherId,
      amount,
      stationScope,
      expiresAt: expirySeconds === null ? null : new Date(expirySeconds * 1000),
    },
    signed: parts.slice(0, 6).join('.'),
    signature,
  };
}

export async function importVerifyingKey(jwk: JsonWebKey): Promise<CryptoKey> {
  return crypto.subtle.importKey('jwk', jwk, ALGORITHM, false, ['verify']);
}

export async function importSigningKey(jwk: JsonWebKey): Promise<CryptoKey> {
  return crypto.subtle.importKey('jwk', jwk, ALGORITHM, false, ['sign']);
}

export async function signVoucherToken(claims: VoucherClaims, privateKey: CryptoKey): Promise<string> {
  const payload = tokenPayload(claims);
  const signature = new Uint8Array(await crypto.subtle.sign(SIGNING, privateKey, new TextEncoder().encode(payload)));
  return `${payload}.${toBase64Url(signature)}`;
}

/** Checks a token with the public key: well formed, genuinely signed, not expired at `now`. */
export async function verifyVoucherToken(token: string, publicKey: CryptoKey, now = new Date()): Promise<TokenCheck> {
  const parsed = parseVoucherToken(token);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const genuine = await crypto.subtle.verify(
    SIGNING,
    publicKey,
    parsed.signature,
    new TextEncoder().encode(parsed.signed),
  );
  if (!genuine) return { ok: false, reason: 'bad_signature' };
  if (parsed.claims.expiresAt && parsed.claims.expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims: parsed.claims };
}
