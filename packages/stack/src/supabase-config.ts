/**
 * The parts of `supabase/config.toml` the local stack emulates, with the Supabase
 * CLI's defaults where a key is absent.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';

export interface FunctionConfig {
  verifyJwt: boolean;
}

export interface SupabaseConfig {
  auth: {
    jwtExpiry: number;
    refreshTokenRotation: boolean;
    refreshTokenReuseInterval: number;
  };
  seedPaths: string[];
  functions: Record<string, FunctionConfig>;
}

type Table = Record<string, unknown>;

const table = (value: unknown): Table =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Table) : {};

const numberOr = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
const boolOr = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);

export function readSupabaseConfig(root: string): SupabaseConfig {
  const supabaseDir = path.join(root, 'supabase');
  const doc = table(parse(readFileSync(path.join(supabaseDir, 'config.toml'), 'utf8')));
  const auth = table(doc.auth);
  const seed = table(table(doc.db).seed);
  const functions: Record<string, FunctionConfig> = {};
  for (const [name, value] of Object.entries(table(doc.functions))) {
    functions[name] = { verifyJwt: boolOr(table(value).verify_jwt, true) };
  }
  const seedPaths = Array.isArray(seed.sql_paths) ? seed.sql_paths.map(String) : ['./seed.sql'];
  return {
    auth: {
      jwtExpiry: numberOr(auth.jwt_expiry, 3600),
      refreshTokenRotation: boolOr(auth.enable_refresh_token_rotation, true),
      refreshTokenReuseInterval: numberOr(auth.refresh_token_reuse_interval, 10),
    },
    seedPaths: seedPaths.map((p) => path.resolve(supabaseDir, p)),
    functions,
  };
}

/** Functions default to verify_jwt = true, as in the Supabase CLI. */
export function functionConfig(config: SupabaseConfig, name: string): FunctionConfig {
  return config.functions[name] ?? { verifyJwt: true };
}
