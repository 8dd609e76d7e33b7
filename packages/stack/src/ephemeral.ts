/**
 * A throw-away stack for `pnpm test` and `pnpm bench`: the `test` instance wiped and
 * rebuilt (fresh keys, migrated, seeded), services inside the calling process, apps as
 * production builds. Its ports and data dir differ from `pnpm dev`'s.
 */
import { rmSync } from 'node:fs';
import { appUrl, startApps, type RunningApps } from './apps.ts';
import { DEMO_PASSWORD } from './demo.ts';
import { apiUrl, dbUrl, getInstance, whatsappUrl, type Instance } from './instance.ts';
import { fileLog, type Log } from './log.ts';
import { loadOrCreateSecrets, type StackSecrets } from './secrets.ts';
import { SANDBOX_PHONE_NUMBER_ID, startServices, type RunningServices } from './services.ts';
import { claimServices, clearState, cluster, prepareDatabase } from './stack.ts';
import { chromiumPath } from './system.ts';

/** What test processes need to reach the stack (a type alias, so it fits process env). */
export type StackEnv = {
  SUPABASE_URL: string;
  SUPABASE_ANON_KEY: string;
  SUPABASE_SERVICE_ROLE_KEY: string;
  SUPABASE_JWT_SECRET: string;
  SUPABASE_DB_URL: string;
  ADMIN_URL: string;
  STATION_URL: string;
  /** The WhatsApp sandbox the functions send to (its /_sandbox API shows what arrived). */
  WHATSAPP_SANDBOX_URL: string;
  /** The sandbox's bearer token and app secret (signing webhooks), as the functions have them. */
  WHATSAPP_TOKEN: string;
  WHATSAPP_APP_SECRET: string;
  WHATSAPP_PHONE_NUMBER_ID: string;
  DEMO_PASSWORD: string;
  CHROMIUM_PATH: string;
};

export interface EphemeralStack {
  instance: Instance;
  secrets: StackSecrets;
  env: StackEnv;
  functionPort(name: string): number | undefined;
  stop(): Promise<void>;
}

export async function startEphemeralStack(options: { withApps: boolean; log: Log }): Promise<EphemeralStack> {
  const instance = getInstance('test');
  const started = Date.now();
  const pg = cluster(instance, options.log);
  let services: RunningServices | undefined;
  let apps: RunningApps | undefined;
  const stop = async () => {
    await apps?.stop();
    await services?.stop();
    clearState(instance);
    pg?.stop();
  };
  let secrets: StackSecrets;
  try {
    pg?.wipe();
    rmSync(instance.storageDir, { recursive: true, force: true });
    rmSync(instance.secretsFile, { force: true });
    await prepareDatabase(instance, options.log);
    secrets = loadOrCreateSecrets(instance);
    services = await startServices(instance, {
      watch: false,
      log: fileLog(instance, 'services'),
      schedulerIntervalMs: 0,
    });
    claimServices(instance);
    if (options.withApps)
      apps = await startApps(instance, secrets, { mode: 'preview', log: fileLog(instance, 'apps') });
  } catch (error) {
    // Whatever failed (a bad migration, a function that does not boot), leave nothing running.
    await stop();
    throw error;
  }
  options.log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  const env: StackEnv = {
    SUPABASE_URL: apiUrl(instance),
    SUPABASE_ANON_KEY: secrets.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: secrets.serviceRoleKey,
    SUPABASE_JWT_SECRET: secrets.jwtSecret,
    SUPABASE_DB_URL: dbUrl(instance),
    ADMIN_URL: appUrl(instance, 'admin-app'),
    STATION_URL: appUrl(instance, 'station-pwa'),
    WHATSAPP_SANDBOX_URL: whatsappUrl(instance),
    WHATSAPP_TOKEN: secrets.whatsappToken,
    WHATSAPP_APP_SECRET: secrets.whatsappAppSecret,
    WHATSAPP_PHONE_NUMBER_ID: SANDBOX_PHONE_NUMBER_ID,
    DEMO_PASSWORD,
    CHROMIUM_PATH: chromiumPath(),
  };
  const running = services;
  return { instance, secrets, env, functionPort: (name) => running.functionPort(name), stop };
}
