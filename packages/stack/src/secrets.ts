/**
 * Per-instance keys, generated on first start and kept in `.local/<instance>/secrets.json`
 * (never committed). Shaped like a hosted project's legacy keys: HS256 JWTs with
 * `role` anon / service_role, signed with the project's JWT secret.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Instance } from './instance.ts';
import { signJwt } from './jwt.ts';

export interface StackSecrets {
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
}

const TEN_YEARS = 10 * 365 * 24 * 3600;

export function apiKey(role: 'anon' | 'service_role', jwtSecret: string): string {
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({ iss: 'supabase', ref: 'local', role, iat, exp: iat + TEN_YEARS }, jwtSecret);
}

export function loadOrCreateSecrets(instance: Instance): StackSecrets {
  if (existsSync(instance.secretsFile)) {
    return JSON.parse(readFileSync(instance.secretsFile, 'utf8')) as StackSecrets;
  }
  const jwtSecret = randomBytes(32).toString('base64url');
  const secrets: StackSecrets = {
    jwtSecret,
    anonKey: apiKey('anon', jwtSecret),
    serviceRoleKey: apiKey('service_role', jwtSecret),
  };
  mkdirSync(path.dirname(instance.secretsFile), { recursive: true });
  writeFileSync(instance.secretsFile, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
