/**
 * `pnpm test [suite…]`: every suite of the project, against a fresh stack of its own
 * (instance `test`: other ports and data dir than `pnpm dev`, so both can run at once).
 *
 *   unit       vitest: domain, contracts, stack internals, station logic    (no stack)
 *   components vitest browser mode: admin-app React components in Chromium  (no stack)
 *   functions  Deno: type-check each function, load it from a copy holding only its
 *              module graph, and run supabase/functions/tests                  (no stack)
 *   lifecycle  vitest: `stack up|down|reset|dev` as processes, on an instance of its own
 *   db         pgTAP through pg_prove
 *   api        vitest: supabase-js contract tests against the running stack
 *   browser    Playwright in Chromium against the built apps
 *
 * Prints each suite's counts and a final `N passed, N failed` line (the one CI reads),
 * and writes `.local/test/summary.json`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEphemeralStack, type EphemeralStack } from '../packages/stack/src/ephemeral.ts';
import { getInstance } from '../packages/stack/src/instance.ts';
import { fileLog } from '../packages/stack/src/log.ts';
import { BROWSER_REQUIREMENTS, ensureSystemPackages } from '../packages/stack/src/system.ts';
import { checkFunctions } from './test-functions.ts';
import { runPgProve } from './test-db.ts';

const SUITES = ['unit', 'components', 'functions', 'lifecycle', 'db', 'api', 'browser'] as const;
type Suite = (typeof SUITES)[number];
const NEEDS_STACK: Suite[] = ['db', 'api', 'browser'];

export interface SuiteResult {
  suite: Suite;
  passed: number;
  failed: number;
  /** A suite that could not run at all counts as one failure and says why. */
  error?: string;
  seconds: number;
}

const instance = getInstance('test');
const root = instance.root;
const reportDir = path.join(instance.dir, 'reports');
const log = fileLog(instance, 'test', (line) => console.log(`[test] ${line}`));

/** Runs a command with inherited output; resolves with its exit code. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = root): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(127));
  });
}

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

async function vitest(project: string, env: NodeJS.ProcessEnv): Promise<Omit<SuiteResult, 'suite' | 'seconds'>> {
  const out = path.join(reportDir, `vitest-${project}.json`);
  rmSync(out, { force: true });
  const code = await run(
    process.execPath,
    [
      path.join(root, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--project',
      project,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${out}`,
    ],
    env,
  );
  const report = readJson<{
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  }>(out);
  if (!report) return { passed: 0, failed: 1, error: `vitest exited with ${code} and wrote no report` };
  // A file that fails to load has no tests; count it so it cannot pass silently. A
  // skipped or todo test is a test that did not run: it counts as a failure too.
  const skipped = report.numPendingTests + report.numTodoTests;
  const failed = report.numFailedTests + skipped + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
  return skipped > 0
    ? { passed: report.numPassedTests, failed, error: `${skipped} skipped or todo` }
    : { passed: report.numPassedTests, failed };
}

async function playwright(env: NodeJS.ProcessEnv): Promise<Omit<SuiteResult, 'suite' | 'seconds'>> {
  const out = path.join(reportDir, 'playwright.json');
  rmSync(out, { force: true });
  const code = await run(
    process.execPath,
    [path.join(root, 'e2e/node_modules/@playwright/test/cli.js'), 'test', '--config', 'e2e/playwright.config.ts'],
    { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: out },
  );
  const report = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(out);
  if (!report) return { passed: 0, failed: 1, error: `playwright exited with ${code} and wrote no report` };
  const { expected, unexpected, flaky, skipped } = report.stats;
  const failed = unexpected + skipped + (code !== 0 && unexpected === 0 ? 1 : 0);
  return skipped > 0
    ? { passed: expected + flaky, failed, error: `${skipped} skipped` }
    : { passed: expected + flaky, failed };
}

async function runSuite(suite: Suite, env: NodeJS.ProcessEnv): Promise<Omit<SuiteResult, 'suite' | 'seconds'>> {
  switch (suite) {
    case 'unit':
      return vitest('unit', env);
    case 'components':
      return vitest('components', env);
    case 'functions':
      return checkFunctions(root, reportDir);
    case 'lifecycle':
      return vitest('lifecycle', env);
    case 'db':
      return runPgProve(instance);
    case 'api':
      return vitest('api', env);
    case 'browser':
      return playwright(env);
  }
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = requested.filter((s) => !(SUITES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    console.error(`unknown suite(s): ${unknown.join(', ')}; choose from ${SUITES.join(', ')}`);
    return 2;
  }
  const suites = requested.length > 0 ? SUITES.filter((s) => requested.includes(s)) : [...SUITES];
  mkdirSync(reportDir, { recursive: true });
  const results: SuiteResult[] = [];
  let stack: EphemeralStack | undefined;
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  try {
    if (suites.includes('browser') || suites.includes('components')) ensureSystemPackages(BROWSER_REQUIREMENTS, log);
    for (const suite of suites) {
      if (interrupted) break;
      const started = Date.now();
      let result: Omit<SuiteResult, 'suite' | 'seconds'>;
      try {
        if (NEEDS_STACK.includes(suite) && !stack) {
          stack = await startEphemeralStack({ withApps: suites.includes('browser'), log });
        }
        log(`── ${suite} ──`);
        result = await runSuite(suite, stack?.env ?? {});
      } catch (error) {
        result = { passed: 0, failed: 1, error: (error as Error).message };
        console.error(`[test] ${suite}: ${(error as Error).message}`);
        if (NEEDS_STACK.includes(suite) && !stack) {
          // Without a stack the remaining stack suites cannot run either; report each.
          for (const other of suites.filter((s) => NEEDS_STACK.includes(s) && s !== suite)) {
            results.push({ suite: other, passed: 0, failed: 1, error: 'the test stack did not start', seconds: 0 });
          }
          results.push({ suite, ...result, seconds: (Date.now() - started) / 1000 });
          break;
        }
      }
      results.push({ suite, ...result, seconds: (Date.now() - started) / 1000 });
    }
  } finally {
    await stack?.stop();
  }

  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0) + (interrupted ? 1 : 0);
  console.log('\nSuite results');
  for (const r of results) {
    console.log(
      `  ${r.suite.padEnd(10)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1)}s${r.error ? `  (${r.error})` : ''}`,
    );
  }
  writeFileSync(path.join(instance.dir, 'summary.json'), `${JSON.stringify({ passed, failed, results }, null, 2)}\n`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
