/**
 * The key pair behind voucher QR tokens. The private JWK lives only in the function
 * secrets (VOUCHER_SIGNING_KEY); stations receive the public half from `station/config`.
 */
import { importSigningKey, importVerifyingKey } from '../../../packages/domain/src/voucher-token.ts';
import { requireEnv } from './env.ts';

export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

function privateJwk(): JsonWebKey {
  let jwk: JsonWebKey;
  try {
    jwk = JSON.parse(requireEnv('VOUCHER_SIGNING_KEY')) as JsonWebKey;
  } catch {
    // Not the parser's message: it may quote part of the key.
    throw new Error('VOUCHER_SIGNING_KEY is not JSON (expected a private ECDSA P-256 JWK)');
  }
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.x || !jwk.y) {
    throw new Error('VOUCHER_SIGNING_KEY must be a private ECDSA P-256 JWK (kty EC, crv P-256, d, x, y)');
  }
  return jwk;
}

let signing: Promise<CryptoKey> | undefined;

export function voucherSigningKey(): Promise<CryptoKey> {
  signing ??= importSigningKey(privateJwk());
  return signing;
}

/** The public half, as stations need it to check QR tokens offline. */
export function voucherPublicJwk(): PublicJwk {
  const { x, y } = privateJwk();
  return { kty: 'EC', crv: 'P-256', x: x ?? '', y: y ?? '' };
}

let verifying: Promise<CryptoKey> | undefined;

export function voucherVerifyingKey(): Promise<CryptoKey> {
  verifying ??= importVerifyingKey(voucherPublicJwk());
  return verifying;
}
