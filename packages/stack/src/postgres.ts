/**
 * The private PostgreSQL cluster under `.local/<instance>/pg`, built from the system's
 * PostgreSQL 15 binaries. initdb and pg_ctl refuse to run as root, so when we are root
 * they run as the `postgres` OS user on folders that user owns.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StackError } from './errors.ts';
import type { Instance } from './instance.ts';
import { ensureSystemPackages, pgBinDir, POSTGRES_REQUIREMENTS } from './system.ts';

const isRoot = () => process.getuid?.() === 0;

interface OsUser {
  uid: number;
  gid: number;
}

function postgresOsUser(): OsUser {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new StackError('running as root needs the `postgres` OS user (created by the postgresql-15 package)');
  }
}

/**
 * Where the cluster lives: `.local/<instance>/pg`, unless we are root and the postgres
 * OS user cannot reach the checkout (e.g. a clone under /root, mode 0700). Then it lives
 * in a folder of its own under /var/tmp, named after the checkout so data persists.
 */
export function clusterHome(instance: Instance): { base: string; logFile: string } {
  const local = { base: instance.pgDataDir, logFile: path.join(instance.logDir, 'postgres.log') };
  if (!isRoot()) return local;
  mkdirSync(instance.dir, { recursive: true });
  const reachable = spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', instance.dir]).status === 0;
  if (reachable) return local;
  const id = createHash('sha1').update(instance.root).digest('hex').slice(0, 12);
  const base = path.join('/var/tmp/easymo-stack', `${id}-${instance.name}`, 'pg');
  return { base, logFile: path.join(path.dirname(base), 'postgres.log') };
}

export class PostgresCluster {
  private readonly base: string;
  private readonly dataDir: string;
  readonly logFile: string;

  constructor(
    private readonly instance: Instance,
    private readonly log: (line: string) => void,
  ) {
    const home = clusterHome(instance);
    this.base = home.base;
    this.dataDir = path.join(home.base, 'data');
    this.logFile = home.logFile;
  }

  /** Runs a PostgreSQL binary, as the postgres OS user when we are root. */
  private run(binary: string, args: string[], options: { check?: boolean } = {}): { status: number; output: string } {
    const bin = pgBinDir();
    if (!bin) throw new StackError('PostgreSQL binaries not found; set PG_BIN_DIR');
    const exe = path.join(bin, binary);
    const [command, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
    const result = spawnSync(command, argv, { encoding: 'utf8', cwd: '/' });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    const status = result.status ?? 1;
    if (options.check !== false && status !== 0) {
      throw new StackError(`${binary} ${args[0] ?? ''} failed (exit ${status}):\n${output}\nlog: ${this.logFile}`);
    }
    return { status, output };
  }

  /** Makes a folder the cluster's OS user can write. */
  private ownedDir(dir: string): void {
    mkdirSync(dir, { recursive: true });
    if (isRoot()) {
      const { uid, gid } = postgresOsUser();
      chownSync(dir, uid, gid);
    }
  }

  isInitialised(): boolean {
    return existsSync(path.join(this.dataDir, 'PG_VERSION'));
  }

  isRunning(): boolean {
    if (!this.isInitialised()) return false;
    return this.run('pg_ctl', ['status', '-D', this.dataDir], { check: false }).status === 0;
  }

  /** Installs what is missing, creates the cluster on first use and starts it. */
  start(): void {
    ensureSystemPackages(POSTGRES_REQUIREMENTS, this.log);
    if (!this.isInitialised()) this.init();
    if (this.isRunning()) return;
    mkdirSync(path.dirname(this.logFile), { recursive: true });
    if (isRoot()) {
      writeFileSync(this.logFile, '', { flag: 'a' });
      const { uid, gid } = postgresOsUser();
      chownSync(this.logFile, uid, gid);
    }
    const settings = [
      `-p ${this.instance.ports.db}`,
      '-c listen_addresses=127.0.0.1',
      // TCP only: a socket path under a deep checkout can exceed the 107-byte limit.
      "-c unix_socket_directories=''",
      '-c max_connections=200',
      ...(this.instance.fastDurability ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
    ];
    this.log(`starting postgres on 127.0.0.1:${this.instance.ports.db}`);
    this.run('pg_ctl', ['start', '-D', this.dataDir, '-l', this.logFile, '-w', '-t', '60', '-o', settings.join(' ')]);
  }

  stop(): void {
    if (!this.isRunning()) return;
    this.log('stopping postgres');
    this.run('pg_ctl', ['stop', '-D', this.dataDir, '-m', 'fast', '-w', '-t', '60']);
  }

  /** Stops the cluster and deletes its data: the next start is a fresh initdb. */
  wipe(): void {
    this.stop();
    rmSync(this.base, { recursive: true, force: true });
  }

  private init(): void {
    this.log(`creating a PostgreSQL cluster in ${this.dataDir}`);
    this.ownedDir(this.base);
    // Supabase's local stack uses postgres/postgres; the cluster only listens on 127.0.0.1.
    const pwfile = path.join(this.base, 'initdb.pw');
    writeFileSync(pwfile, 'postgres\n', { mode: 0o644 });
    try {
      this.run('initdb', [
        '-D',
        this.dataDir,
        '-U',
        'postgres',
        `--pwfile=${pwfile}`,
        '--auth-host=scram-sha-256',
        '--auth-local=trust',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
      ]);
    } catch (error) {
      rmSync(this.dataDir, { recursive: true, force: true });
      throw error;
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
}
