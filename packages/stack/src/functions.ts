/**
 * Edge functions on real Deno: one process per folder of `supabase/functions/` not
 * starting with `_`, running the same index.ts that deploys, with the env names
 * Supabase injects. The gateway proxies `/functions/v1/<name>/…` to them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StackError } from './errors.ts';

const HOST_SCRIPT = fileURLToPath(new URL('./deno/function-host.ts', import.meta.url));
const READY_TIMEOUT_MS = 180_000; // the first start downloads npm packages into Deno's cache

/** The Deno executable shipped in the `deno` npm package (no wrapper process). */
export function denoExecutable(): string {
  const require = createRequire(import.meta.url);
  const api = require('deno/install_api.cjs') as { runInstall(): string };
  return api.runInstall();
}

export function functionsDir(root: string): string {
  return path.join(root, 'supabase', 'functions');
}

/** Function names: folders with an index.ts, skipping `_shared`-style folders. */
export function discoverFunctions(root: string): string[] {
  const dir = functionsDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('.'))
    .filter((d) => existsSync(path.join(dir, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

/** Deno flags that make a function resolve imports from its own deno.json only. */
export function denoConfigFlags(fnDir: string): string[] {
  const config = path.join(fnDir, 'deno.json');
  return existsSync(config) ? ['--config', config] : ['--no-config', '--node-modules-dir=none'];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface RunningFunction {
  name: string;
  port: number;
  child: ChildProcess;
  ready: boolean;
}

export type FunctionState = 'ready' | 'booting';

export interface FunctionsOptions {
  root: string;
  /** Env given to every function: SUPABASE_URL, keys, DB URL and project secrets. */
  env: Record<string, string>;
  /** Restart a function when its folder or `_shared` changes (pnpm dev). */
  watch: boolean;
  log: (line: string) => void;
}

export class FunctionsRunner {
  private readonly running = new Map<string, RunningFunction>();
  private stopping = false;

  constructor(private readonly options: FunctionsOptions) {}

  names(): string[] {
    return [...this.running.keys()];
  }

  port(name: string): number | undefined {
    return this.running.get(name)?.port;
  }

  /** Undefined for an unknown function; `booting` until it listens (or while it is broken). */
  state(name: string): FunctionState | undefined {
    const fn = this.running.get(name);
    return fn && (fn.ready ? 'ready' : 'booting');
  }

  /**
   * Starts every function. Without watch (`stack up`, tests) a function that fails to
   * boot fails the start. With watch (`pnpm dev`) the others carry on and the broken one
   * answers 503 until a saved fix makes it boot.
   */
  async start(): Promise<void> {
    const names = discoverFunctions(this.options.root);
    const starts = names.map((name) => this.startOne(name));
    if (!this.options.watch) {
      await Promise.all(starts);
      return;
    }
    for (const start of starts) start.catch((error: Error) => this.options.log(error.message));
  }

  private async startOne(name: string, attempt = 0): Promise<void> {
    const { root, env, watch, log } = this.options;
    const fnDir = path.join(functionsDir(root), name);
    const port = this.running.get(name)?.port ?? (await freePort());
    const args = [
      'run',
      ...denoConfigFlags(fnDir),
      '--allow-net',
      '--allow-env',
      '--allow-read',
      '--allow-sys',
      ...(watch ? [`--watch=${fnDir},${path.join(functionsDir(root), '_shared')}`, '--no-clear-screen'] : []),
      HOST_SCRIPT,
    ];
    // stdin stays an open pipe we never write to: its end tells the host we are gone.
    const child = spawn(denoExecutable(), args, {
      cwd: fnDir,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        ...(process.env.DENO_DIR ? { DENO_DIR: process.env.DENO_DIR } : {}),
        ...(process.env.NPM_CONFIG_REGISTRY ? { NPM_CONFIG_REGISTRY: process.env.NPM_CONFIG_REGISTRY } : {}),
        NO_COLOR: '1',
        ...env,
        STACK_FUNCTION_PORT: String(port),
        STACK_FUNCTION_ENTRY: pathToFileURL(path.join(fnDir, 'index.ts')).href,
      },
    });
    const running: RunningFunction = { name, port, child, ready: false };
    this.running.set(name, running);

    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new StackError(`function ${name} did not start within ${READY_TIMEOUT_MS / 1000}s`)),
        READY_TIMEOUT_MS,
      );
      const onLine = (line: string) => {
        log(`[${name}] ${line}`);
        if (line.includes('function listening on')) {
          running.ready = true;
          clearTimeout(timer);
          resolve();
        } else if (line.includes('Watcher') && line.includes('Restarting')) {
          running.ready = false;
        }
      };
      lines(child.stdout, onLine);
      lines(child.stderr, onLine);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new StackError(`function ${name} exited during start (code ${code}, signal ${signal}); see the log`));
      });
    });

    child.once('exit', (code, signal) => {
      if (this.stopping || this.running.get(name)?.child !== child) return;
      // A function that had booted starts its back-off afresh; one that never booted backs off further.
      const next = running.ready ? 0 : attempt + 1;
      // Decide after a pause: a Ctrl-C reaches the Deno children before our own stop().
      setTimeout(
        () => {
          if (this.stopping) return;
          log(`[${name}] exited (code ${code}, signal ${signal}); restarting`);
          this.startOne(name, next).catch((error: Error) => log(`[${name}] ${error.message}`));
        },
        Math.min(30_000, 500 * 2 ** next),
      ).unref();
    });
    await ready;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.running.values()].map(({ child }) => terminate(child)));
    this.running.clear();
  }
}

function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let index: number;
    while ((index = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, index));
      buffer = buffer.slice(index + 1);
    }
  });
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
export function terminate(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
