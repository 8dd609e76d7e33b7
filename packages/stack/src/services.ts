/**
 * The long-running part of the stack: the gateway with the auth and storage stand-ins
 * in this process, one Deno process per edge function, the WhatsApp sandbox, and the
 * timer that calls the scheduler function (pg_cron's job in production).
 */
import { serve, type ServerType } from '@hono/node-server';
import { startSandbox, type RunningSandbox } from '@easymo/wa-sandbox';
import { createAuthService } from './auth/service.ts';
import { connect } from './database.ts';
import { FunctionsRunner } from './functions.ts';
import { createGateway } from './gateway.ts';
import { apiUrl, dbUrl, whatsappUrl, type Instance } from './instance.ts';
import type { Log } from './log.ts';
import { startSchedulerTimer, type SchedulerTimer } from './scheduler-timer.ts';
import { loadOrCreateSecrets, type StackSecrets } from './secrets.ts';
import { createStorageService } from './storage/service.ts';
import { readSupabaseConfig } from './supabase-config.ts';

export interface RunningServices {
  functions: string[];
  /** The loopback port a function's Deno process listens on (behind the gateway). */
  functionPort(name: string): number | undefined;
  stop(): Promise<void>;
}

/** The WhatsApp business phone number id the sandbox answers to. */
export const SANDBOX_PHONE_NUMBER_ID = '100000000000001';

/** How often `pnpm dev` and `stack up` call the scheduler function (STACK_SCHEDULER_INTERVAL_MS=0: never). */
export const SCHEDULER_INTERVAL_MS = Number(process.env.STACK_SCHEDULER_INTERVAL_MS ?? 10_000);

/** What every function gets in its env: the names Supabase injects, and the project's secrets. */
export function functionEnv(instance: Instance, secrets: StackSecrets): Record<string, string> {
  return {
    SUPABASE_URL: apiUrl(instance),
    SUPABASE_ANON_KEY: secrets.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: secrets.serviceRoleKey,
    SUPABASE_DB_URL: dbUrl(instance),
    VOUCHER_SIGNING_KEY: JSON.stringify(secrets.voucherSigningKey),
    WHATSAPP_API_URL: whatsappUrl(instance),
    WHATSAPP_API_VERSION: 'v21.0',
    WHATSAPP_TOKEN: secrets.whatsappToken,
    WHATSAPP_PHONE_NUMBER_ID: SANDBOX_PHONE_NUMBER_ID,
    WHATSAPP_APP_SECRET: secrets.whatsappAppSecret,
    WHATSAPP_VERIFY_TOKEN: secrets.whatsappVerifyToken,
  };
}

/** Message templates (settings.templates) by name, so the sandbox inbox shows their text. */
async function templateBodies(sql: ReturnType<typeof connect>): Promise<Record<string, string>> {
  const rows = await sql<{ id: string; body: string }[]>`
    select t ->> 'id' as id, t ->> 'body' as body
      from public.settings s, jsonb_array_elements(s.value) t where s.key = 'templates'`;
  return Object.fromEntries(rows.map((r) => [r.id, r.body]));
}

export async function startServices(
  instance: Instance,
  options: {
    watch: boolean;
    log: Log;
    /** How often the scheduler function is called; 0 = never (tests call it when they mean to). */
    schedulerIntervalMs: number;
  },
): Promise<RunningServices> {
  const secrets = loadOrCreateSecrets(instance);
  const config = readSupabaseConfig(instance.root);
  const sql = connect(instance, 10);
  const functions = new FunctionsRunner({
    root: instance.root,
    env: functionEnv(instance, secrets),
    watch: options.watch,
    log: options.log,
  });
  let server: ServerType | undefined;
  let sandbox: RunningSandbox | undefined;
  let scheduler: SchedulerTimer | undefined;
  try {
    sandbox = await startSandbox({
      port: instance.ports.whatsapp,
      accessToken: secrets.whatsappToken,
      phoneNumberId: SANDBOX_PHONE_NUMBER_ID,
      appSecret: secrets.whatsappAppSecret,
      webhookUrl: `${apiUrl(instance)}/functions/v1/whatsapp-webhook`,
      templates: await templateBodies(sql),
      log: (line) => options.log(`[wa-sandbox] ${line}`),
    });
    await functions.start();
    const gateway = createGateway({
      secrets,
      config,
      functions,
      auth: createAuthService({ sql, secrets, config: config.auth, issuer: `${apiUrl(instance)}/auth/v1` }),
      storage: createStorageService({
        sql,
        secrets,
        storageDir: instance.storageDir,
        maxFileSize: config.storageFileSizeLimit,
      }),
    });
    server = await listen(gateway.fetch, instance.ports.api);
    if (options.schedulerIntervalMs > 0) {
      scheduler = startSchedulerTimer({
        apiUrl: apiUrl(instance),
        serviceRoleKey: secrets.serviceRoleKey,
        intervalMs: options.schedulerIntervalMs,
        log: options.log,
      });
    }
  } catch (error) {
    await functions.stop();
    await sandbox?.stop();
    await sql.end({ timeout: 2 });
    throw error;
  }
  options.log(`gateway listening on ${apiUrl(instance)}; WhatsApp sandbox on ${sandbox.url}`);
  const runningSandbox = sandbox;
  const running = server;
  return {
    functions: functions.names(),
    functionPort: (name) => functions.port(name),
    async stop() {
      await scheduler?.stop();
      await new Promise<void>((resolve) => {
        running.close(() => resolve());
        if ('closeAllConnections' in running) running.closeAllConnections();
      });
      await functions.stop();
      await runningSandbox.stop();
      await sql.end({ timeout: 2 });
    },
  };
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: '127.0.0.1' }, () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use`) : error),
    );
  });
}
