/**
 * HS256 JSON Web Tokens, as Supabase signs its API keys and GoTrue its access tokens
 * (legacy symmetric JWT secret). node:crypto only.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type JwtPayload = Record<string, unknown>;

export type JwtCheck =
  | { ok: true; payload: JwtPayload }
  | { ok: false; reason: 'malformed' | 'unsupported_algorithm' | 'bad_signature' | 'expired' | 'not_yet_valid' };

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function hmac(secret: string, input: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

export function signJwt(payload: JwtPayload, secret: string, header: Record<string, unknown> = {}): string {
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', ...header }));
  const body = base64url(JSON.stringify(payload));
  return `${head}.${body}.${base64url(hmac(secret, `${head}.${body}`))}`;
}

/** Checks signature, `exp` and `nbf` (when present). `now` is in seconds since the epoch. */
export function verifyJwt(token: string, secret: string, now = Math.floor(Date.now() / 1000)): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [head, body, signature] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isObject(header) || !isObject(payload)) return { ok: false, reason: 'malformed' };
  if (header.alg !== 'HS256') return { ok: false, reason: 'unsupported_algorithm' };
  const expected = hmac(secret, `${head}.${body}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad_signature' };
  if (typeof payload.exp === 'number' && payload.exp <= now) return { ok: false, reason: 'expired' };
  if (typeof payload.nbf === 'number' && payload.nbf > now) return { ok: false, reason: 'not_yet_valid' };
  return { ok: true, payload };
}

/** Reads a token's payload without checking it (only for tokens already verified). */
export function decodeJwtPayload(token: string): JwtPayload | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return isObject(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
