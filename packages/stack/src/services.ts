/**
 * The long-running part of the stack: the gateway with the auth and storage stand-ins
 * in this process and one Deno process per edge function.
 */
import { serve, type ServerType } from '@hono/node-server';
import { createAuthService } from './auth/service.ts';
import { connect } from './database.ts';
import { FunctionsRunner } from './functions.ts';
import { createGateway } from './gateway.ts';
import { apiUrl, dbUrl, type Instance } from './instance.ts';
import type { Log } from './log.ts';
import { loadOrCreateSecrets, type StackSecrets } from './secrets.ts';
import { createStorageService } from './storage/service.ts';
import { readSupabaseConfig } from './supabase-config.ts';

export interface RunningServices {
  functions: string[];
  /** The loopback port a function's Deno process listens on (behind the gateway). */
  functionPort(name: string): number | undefined;
  stop(): Promise<void>;
}

/** What every function gets in its env: the names Supabase injects. */
export function functionEnv(instance: Instance, secrets: StackSecrets): Record<string, string> {
  return {
    SUPABASE_URL: apiUrl(instance),
    SUPABASE_ANON_KEY: secrets.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: secrets.serviceRoleKey,
    SUPABASE_DB_URL: dbUrl(instance),
  };
}

export async function startServices(
  instance: Instance,
  options: { watch: boolean; log: Log },
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
  try {
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
  } catch (error) {
    await functions.stop();
    await sql.end({ timeout: 2 });
    throw error;
  }
  options.log(`gateway listening on ${apiUrl(instance)}`);
  const running = server;
  return {
    functions: functions.names(),
    functionPort: (name) => functions.port(name),
    async stop() {
      await new Promise<void>((resolve) => {
        running.close(() => resolve());
        if ('closeAllConnections' in running) running.closeAllConnections();
      });
      await functions.stop();
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
