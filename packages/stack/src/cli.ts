/**
 * `pnpm stack <command>` and `pnpm dev`.
 *
 *   up        start Postgres, migrate, seed a fresh database, start the gateway + functions
 *   down      stop everything `up` (or `pnpm dev`) started
 *   status    URLs, keys and demo logins (--json for scripts)
 *   reset     wipe the database and stored files, migrate and seed again
 *   seed      run supabase/seed.sql again (idempotent)
 *   logs      print service logs (name: services, postgres; -f to follow)
 *   verify-audit [--expect seq:hash]  check the audit log's hash chain (exit 1 at the first broken row)
 *   audit-checkpoint  print the chain's head as seq:hash, to keep outside the database
 *   dev       the whole product: stack + admin app + station PWA dev servers; Ctrl-C stops all
 *   serve     (internal) run the services in the foreground; used by `up`
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startApps, type RunningApps } from './apps.ts';
import { StackError } from './errors.ts';
import { getInstance, isInstanceName, type Instance } from './instance.ts';
import { consoleLog, fileLog } from './log.ts';
import { loadOrCreateSecrets } from './secrets.ts';
import { SCHEDULER_INTERVAL_MS, startServices, type RunningServices } from './services.ts';
import {
  clearState,
  cluster,
  down,
  prepareDatabase,
  reset,
  seed,
  servicesOwner,
  status,
  up,
  claimServices,
  verifyAudit,
  auditCheckpoint,
  type StackStatus,
} from './stack.ts';

const USAGE =
  'usage: pnpm stack up|down|status [--json]|reset|seed|logs [name] [-f]|verify-audit [--expect seq:hash]|audit-checkpoint' +
  '   (add --instance test for the test stack)';

/**
 * Resolves on the first SIGINT, SIGTERM or SIGHUP (terminal closed). Later signals are
 * ignored rather than killing us mid-shutdown: Ctrl-C reaches both the npm/pnpm wrapper
 * (which forwards it) and us.
 */
function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => resolve(signal);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, handler);
  });
}

function printStatus(s: StackStatus): void {
  const lines = [
    `Stack "${s.instance}": ${s.running ? 'running' : 'services stopped'}, postgres ${s.postgres ? 'up' : 'down'}`,
    `  API (Supabase URL)  ${s.api_url}`,
    `  Database            ${s.db_url}`,
    `  Admin panel         ${s.admin_url}`,
    `  Station PWA         ${s.station_url}`,
    `  WhatsApp inbox      ${s.whatsapp_url}  (the sandbox: what each phone received)`,
    `  anon key            ${s.anon_key}`,
    `  service_role key    ${s.service_role_key}`,
    '',
    `Demo logins (password: ${s.demo_password})`,
    ...s.demo_users.map(
      (u) =>
        `  ${u.email.padEnd(24)} ${u.roles.length ? u.roles.join(', ') : u.station_id ? `station operator (${u.station_id})` : '(no admin role)'}`,
    ),
  ];
  console.log(lines.join('\n'));
}

/** `pnpm dev`: stack, functions with reload and both apps' dev servers, in the foreground. */
async function dev(instance: Instance): Promise<void> {
  const log = fileLog(instance, 'dev', consoleLog);
  const pg = cluster(instance, log);
  const pgWasRunning = pg?.isRunning() ?? true;

  let services: RunningServices | undefined;
  let apps: RunningApps | undefined;
  const stop = async () => {
    await apps?.stop();
    if (services) {
      await services.stop();
      clearState(instance);
    }
    if (!pgWasRunning) pg?.stop();
  };
  try {
    await prepareDatabase(instance, log);
    const owner = servicesOwner(instance);
    if (owner) {
      log(`reusing services started by \`pnpm stack up\` (pid ${owner.pid}); functions will not reload on change`);
    } else {
      const functionLog = fileLog(instance, 'services', (line) => console.log(`[fn] ${line}`));
      services = await startServices(instance, {
        watch: true,
        log: functionLog,
        schedulerIntervalMs: SCHEDULER_INTERVAL_MS,
      });
      claimServices(instance);
    }
    apps = await startApps(instance, loadOrCreateSecrets(instance), { mode: 'dev', log: fileLog(instance, 'apps') });
  } catch (error) {
    await stop();
    throw error;
  }
  console.log('');
  printStatus(await status(instance));
  console.log('\nPress Ctrl-C to stop everything.');
  const received = await waitForSignal();
  console.log(`\n${received}: stopping…`);
  await stop();
  console.log('stopped.');
}

