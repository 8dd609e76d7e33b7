/**
 * The one supabase-js client of an app. The URL and anon key come from the build
 * (VITE_SUPABASE_URL, VITE_SUPABASE_ANON_KEY), set by the local stack or a deploy.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';

export class MissingConfigError extends Error {
  override name = 'MissingConfigError';
}

export function createAppClient(env: Record<string, string | undefined>, storageKey: string): SupabaseClient {
  const url = env.VITE_SUPABASE_URL;
  const anonKey = env.VITE_SUPABASE_ANON_KEY;
  if (!url || !anonKey) {
    throw new MissingConfigError(
      'VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY must be set when the app is built or served',
    );
  }
  return createClient(url, anonKey, { auth: { storageKey, persistSession: true, autoRefreshToken: true } });
}
