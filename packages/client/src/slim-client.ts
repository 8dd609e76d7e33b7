/**
 * An auth + functions client without the rest of supabase-js. `createClient` also builds
 * the database (PostgREST), storage and realtime clients, about 30 KB gzipped that the
 * station PWA never uses and would download on every cold start. This is the same pair
 * supabase-js puts together — auth-js and functions-js at its version — wired the same
 * way: each function call carries the current session's access token (refreshed first
 * when it has expired) and the anon key.
 */
import { AuthClient, type GoTrueClient } from '@supabase/auth-js';
import { FunctionsClient } from '@supabase/functions-js';
import { MissingConfigError } from './supabase.ts';

export interface AuthFunctionsClient {
  auth: GoTrueClient;
  functions: FunctionsClient;
}

export function createAuthFunctionsClient(
  env: Record<string, string | undefined>,
  storageKey: string,
): AuthFunctionsClient {
  const url = env.VITE_SUPABASE_URL;
  const anonKey = env.VITE_SUPABASE_ANON_KEY;
  if (!url || !anonKey) {
    throw new MissingConfigError(
      'VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY must be set when the app is built or served',
    );
  }
  const base = url.replace(/\/+$/, '');
  const auth = new AuthClient({
    url: `${base}/auth/v1`,
    headers: { apikey: anonKey, Authorization: `Bearer ${anonKey}` },
    storageKey,
    persistSession: true,
    autoRefreshToken: true,
    detectSessionInUrl: false,
  });
  const fetchWithSession: typeof fetch = async (input, init) => {
    const { data } = await auth.getSession();
    const headers = new Headers(init?.headers);
    if (!headers.has('apikey')) headers.set('apikey', anonKey);
    if (!headers.has('Authorization')) headers.set('Authorization', `Bearer ${data.session?.access_token ?? anonKey}`);
    return fetch(input, { ...init, headers });
  };
  const functions = new FunctionsClient(`${base}/functions/v1`, { customFetch: fetchWithSession });
  return { auth, functions };
}
