#!/usr/bin/env node
// Entry point of `npm run dev`, `npm test` (and the pnpm equivalents) on a machine that
// may have nothing but Node and npm: installs the pinned pnpm and the workspace's
// dependencies when they are missing or stale, then hands over to the TypeScript tools.
// Plain JavaScript on purpose: it must run before any dependency is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const pnpmVersion = manifest.packageManager.replace(/^pnpm@/, '');

const ENTRY = {
  dev: ['packages/stack/src/cli.ts', 'dev'],
  stack: ['packages/stack/src/cli.ts'],
  test: ['scripts/test.ts'],
  bench: ['bench/run.ts'],
  'db-types': ['scripts/db-types.ts'],
  'docs-rls': ['scripts/rls-doc.ts'],
};

// stderr, so that `pnpm -s stack status --json` prints nothing but JSON on stdout.
function log(line) {
  console.error(`[bootstrap] ${line}`);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(
    `[bootstrap] Node ${process.versions.node} is too old: this project needs Node 20.19 or newer (Vite 8 does).`,
  );
  process.exit(1);
}

function works(command, args) {
  return spawnSync(command, args, { stdio: 'ignore', cwd: root }).status === 0;
}

/** The command that runs pnpm here: on PATH, freshly installed, or through npx. */
function pnpmCommand() {
  if (works('pnpm', ['--version'])) return ['pnpm'];
  log(`installing pnpm ${pnpmVersion} (npm install -g)`);
  if (
    spawnSync('npm', ['install', '-g', `pnpm@${pnpmVersion}`], { stdio: [0, 2, 2] }).status === 0 &&
    works('pnpm', ['--version'])
  ) {
    return ['pnpm'];
  }
  log('global install not possible; using npx');
  return ['npx', '--yes', `pnpm@${pnpmVersion}`];
}

/** pnpm keeps a copy of the lockfile it installed from; a difference means stale deps. */
function dependenciesStale() {
  const installed = path.join(root, 'node_modules', '.pnpm', 'lock.yaml');
  if (!existsSync(installed)) return true;
  return readFileSync(installed, 'utf8') !== readFileSync(path.join(root, 'pnpm-lock.yaml'), 'utf8');
}

const [command, ...rest] = process.argv.slice(2);
const entry = ENTRY[command];
if (!entry) {
  console.error(`usage: node scripts/bootstrap.mjs ${Object.keys(ENTRY).join('|')} [args]`);
  process.exit(2);
}

if (dependenciesStale()) {
  const [pnpm, ...pnpmArgs] = pnpmCommand();
  log('installing workspace dependencies (pnpm install --frozen-lockfile)');
  // Install output goes to stderr: stdout belongs to the command (e.g. status --json).
  const status = spawnSync(pnpm, [...pnpmArgs, 'install', '--frozen-lockfile'], { stdio: [0, 2, 2], cwd: root }).status;
  if (status !== 0) {
    log('pnpm install failed');
    process.exit(status ?? 1);
  }
}

// The child handles Ctrl-C itself (it shuts the stack down cleanly); wait for it.
const [script, ...scriptArgs] = entry;
const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, script), ...scriptArgs, ...rest], {
  stdio: 'inherit',
  cwd: root,
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
// If whoever ran us (npm, pnpm) is killed, stop the child as if Ctrl-C had been pressed.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) child.kill('SIGTERM');
}, 1000).unref();
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
