/**
 * The `db` suite: installs the pgTAP helpers (supabase/tests/setup.sql, test-only) into
 * the test database, runs every supabase/tests/database/*.sql with pg_prove, then
 * Supabase's own gates: `supabase db lint` and `supabase db advisors` (no ERROR).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cliDbUrl, connect, supabaseCli } from '../packages/stack/src/database.ts';
import { dbUrl, type Instance } from '../packages/stack/src/instance.ts';
import { TYPES_FILE, typesAreCurrent } from './db-types.ts';

export async function runPgProve(instance: Instance): Promise<{ passed: number; failed: number; error?: string }> {
  const root = instance.root;
  // Supabase's gates judge the product schema, so they run before test helpers exist.
  let gatesPassed = 0;
  let gatesFailed = 0;
  const gates = [
    // plpgsql_check over our schemas (PostGIS's own functions in `extensions` are not ours)
    ['lint', '--schema', 'public,app', '--fail-on', 'error'],
    ['advisors', '--fail-on', 'error'],
  ];
  for (const [gate, ...flags] of gates) {
    const ok = (await supabase(root, ['db', gate ?? '', `--remote=${cliDbUrl(instance)}`, ...flags])) === 0;
    console.log(`${ok ? 'ok' : 'not ok'} - supabase db ${gate} reports no error`);
    if (ok) gatesPassed += 1;
    else gatesFailed += 1;
  }
  const current = await typesAreCurrent(instance);
  console.log(
    `${current ? 'ok' : 'not ok'} - generated types in ${TYPES_FILE} are current${current ? '' : ' (run pnpm db:types)'}`,
  );
  if (current) gatesPassed += 1;
  else gatesFailed += 1;

  const sql = connect(instance);
  try {
    await sql.file(path.join(root, 'supabase/tests/setup.sql'));
  } finally {
    await sql.end({ timeout: 2 });
  }
  const url = new URL(dbUrl(instance));
  const env = {
    ...process.env,
    PGHOST: url.hostname,
    PGPORT: url.port,
    PGUSER: decodeURIComponent(url.username),
    PGPASSWORD: decodeURIComponent(url.password),
    PGDATABASE: url.pathname.slice(1),
  };
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    const child = spawn('pg_prove', ['--verbose', '--ext', '.sql', '-r', 'supabase/tests/database'], {
      cwd: root,
      env,
    });
    let text = '';
    const collect = (d: Buffer) => {
      text += d.toString();
      process.stdout.write(d);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (status) => resolve({ code: status ?? 1, output: text }));
    child.on('error', (error) => resolve({ code: 127, output: error.message }));
  });
  const lines = output.split('\n');
  const passed = gatesPassed + lines.filter((l) => /^\s*ok \d+/.test(l)).length;
  let failed = gatesFailed + lines.filter((l) => /^\s*not ok \d+/.test(l)).length;
  let error: string | undefined;
  // A file that dies before its plan (syntax error, bad plan) has no "not ok" line.
  if (code !== 0 && failed === gatesFailed) {
    failed = gatesFailed + 1;
    error = `pg_prove exited with ${code}`;
  }
  return error ? { passed, failed, error } : { passed, failed };
}

function supabase(root: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [supabaseCli(), ...args], { cwd: root, stdio: 'inherit' });
    child.on('exit', (status) => resolve(status ?? 1));
  });
}
