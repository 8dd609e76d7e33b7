/** A demo user's access token from the stack's auth server (password grant, as the apps sign in). */
import type { EphemeralStack } from '../packages/stack/src/ephemeral.ts';

export async function accessToken(stack: EphemeralStack, email: string): Promise<string> {
  const { SUPABASE_URL: url, SUPABASE_ANON_KEY: anon, DEMO_PASSWORD: password } = stack.env;
  const response = await fetch(`${url}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: anon, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in as ${email} answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** One scheduler tick with the service role, as pg_cron makes it; its JSON answer. */
export async function schedulerTick<T>(stack: EphemeralStack, body: object): Promise<T> {
  const { SUPABASE_URL: url, SUPABASE_SERVICE_ROLE_KEY: service } = stack.env;
  const response = await fetch(`${url}/functions/v1/scheduler/tick`, {
    method: 'POST',
    headers: { apikey: service, authorization: `Bearer ${service}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`tick answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}
