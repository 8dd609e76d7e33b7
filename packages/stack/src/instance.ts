/**
 * A stack instance is one independent copy of the local Supabase: its own Postgres
 * cluster, storage folder, keys, logs and ports. `dev` serves `pnpm dev`; `test` is
 * created fresh by `pnpm test`, so both can run at the same time; `lifecycle` is where
 * the lifecycle tests start and stop whole stacks.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type InstanceName = 'dev' | 'test' | 'lifecycle';

export interface Ports {
  /** The gateway: /auth/v1, /storage/v1, /functions/v1 (Supabase's API port). */
  api: number;
  /** The private Postgres cluster (kept outside the Supabase CLI's 54320–54329). */
  db: number;
  admin: number;
  station: number;
  /** The WhatsApp Cloud API sandbox and its inbox page. */
  whatsapp: number;
}

export interface Instance {
  name: InstanceName;
  root: string;
  ports: Ports;
  /** `.local/<name>`: everything this instance writes. Never committed. */
  dir: string;
  pgDataDir: string;
  storageDir: string;
  logDir: string;
  stateFile: string;
  secretsFile: string;
  /** A DATABASE_URL given by the user: then no private cluster is managed. */
  externalDbUrl: string | undefined;
  /** Trade durability for speed: only for throw-away test clusters. */
  fastDurability: boolean;
}

const PORTS: Record<InstanceName, Ports> = {
  dev: { api: 54321, db: 54399, admin: 5173, station: 5174, whatsapp: 54324 },
  test: { api: 55321, db: 55399, admin: 55173, station: 55174, whatsapp: 55324 },
  lifecycle: { api: 56321, db: 56399, admin: 56173, station: 56174, whatsapp: 56324 },
};

const RESERVED_PORTS_FILE = '/proc/sys/net/ipv4/ip_local_reserved_ports';

/**
 * Keeps Linux from handing the instances' fixed ports out as the local port of outgoing
 * connections: most of them lie in its ephemeral range (32768–60999), and a listen on a
 * port some client connection happens to hold at that moment fails with EADDRINUSE (seen
 * in CI on the sandbox's 55324 and 56324). Best effort: it takes root on Linux; elsewhere
 * nothing changes. Explicit listens on reserved ports still work, and the kernel merges
 * the list, so calling this again is harmless.
 */
export function reserveInstancePorts(): void {
  try {
    const current = readFileSync(RESERVED_PORTS_FILE, 'utf8').trim();
    const ours = Object.values(PORTS).flatMap((ports) => Object.values(ports));
    writeFileSync(RESERVED_PORTS_FILE, [current, ...ours].filter(Boolean).join(','));
  } catch {
    // not Linux, not root, or a read-only /proc: the ports stay unreserved
  }
}

/** The repository root: the folder holding pnpm-workspace.yaml. */
export function findRoot(start = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (pnpm-workspace.yaml)');
    dir = parent;
  }
}

export function isInstanceName(value: string): value is InstanceName {
  return value in PORTS;
}

export function getInstance(name: InstanceName, env: NodeJS.ProcessEnv = process.env): Instance {
  const root = findRoot();
  const dir = path.join(root, '.local', name);
  // The dev stack honours DATABASE_URL; the test stack wipes its database, so it only
  // ever touches a database named explicitly for that purpose.
  const externalDbUrl = { dev: env.DATABASE_URL, test: env.TEST_DATABASE_URL, lifecycle: undefined }[name] || undefined;
  return {
    name,
    root,
    ports: PORTS[name],
    dir,
    pgDataDir: path.join(dir, 'pg'),
    storageDir: path.join(dir, 'storage'),
    logDir: path.join(dir, 'logs'),
    stateFile: path.join(dir, 'state.json'),
    secretsFile: path.join(dir, 'secrets.json'),
    externalDbUrl,
    fastDurability: name !== 'dev',
  };
}

/** Postgres URL the stack connects with (superuser locally, like Supabase's `postgres`). */
export function dbUrl(instance: Instance): string {
  return instance.externalDbUrl ?? `postgresql://postgres:postgres@127.0.0.1:${instance.ports.db}/postgres`;
}

export function apiUrl(instance: Instance): string {
  return `http://127.0.0.1:${instance.ports.api}`;
}

export function whatsappUrl(instance: Instance): string {
  return `http://127.0.0.1:${instance.ports.whatsapp}`;
}
