/**
 * Stack operations behind `pnpm stack up|down|status|reset|seed|logs` and `pnpm dev`.
 *
 * Processes: Postgres runs as its own daemon (pg_ctl). The services (gateway, auth and
 * storage stand-ins, Deno functions) run either in a detached process group started by
 * `up`, or inside `pnpm dev` itself. `.local/<instance>/state.json` records which pid
 * owns them, so `down` can stop exactly what was started and nothing else.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appUrl } from './apps.ts';
import {
  applyPlatformShim,
  connect,
  pushMigrations,
  runSeed,
  runSupabaseCli,
  cliDbUrl,
  waitForDatabase,
} from './database.ts';
import { DEMO_PASSWORD } from './demo.ts';
import { seedDocuments } from './seed-documents.ts';
import { StackError } from './errors.ts';
import { apiUrl, dbUrl, reserveInstancePorts, whatsappUrl, type Instance } from './instance.ts';
import type { Log } from './log.ts';
import { PostgresCluster } from './postgres.ts';
import { loadOrCreateSecrets } from './secrets.ts';
import { readSupabaseConfig } from './supabase-config.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

interface StackState {
  pid: number;
  /** `daemon`: started by `stack up`; `foreground`: inside `pnpm dev`, `pnpm test` or `pnpm bench`. */
  mode: 'daemon' | 'foreground';
  startedAt: string;
  /** The script the owner runs: a reused pid running anything else is not ours. */
  script: string;
}

