/**
 * The stack as people drive it: `pnpm stack up|down|reset|status|logs` and `pnpm dev`,
 * run as real processes on an instance of their own (`lifecycle`, ports 563xx). Proves
 * that data persists, `up` is idempotent, `reset` wipes and re-seeds, and that nothing
 * the stack started outlives it: not after `down`, not after Ctrl-C, not after kill -9.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const stateFile = path.join(root, '.local/lifecycle/state.json');
const DB_URL = 'postgresql://postgres:postgres@127.0.0.1:56399/postgres';

function stack(...args: string[]): { status: number; output: string } {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'packages/stack/src/cli.ts', ...args, '--instance', 'lifecycle'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

function status(): { running: boolean; postgres: boolean; demo_users: unknown[] } {
  return JSON.parse(stack('status', '--json').output) as { running: boolean; postgres: boolean; demo_users: unknown[] };
}

function ownerPid(): number {
  return (JSON.parse(readFileSync(stateFile, 'utf8')) as { pid: number }).pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every live process whose ancestry leads to `pid` (read from /proc). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** Processes in a process group (the daemon leads its own). */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

async function query<T extends object>(text: string): Promise<T[]> {
  const sql = postgres(DB_URL, { max: 1, onnotice: () => undefined });
  try {
    return (await sql.unsafe(text)) as unknown as T[];
  } finally {
    await sql.end({ timeout: 2 });
  }
}

beforeAll(() => {
  stack('down');
  // Start from nothing: no cluster, no keys, no state.
  spawnSync('rm', ['-rf', path.join(root, '.local/lifecycle')]);
});

afterAll(() => {
  stack('down');
});

describe('stack lifecycle', () => {
  it('up brings a fresh stack up with demo data; a second up changes nothing', () => {
    const first = stack('up');
    expect(first.status, first.output).toBe(0);
    expect(status()).toMatchObject({ running: true, postgres: true });
    expect(status().demo_users).toHaveLength(6);
    const pid = ownerPid();

    const second = stack('up');
    expect(second.status, second.output).toBe(0);
    expect(second.output).toContain('services already running');
    expect(ownerPid()).toBe(pid);
  });

  it('logs shows what the services printed', () => {
    const logs = stack('logs', 'services');
    expect(logs.status).toBe(0);
    expect(logs.output).toContain('gateway listening on http://127.0.0.1:56321');
  });

  it('down stops every process it started; data persists to the next up', async () => {
    await query(`insert into public.settings (key, value) values ('lifecycle_marker', '"kept"')`);
    const pgid = ownerPid();
    expect(groupMembers(pgid).length).toBeGreaterThan(1); // the daemon and its Deno function

    expect(stack('down').status).toBe(0);
    expect(await waitFor(() => groupMembers(pgid).length === 0, 5000)).toBe(true);
    expect(status()).toMatchObject({ running: false, postgres: false });

    expect(stack('up').status).toBe(0);
    expect(await query(`select value from public.settings where key = 'lifecycle_marker'`)).toEqual([
      { value: 'kept' },
    ]);
  });

  it('reset wipes the data and seeds the demo again', async () => {
    await query(`delete from public.admin_roles where user_id = 'a0000000-0000-4000-8000-000000000004'`);
    const reset = stack('reset');
    expect(reset.status, reset.output).toBe(0);
    expect(await query(`select * from public.settings where key = 'lifecycle_marker'`)).toEqual([]);
    expect(
      await query(`select roles from public.admin_roles where user_id = 'a0000000-0000-4000-8000-000000000004'`),
    ).toEqual([{ roles: ['readonly'] }]);
    expect(status().running).toBe(true);
  });

  it('after kill -9 of the services process its Deno children do not linger', async () => {
    const pgid = ownerPid();
    const children = groupMembers(pgid).filter((p) => p !== pgid);
    expect(children.length).toBeGreaterThan(0);
    process.kill(pgid, 'SIGKILL');
    expect(await waitFor(() => children.every((p) => !alive(p)), 5000)).toBe(true);
    expect(status().running).toBe(false);
    expect(stack('down').status).toBe(0);
  });

  it('down never signals a process that merely reuses a recorded pid', async () => {
    const bystander = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    const pid = bystander.pid ?? 0;
    writeFileSync(
      stateFile,
      JSON.stringify({
        pid,
        mode: 'daemon',
        startedAt: new Date().toISOString(),
        script: path.join(root, 'packages/stack/src/cli.ts'),
      }),
    );
    expect(stack('down').status).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(alive(pid)).toBe(true);
    expect(existsSync(stateFile)).toBe(false);
    process.kill(pid, 'SIGKILL');
  });

  it('pnpm dev serves everything and Ctrl-C stops all of it, Postgres included', async () => {
    const dev: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/stack/src/cli.ts', 'dev', '--instance', 'lifecycle'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    dev.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    dev.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    expect(await waitFor(() => output.includes('Press Ctrl-C'), 180_000), output).toBe(true);

    for (const url of ['http://127.0.0.1:56173/', 'http://127.0.0.1:56174/', 'http://127.0.0.1:56321/health']) {
      expect((await fetch(url)).status, url).toBe(200);
    }
    const tree = descendants(dev.pid ?? 0);
    expect(tree.length).toBeGreaterThanOrEqual(3); // a Deno function and two Vite servers

    const exited = new Promise<number | null>((resolve) => dev.once('exit', (code) => resolve(code)));
    dev.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await waitFor(() => tree.every((p) => !alive(p)), 5000)).toBe(true);
    expect(status()).toMatchObject({ running: false, postgres: false });
  });
});
