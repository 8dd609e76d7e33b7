/**
 * Brings a database to the project's schema: the platform shim (only on a database that
 * is not a Supabase one), then migrations and seed through the Supabase CLI itself, so
 * migration tracking is the CLI's own (`supabase_migrations.schema_migrations`).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { StackError } from './errors.ts';
import { dbUrl, type Instance } from './instance.ts';
import type { Log } from './log.ts';

const SHIM_FILE = fileURLToPath(new URL('../sql/platform-shim.sql', import.meta.url));
/** Written into the shim's schema comments: tells our shim apart from real Supabase. */
export const SHIM_MARKER = 'easymo local platform shim';

export function connect(instance: Instance, max = 1): postgres.Sql {
  return postgres(dbUrl(instance), { max, onnotice: () => undefined, connect_timeout: 10 });
}

/** The Supabase CLI's entry script, run with this Node (no global install needed). */
export function supabaseCli(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('supabase/dist/supabase.js');
}

export async function waitForDatabase(instance: Instance, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sql = connect(instance);
    try {
      await sql`select 1`;
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new StackError(`database not reachable at ${dbUrl(instance)}: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await sql.end({ timeout: 1 });
    }
  }
}

/** A real Supabase database already has GoTrue's and storage-api's schemas. */
async function isSupabaseDatabase(sql: postgres.Sql): Promise<boolean> {
  const [row] = await sql<{ has_users: boolean; comment: string | null }[]>`
    select to_regclass('auth.users') is not null as has_users, obj_description(oid, 'pg_namespace') as comment
      from pg_namespace where nspname = 'auth'`;
  return row !== undefined && row.has_users && !(row.comment ?? '').includes(SHIM_MARKER);
}

/** Applies the shim unless this is a real Supabase database; true when the shim is in use. */
export async function applyPlatformShim(instance: Instance, log: Log): Promise<boolean> {
  const sql = connect(instance);
  try {
    if (await isSupabaseDatabase(sql)) {
      log('Supabase database detected: platform shim not needed');
      return false;
    }
    await sql.file(SHIM_FILE);
    return true;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export function runSupabaseCli(instance: Instance, args: string[], log: Log): string {
  const result = spawnSync(process.execPath, [supabaseCli(), ...args], {
    cwd: instance.root,
    encoding: 'utf8',
    env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  for (const line of output.split('\n')) if (line.trim()) log(`supabase: ${line}`);
  if (result.status !== 0) throw new StackError(`supabase ${args.slice(0, 2).join(' ')} failed:\n${output}`);
  return output;
}

export function cliDbUrl(instance: Instance): string {
  const url = new URL(dbUrl(instance));
  if (!url.searchParams.has('sslmode') && ['127.0.0.1', 'localhost'].includes(url.hostname)) {
    url.searchParams.set('sslmode', 'disable');
  }
  return url.toString();
}

/** Applies pending migrations and, once per change of the file, supabase/seed.sql. */
export function pushMigrations(instance: Instance, log: Log): void {
  runSupabaseCli(instance, ['db', 'push', `--remote=${cliDbUrl(instance)}`, '--yes', '--include-seed'], log);
}

/** Runs the seed files again (they are idempotent): `pnpm stack seed`. */
export async function runSeed(instance: Instance, seedPaths: string[], log: Log): Promise<void> {
  const sql = connect(instance);
  try {
    for (const file of seedPaths) {
      log(`seeding ${path.relative(instance.root, file)}`);
      await sql.file(file);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