export function readState(instance: Instance): StackState | undefined {
  if (!existsSync(instance.stateFile)) return undefined;
  try {
    return JSON.parse(readFileSync(instance.stateFile, 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

export function writeState(instance: Instance, state: StackState): void {
  mkdirSync(instance.dir, { recursive: true });
  writeFileSync(instance.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

export function clearState(instance: Instance): void {
  rmSync(instance.stateFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Alive and still running our script (pids are reused after exits and reboots). */
function isOwner(state: StackState): boolean {
  if (!isAlive(state.pid)) return false;
  const cmdline = `/proc/${state.pid}/cmdline`;
  if (!existsSync(cmdline)) return true; // no /proc (macOS): the liveness check is all we have
  try {
    // Arguments may be relative to the process's working directory.
    const cwd = readlinkSync(`/proc/${state.pid}/cwd`);
    return readFileSync(cmdline, 'utf8')
      .split('\0')
      .some((arg) => arg && path.resolve(cwd, arg) === state.script);
  } catch {
    return false;
  }
}

/** The process serving the gateway for this instance, if it is still that process. */
export function servicesOwner(instance: Instance): StackState | undefined {
  const state = readState(instance);
  return state && isOwner(state) ? state : undefined;
}

/** Records this process (pnpm dev, pnpm test, pnpm bench) as the owner of the services. */
export function claimServices(instance: Instance): void {
  const script = path.resolve(process.argv[1] ?? '');
  writeState(instance, { pid: process.pid, mode: 'foreground', startedAt: new Date().toISOString(), script });
}

export function cluster(instance: Instance, log: Log): PostgresCluster | undefined {
  return instance.externalDbUrl ? undefined : new PostgresCluster(instance, log);
}

/**
 * The local stack seeds demo accounts with a published password and `reset` wipes data:
 * it refuses a DATABASE_URL that is not on this machine (deploy with `supabase db push`).
 */
export function assertLocalDatabase(instance: Instance, env: NodeJS.ProcessEnv = process.env): void {
  if (!instance.externalDbUrl || env.STACK_ALLOW_REMOTE === '1') return;
  const host = new URL(instance.externalDbUrl).hostname.replace(/^\[|\]$/g, '');
  if (['127.0.0.1', 'localhost', '::1'].includes(host)) return;
  throw new StackError(
    `DATABASE_URL points at ${host}. The local stack seeds demo accounts with a published password and ` +
      '`reset` wipes data, so it only runs against a database on this machine. Deploy with `supabase db push` ' +
      '(README), or set STACK_ALLOW_REMOTE=1 for a throw-away database.',
  );
}

/** Postgres up, platform shim, migrations and (once per change) seed. */
export async function prepareDatabase(instance: Instance, log: Log): Promise<void> {
  assertLocalDatabase(instance);
  reserveInstancePorts();
  cluster(instance, log)?.start();
  await waitForDatabase(instance);
  const shimmed = await applyPlatformShim(instance, log);
  pushMigrations(instance, log);
  // Objects need bytes in our storage stand-in; a real Supabase keeps its own.
  if (shimmed) await seedDocuments(instance, log);
}

export async function waitForHealth(
  instance: Instance,
  timeoutMs: number,
  stillStarting: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${apiUrl(instance)}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (!stillStarting()) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new StackError(`the gateway did not come up; see ${path.join(instance.logDir, 'services.log')}`);
}

/** Starts the services as a detached process group that outlives this command. */
export async function startDaemon(instance: Instance, log: Log): Promise<void> {
  const owner = servicesOwner(instance);
  if (owner) {
    log(`services already running (pid ${owner.pid}, started by ${owner.mode === 'daemon' ? 'stack up' : 'pnpm dev'})`);
    return;
  }
  mkdirSync(instance.logDir, { recursive: true });
  const out = openSync(path.join(instance.logDir, 'services.log'), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--instance', instance.name], {
    cwd: instance.root,
    detached: true,
    stdio: ['ignore', out, out],
  });
  if (child.pid === undefined) throw new StackError('could not start the services process');
  child.unref();
  writeState(instance, { pid: child.pid, mode: 'daemon', startedAt: new Date().toISOString(), script: CLI });
  log('starting gateway and edge functions (first start downloads Deno packages)');
  await waitForHealth(instance, 240_000, () => isAlive(child.pid ?? 0));
}

/** Stops the services (whoever owns them) and waits until every process is gone. */
export async function stopServices(instance: Instance, log: Log): Promise<void> {
  const owner = servicesOwner(instance);
  if (owner) {
    log(`stopping services (pid ${owner.pid})`);
    // A daemon leads its own process group: signal the group so Deno children go too.
    const target = owner.mode === 'daemon' ? -owner.pid : owner.pid;
    signal(target, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (isOwner(owner) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (isOwner(owner)) signal(target, 'SIGKILL');
  }
  clearState(instance);
}

function signal(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch {
    // already gone
  }
}

export async function up(instance: Instance, log: Log): Promise<void> {
  await prepareDatabase(instance, log);
  await startDaemon(instance, log);
}

export async function down(instance: Instance, log: Log): Promise<void> {
  await stopServices(instance, log);
  cluster(instance, log)?.stop();
}

/** Wipes the database and stored files, then migrates and seeds again. */
export async function reset(instance: Instance, log: Log): Promise<void> {
  const wasRunning = servicesOwner(instance)?.mode === 'daemon';
  if (servicesOwner(instance)?.mode === 'foreground')
    throw new StackError('stop `pnpm dev` before resetting its stack');
  await stopServices(instance, log);
  const local = cluster(instance, log);
  if (local) {
    local.wipe();
  } else {
    assertLocalDatabase(instance);
    const sql = connect(instance);
    try {
      // Our shim's auth and storage schemas survive a CLI reset; empty them first (the
      // reset re-creates the buckets the migrations define).
      await sql`truncate auth.users, storage.objects, storage.buckets cascade`;
    } finally {
      await sql.end({ timeout: 2 });
    }
    log('resetting the database at DATABASE_URL with the Supabase CLI');
    runSupabaseCli(instance, ['db', 'reset', `--remote=${cliDbUrl(instance)}`, '--yes', '--no-seed'], log);
  }
  rmSync(instance.storageDir, { recursive: true, force: true });
  await prepareDatabase(instance, log);
  if (wasRunning) await startDaemon(instance, log);
}

export async function seed(instance: Instance, log: Log): Promise<void> {
  await runSeed(instance, readSupabaseConfig(instance.root).seedPaths, log);
  await seedDocuments(instance, log);
}

export type AuditVerdict =
  { ok: true; rows: number } | { ok: false; rows: number; seq: number; id: string; problem: string };

interface ChainRow {
  ok: boolean;
  rows_checked: string;
  first_broken_seq: string | null;
  first_broken_id: string | null;
  problem: string | null;
}

/**
 * Runs app.verify_audit_chain() as the database owner (every row is checked). With a
 * checkpoint (`seq:hash` from `audit-checkpoint`, kept outside the database), the chain
 * must still hold that row: a rewrite of the whole chain after it is caught too.
 */
export async function verifyAudit(instance: Instance, checkpoint?: string): Promise<AuditVerdict> {
  const expected = checkpoint === undefined ? undefined : /^(\d+):([0-9a-f]{64})$/.exec(checkpoint);
  if (expected === null) throw new StackError(`a checkpoint looks like <seq>:<sha256 hex>, not ${checkpoint}`);
  const sql = connect(instance);
  try {
    const [row] = await sql<ChainRow[]>`select * from app.verify_audit_chain()`;
    if (!row) throw new StackError('app.verify_audit_chain() returned nothing');
    const rows = Number(row.rows_checked);
    if (!row.ok) {
      return {
        ok: false,
        rows,
        seq: Number(row.first_broken_seq),
        id: row.first_broken_id ?? '',
        problem: row.problem ?? '',
      };
    }
    if (expected) {
      const [found] = await sql<{ matches: boolean }[]>`
        select app.audit_matches_checkpoint(${expected[1] ?? ''}, ${expected[2] ?? ''}) as matches`;
      if (!found?.matches) {
        return {
          ok: false,
          rows,
          seq: Number(expected[1]),
          id: '',
          problem: 'the chain no longer holds this checkpoint: it was rewritten',
        };
      }
    }
    return { ok: true, rows };
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/** The head of the audit chain as `seq:hash`, to keep outside the database. */
export async function auditCheckpoint(instance: Instance): Promise<string> {
  const sql = connect(instance);
  try {
    const [head] = await sql<{ seq: string; hash: string }[]>`select seq, hash from app.audit_head()`;
    if (!head) throw new StackError('the audit log is empty: nothing to checkpoint yet');
    return `${head.seq}:${head.hash}`;
  } finally {
    await sql.end({ timeout: 2 });
  }
}

export interface DemoUser {
  email: string;
  roles: string[];
  station_id?: string;
}

export interface StackStatus {
  instance: string;
  running: boolean;
  postgres: boolean;
  api_url: string;
  db_url: string;
  anon_key: string;
  service_role_key: string;
  jwt_secret: string;
  admin_url: string;
  station_url: string;
  /** The WhatsApp sandbox: its inbox page shows what each phone received. */
  whatsapp_url: string;
  demo_password: string;
  demo_users: DemoUser[];
}

/** The seed's demo accounts (fixed ids a0000000-…), their admin roles and station. */
async function demoUsers(instance: Instance): Promise<DemoUser[]> {
  const sql = connect(instance);
  try {
    const rows = await sql<{ email: string; roles: string[] | null; station_id: string | null }[]>`
      select u.email, ar.roles,
             (select so.station_id from public.station_operators so where so.user_id = u.id and so.active) as station_id
        from auth.users u
        left join public.admin_roles ar on ar.user_id = u.id
       where u.id::text like 'a0000000-0000-4000-8000-%'
       order by u.email`;
    return rows.map((r) => ({
      email: r.email,
      roles: r.roles ?? [],
      ...(r.station_id ? { station_id: r.station_id } : {}),
    }));
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export async function status(instance: Instance): Promise<StackStatus> {
  const secrets = loadOrCreateSecrets(instance);
  const pg = cluster(instance, () => undefined);
  const postgresUp = pg ? pg.isRunning() : true;
  let running = false;
  if (servicesOwner(instance)) {
    running = await fetch(`${apiUrl(instance)}/health`).then(
      (r) => r.ok,
      () => false,
    );
  }
  const users = postgresUp ? await demoUsers(instance).catch(() => []) : [];
  return {
    instance: instance.name,
    running,
    postgres: postgresUp,
    api_url: apiUrl(instance),
    db_url: dbUrl(instance),
    anon_key: secrets.anonKey,
    service_role_key: secrets.serviceRoleKey,
    jwt_secret: secrets.jwtSecret,
    admin_url: appUrl(instance, 'admin-app'),
    station_url: appUrl(instance, 'station-pwa'),
    whatsapp_url: whatsappUrl(instance),
    demo_password: DEMO_PASSWORD,
    demo_users: users,
  };
}
