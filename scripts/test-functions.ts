/**
 * The `functions` suite. For each edge function:
 *   1. `deno check` its entry with its own deno.json (what `supabase functions deploy` bundles);
 *   2. copy exactly its module graph (from `deno info`) into an empty folder and load it
 *      there: proof that it imports nothing outside that graph (no node_modules, no
 *      workspace config), the known deploy pitfall of monorepo imports;
 *   3. run `supabase/functions/tests/<name>-test.ts` (Deno.test, TAP reporter).
 * Then the tests of `_shared` code used by several functions,
 * `supabase/functions/tests/shared-*-test.ts`, with `supabase/functions/tests/deno.json`
 * (which maps every function's imports, and the WhatsApp sandbox's).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { denoConfigFlags, denoExecutable, discoverFunctions, functionsDir } from '../packages/stack/src/functions.ts';

interface Outcome {
  passed: number;
  failed: number;
}

function deno(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(denoExecutable(), args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

function report(outcome: Outcome, ok: boolean, name: string, output = ''): void {
  if (ok) outcome.passed += 1;
  else outcome.failed += 1;
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}`);
  if (!ok && output) console.log(output.replace(/^/gm, '    '));
}

async function loadsInIsolation(root: string, name: string): Promise<{ ok: boolean; output: string }> {
  const fnDir = path.join(functionsDir(root), name);
  const info = await deno(['info', '--json', ...denoConfigFlags(fnDir), path.join(fnDir, 'index.ts')], fnDir);
  if (info.code !== 0) return { ok: false, output: info.output };
  const graph = JSON.parse(info.output) as { modules: { specifier: string }[] };
  const scratch = mkdtempSync(path.join(os.tmpdir(), `fn-${name}-`));
  try {
    const localFiles = graph.modules.map((m) => m.specifier).filter((s) => s.startsWith('file://'));
    for (const file of [
      ...localFiles.map((s) => fileURLToPath(s)),
      path.join(fnDir, 'deno.json'),
      path.join(fnDir, 'deno.lock'),
    ]) {
      if (!existsSync(file)) continue;
      const target = path.join(scratch, path.relative(root, file));
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
    const copiedDir = path.join(scratch, path.relative(root, fnDir));
    // Load the entry as the runtime would, with Deno.serve stubbed out.
    const loader = path.join(copiedDir, '__load__.ts');
    writeFileSync(
      loader,
      `let served = false;\n` +
        `(Deno as { serve: unknown }).serve = () => { served = true; return { finished: Promise.resolve(), shutdown: async () => {} }; };\n` +
        `await import('./index.ts');\n` +
        `if (!served) throw new Error('index.ts did not call Deno.serve');\n`,
    );
    const check = await deno(['check', ...denoConfigFlags(copiedDir), path.join(copiedDir, 'index.ts')], copiedDir);
    if (check.code !== 0) return { ok: false, output: check.output };
    const load = await deno(['run', ...denoConfigFlags(copiedDir), '--allow-env', '--allow-read', loader], copiedDir);
    return { ok: load.code === 0, output: load.output };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function checkFunctions(root: string, reportDir: string): Promise<Outcome> {
  const outcome: Outcome = { passed: 0, failed: 0 };
  mkdirSync(reportDir, { recursive: true });
  const functions = discoverFunctions(root);
  for (const name of functions) {
    const fnDir = path.join(functionsDir(root), name);
    const check = await deno(['check', ...denoConfigFlags(fnDir), path.join(fnDir, 'index.ts')], fnDir);
    report(outcome, check.code === 0, `${name}: type-checks with its own deno.json`, check.output);

    const isolated = await loadsInIsolation(root, name);
    report(outcome, isolated.ok, `${name}: loads from a folder holding only its module graph`, isolated.output);

    const testFile = path.join(functionsDir(root), 'tests', `${name}-test.ts`);
    if (!existsSync(testFile)) {
      report(outcome, false, `${name}: has tests in supabase/functions/tests/${name}-test.ts`);
      continue;
    }
    await runTests(outcome, fnDir, testFile);
  }

  // Shared code's tests: not a function's (a function named `shared-x` keeps its own test file).
  const testsDir = path.join(functionsDir(root), 'tests');
  const functionTests = new Set(functions.map((name) => `${name}-test.ts`));
  const sharedTests = existsSync(testsDir)
    ? readdirSync(testsDir)
        .filter((file) => /^shared-.+-test\.ts$/.test(file) && !functionTests.has(file))
        .sort()
    : [];
  for (const file of sharedTests) await runTests(outcome, testsDir, path.join(testsDir, file));
  return outcome;
}

/** Runs one test file with the deno.json of `configDir`, counting its TAP results. */
async function runTests(outcome: Outcome, configDir: string, testFile: string): Promise<void> {
  const tests = await deno(
    ['test', ...denoConfigFlags(configDir), '--allow-env', '--allow-net', '--allow-read', '--reporter=tap', testFile],
    configDir,
  );
  const lines = tests.output.split('\n');
  const ok = lines.filter((l) => /^ok \d+/.test(l)).length;
  const notOk = lines.filter((l) => /^not ok \d+/.test(l)).length;
  console.log(tests.output.trimEnd());
  outcome.passed += ok;
  outcome.failed += notOk + (tests.code !== 0 && notOk === 0 ? 1 : 0);
}