/** The foreground services process that `up` starts detached. */
async function serve(instance: Instance): Promise<void> {
  const log = fileLog(instance, 'services', (line) => console.log(line));
  const services = await startServices(instance, { watch: false, log, schedulerIntervalMs: SCHEDULER_INTERVAL_MS });
  await waitForSignal();
  await services.stop();
  log('services stopped');
}

function printLogs(instance: Instance, name: string | undefined, follow: boolean): void {
  if (!existsSync(instance.logDir)) throw new StackError('no logs yet: start the stack first');
  const logs = new Map(
    readdirSync(instance.logDir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => [f.replace(/\.log$/, ''), path.join(instance.logDir, f)] as const),
  );
  // The cluster may live outside .local (see clusterHome): its log comes with it.
  const pgLog = cluster(instance, () => undefined)?.logFile;
  if (pgLog && existsSync(pgLog)) logs.set('postgres', pgLog);
  const files = [...logs.entries()].filter(([key]) => !name || key === name).map(([, file]) => file);
  if (files.length === 0) throw new StackError(`no log named ${name}; have: ${[...logs.keys()].join(', ')}`);
  if (follow) {
    spawn('tail', ['-n', '50', '-F', ...files], { stdio: 'inherit' });
    return;
  }
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    console.log(`==> ${file} <==`);
    console.log(lines.slice(-200).join('\n'));
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      instance: { type: 'string', default: 'dev' },
      expect: { type: 'string' },
      json: { type: 'boolean', default: false },
      follow: { type: 'boolean', short: 'f', default: false },
    },
  });
  const [command, arg] = positionals;
  if (!isInstanceName(values.instance)) throw new StackError(`unknown instance ${values.instance} (dev or test)`);
  const instance = getInstance(values.instance);
  const log = fileLog(instance, 'stack', consoleLog);
  switch (command) {
    case 'up':
      await up(instance, log);
      printStatus(await status(instance));
      return;
    case 'down':
      await down(instance, log);
      return;
    case 'status': {
      const s = await status(instance);
      if (values.json) console.log(JSON.stringify(s, null, 2));
      else printStatus(s);
      return;
    }
    case 'reset':
      await reset(instance, log);
      return;
    case 'seed':
      await seed(instance, log);
      return;
    case 'logs':
      printLogs(instance, arg, values.follow);
      return;
    case 'audit-checkpoint':
      console.log(await auditCheckpoint(instance));
      return;
    case 'verify-audit': {
      const result = await verifyAudit(instance, values.expect);
      if (result.ok) {
        console.log(`audit chain OK: ${result.rows} rows, each linked to the one before`);
        return;
      }
      throw new StackError(
        `audit chain BROKEN at seq ${result.seq}${result.id ? ` (id ${result.id})` : ''}: ${result.problem}`,
      );
    }
    case 'dev':
      await dev(instance);
      return;
    case 'serve':
      await serve(instance);
      return;
    default:
      throw new StackError(USAGE);
  }
}

main(process.argv.slice(2)).then(
  () => {
    if (process.argv[2] !== 'logs') process.exit(0);
  },
  (error: Error) => {
    console.error(error instanceof StackError ? `stack: ${error.message}` : error);
    process.exit(1);
  },
);
