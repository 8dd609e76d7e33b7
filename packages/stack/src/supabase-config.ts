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
  /** [storage] file_size_limit in bytes. */
  storageFileSizeLimit: number;
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
  const storage = table(doc.storage);
  return {
    auth: {
      jwtExpiry: numberOr(auth.jwt_expiry, 3600),
      refreshTokenRotation: boolOr(auth.enable_refresh_token_rotation, true),
      refreshTokenReuseInterval: numberOr(auth.refresh_token_reuse_interval, 10),
    },
    seedPaths: seedPaths.map((p) => path.resolve(supabaseDir, p)),
    functions,
    storageFileSizeLimit: parseByteSize(storage.file_size_limit ?? '50MiB'),
  };
}

/** The CLI's size strings: "50MiB", "5MB", "1GB", "512KiB" or a number of bytes. */
export function parseByteSize(value: unknown): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?$/i.exec(String(value).trim());
  if (!match) throw new Error(`bad size in config.toml: ${String(value)}`);
  const units: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 };
  return Math.floor(Number(match[1]) * (units[(match[2] ?? 'B').toUpperCase()] ?? 1));
}

/** Functions default to verify_jwt = true, as in the Supabase CLI. */
export function functionConfig(config: SupabaseConfig, name: string): FunctionConfig {
  return config.functions[name] ?? { verifyJwt: true };
}
