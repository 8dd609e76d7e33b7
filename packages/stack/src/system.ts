/**
 * System packages the stack needs (PostgreSQL 15 with PostGIS, pgTAP, plpgsql_check;
 * Chromium for browser tests). On Debian/Ubuntu as root they are installed with apt,
 * non-interactively; anywhere else we stop and print the exact command to run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { StackError } from './errors.ts';

export interface SystemRequirement {
  what: string;
  present: () => boolean;
  aptPackages: string[];
}

/** The facts about this machine the install decision depends on (injectable for tests). */
export interface Host {
  isRoot: boolean;
  hasApt: boolean;
  /** Runs apt-get with the given arguments; returns its exit code. */
  aptGet(args: string[]): number;
  /** Whether apt's sources offer the package at all (Ubuntu lacks postgresql-15). */
  aptHasCandidate(pkg: string): boolean;
}

const realHost = (): Host => ({
  isRoot: process.getuid?.() === 0,
  hasApt: existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get'),
  aptGet: (args) =>
    spawnSync('apt-get', args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status ?? 1,
  aptHasCandidate: (pkg) => {
    const policy = spawnSync('apt-cache', ['policy', pkg], { encoding: 'utf8' }).stdout ?? '';
    return /Candidate: (?!\(none\))\S+/.test(policy);
  },
});

const PGDG_SETUP = 'apt-get install -y postgresql-common && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y';
const ELSEWHERE =
  'On macOS: brew install postgresql@15 postgis pgtap && export PG_BIN_DIR="$(brew --prefix postgresql@15)/bin" ' +
  '(and CHROMIUM_PATH for browser tests). Or point DATABASE_URL at a local PostgreSQL 15 with PostGIS and pgTAP.';

export function ensureSystemPackages(
  requirements: SystemRequirement[],
  log: (line: string) => void,
  host: Host = realHost(),
): void {
  const missing = requirements.filter((r) => !r.present());
  if (missing.length === 0) return;
  const packages = [...new Set(missing.flatMap((r) => r.aptPackages))];
  const what = missing.map((r) => r.what).join(', ');
  if (!host.hasApt) throw new StackError(`missing: ${what}. ${ELSEWHERE}`);
  const install = `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-upgrade ${packages.join(' ')}`;
  const command = `apt-get update && ${install}`;
  if (!host.isRoot) {
    throw new StackError(`missing: ${what}. Install with:\n  sudo sh -c '${command}'`);
  }
  log(`installing ${packages.join(' ')} (missing: ${what})`);
  const update = host.aptGet(['update', '-qq']);
  if (update !== 0) throw new StackError(`apt-get update failed (exit ${update}); run: ${command}`);
  const unavailable = packages.filter((pkg) => !host.aptHasCandidate(pkg));
  if (unavailable.length > 0) {
    throw new StackError(
      `apt's sources do not offer ${unavailable.join(', ')} (Ubuntu ships another PostgreSQL). ` +
        `Add the PostgreSQL project's repository, then install:\n  sudo sh -c '${PGDG_SETUP} && ${install}'`,
    );
  }
  const status = host.aptGet(['install', '-y', '-qq', '--no-upgrade', ...packages]);
  if (status !== 0) throw new StackError(`apt-get install failed (exit ${status}); run: ${command}`);
  const still = missing.filter((r) => !r.present());
  if (still.length > 0) throw new StackError(`still missing after apt-get: ${still.map((r) => r.what).join(', ')}`);
}

/** PostgreSQL's bin folder: PG_BIN_DIR, Debian's PostgreSQL 15, or pg_config on PATH. */
export function pgBinDir(): string | undefined {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const debian = '/usr/lib/postgresql/15/bin';
  if (existsSync(path.join(debian, 'postgres'))) return debian;
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function pgShareDir(): string | undefined {
  const bin = pgBinDir();
  if (!bin) return undefined;
  try {
    return execFileSync(path.join(bin, 'pg_config'), ['--sharedir'], { encoding: 'utf8' }).trim();
  } catch {
    return existsSync('/usr/share/postgresql/15') ? '/usr/share/postgresql/15' : undefined;
  }
}

const hasExtension = (name: string) => () => {
  const share = pgShareDir();
  return share !== undefined && existsSync(path.join(share, 'extension', `${name}.control`));
};

const onPath = (command: string) => () => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

export const POSTGRES_REQUIREMENTS: SystemRequirement[] = [
  {
    what: 'PostgreSQL 15 server',
    present: () => {
      const bin = pgBinDir();
      return bin !== undefined && existsSync(path.join(bin, 'postgres')) && existsSync(path.join(bin, 'initdb'));
    },
    aptPackages: ['postgresql-15'],
  },
  { what: 'PostGIS 3', present: hasExtension('postgis'), aptPackages: ['postgresql-15-postgis-3'] },
  { what: 'pgTAP', present: hasExtension('pgtap'), aptPackages: ['postgresql-15-pgtap'] },
  { what: 'pg_prove', present: onPath('pg_prove'), aptPackages: ['postgresql-15-pgtap'] },
  { what: 'plpgsql_check', present: hasExtension('plpgsql_check'), aptPackages: ['postgresql-15-plpgsql-check'] },
];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** How every test and benchmark starts Chromium here: root needs no sandbox; no GPU; no traffic of its own. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const BROWSER_REQUIREMENTS: SystemRequirement[] = [
  { what: 'Chromium', present: () => existsSync(chromiumPath()), aptPackages: ['chromium'] },
];
