/**
 * Per-instance keys, generated on first start and kept in `.local/<instance>/secrets.json`
 * (never committed). The API keys are shaped like a hosted project's legacy keys: HS256
 * JWTs with `role` anon / service_role, signed with the project's JWT secret. The rest
 * are the project secrets a deployment sets with `supabase secrets set`: the voucher
 * signing key pair and the WhatsApp credentials (here: the sandbox's).
 */
import { generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Instance } from './instance.ts';
import { signJwt } from './jwt.ts';

export interface StackSecrets {
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
  /** Private ECDSA P-256 JWK that signs voucher QR tokens (VOUCHER_SIGNING_KEY). */
  voucherSigningKey: JsonWebKey;
  whatsappToken: string;
  whatsappAppSecret: string;
  whatsappVerifyToken: string;
}

/** What the gateway and the auth and storage stand-ins need: the JWT secret and API keys. */
export type ApiSecrets = Pick<StackSecrets, 'jwtSecret' | 'anonKey' | 'serviceRoleKey'>;

const TEN_YEARS = 10 * 365 * 24 * 3600;

export function apiKey(role: 'anon' | 'service_role', jwtSecret: string): string {
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({ iss: 'supabase', ref: 'local', role, iat, exp: iat + TEN_YEARS }, jwtSecret);
}

export function generateVoucherSigningKey(): JsonWebKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ format: 'jwk' });
}

const random = () => randomBytes(24).toString('base64url');

/** Fills in whatever a secrets file lacks (files written by older versions included). */
function complete(partial: Partial<StackSecrets>): StackSecrets {
  const jwtSecret = partial.jwtSecret ?? randomBytes(32).toString('base64url');
  return {
    jwtSecret,
    anonKey: partial.anonKey ?? apiKey('anon', jwtSecret),
    serviceRoleKey: partial.serviceRoleKey ?? apiKey('service_role', jwtSecret),
    voucherSigningKey: partial.voucherSigningKey ?? generateVoucherSigningKey(),
    whatsappToken: partial.whatsappToken ?? `EAAsandbox${random()}`,
    whatsappAppSecret: partial.whatsappAppSecret ?? random(),
    whatsappVerifyToken: partial.whatsappVerifyToken ?? random(),
  };
}

export function loadOrCreateSecrets(instance: Instance): StackSecrets {
  const existing = existsSync(instance.secretsFile)
    ? (JSON.parse(readFileSync(instance.secretsFile, 'utf8')) as Partial<StackSecrets>)
    : {};
  const secrets = complete(existing);
  if (Object.keys(secrets).some((key) => !(key in existing))) {
    mkdirSync(path.dirname(instance.secretsFile), { recursive: true });
    writeFileSync(instance.secretsFile, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}
