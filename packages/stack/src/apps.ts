/**
 * The two browser apps, served by Vite: dev servers for `pnpm dev` (hot reload), or a
 * production build served by `vite preview` for browser tests (what users get, service
 * worker included). Each app learns the stack's URL and anon key from VITE_ env vars.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StackError } from './errors.ts';
import { terminate } from './functions.ts';
import { apiUrl, type Instance } from './instance.ts';
import type { Log } from './log.ts';
import type { StackSecrets } from './secrets.ts';

const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.cjs', import.meta.url));

export type AppName = 'admin-app' | 'station-pwa';
export const APPS: AppName[] = ['admin-app', 'station-pwa'];

export function appPort(instance: Instance, app: AppName): number {
  return app === 'admin-app' ? instance.ports.admin : instance.ports.station;
}

export function appUrl(instance: Instance, app: AppName): string {
  return `http://127.0.0.1:${appPort(instance, app)}`;
}

function viteBin(appDir: string): string {
  const manifest = createRequire(path.join(appDir, 'package.json')).resolve('vite/package.json');
  return path.join(path.dirname(manifest), 'bin', 'vite.js');
}

function appEnv(instance: Instance, secrets: StackSecrets): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    VITE_SUPABASE_URL: apiUrl(instance),
    VITE_SUPABASE_ANON_KEY: secrets.anonKey,
  };
}

export interface RunningApps {
  stop(): Promise<void>;
}

export async function startApps(
  instance: Instance,
  secrets: StackSecrets,
  options: { mode: 'dev' | 'preview'; log: Log },
): Promise<RunningApps> {
  const children: ChildProcess[] = [];
  try {
    for (const app of APPS) {
      const appDir = path.join(instance.root, app);
      const env = appEnv(instance, secrets);
      const port = String(appPort(instance, app));
      if (options.mode === 'preview') {
        options.log(`building ${app}`);
        const build = spawnSync(process.execPath, [viteBin(appDir), 'build', '--logLevel', 'warn'], {
          cwd: appDir,
          env,
          encoding: 'utf8',
        });
        if (build.status !== 0) throw new StackError(`building ${app} failed:\n${build.stdout}${build.stderr}`);
      }
      const args =
        options.mode === 'dev'
          ? [viteBin(appDir), '--host', '127.0.0.1', '--port', port, '--strictPort']
          : [viteBin(appDir), 'preview', '--host', '127.0.0.1', '--port', port, '--strictPort'];
      // Our ports sit inside Linux's ephemeral range, so a passing outgoing connection can
      // hold one for a moment: a busy port is tried again, a few times, before giving up.
      for (let attempt = 1; ; attempt++) {
        const child = spawn(process.execPath, ['--require', EXIT_WITH_PARENT, ...args], {
          cwd: appDir,
          env,
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        children.push(child);
        try {
          await waitForLine(child, app, /Local:|http:\/\/127\.0\.0\.1/, options.log);
          break;
        } catch (error) {
          if (!(error instanceof PortBusyError) || attempt === PORT_ATTEMPTS) throw error;
          children.pop();
          options.log(`${app}: port ${port} is busy, trying again (${attempt}/${PORT_ATTEMPTS})`);
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    }
  } catch (error) {
    await Promise.all(children.map((c) => terminate(c)));
    throw error;
  }
  return {
    async stop() {
      await Promise.all(children.map((c) => terminate(c)));
    },
  };
}

const PORT_ATTEMPTS = 5;

class PortBusyError extends StackError {}

function waitForLine(child: ChildProcess, name: string, pattern: RegExp, log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new StackError(`${name} did not start within 60s`)), 60_000);
    let portBusy = false;
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        log(`[${name}] ${line}`);
        if (/Port \d+ is already in use/.test(line)) portBusy = true;
        if (pattern.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const message = `${name} exited with code ${code} during start`;
      reject(portBusy ? new PortBusyError(`${message}: its port is in use`) : new StackError(message));
    });
  });
}
