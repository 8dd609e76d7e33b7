import { createAuthFunctionsClient } from '@easymo/client';

export const STORAGE_KEY = 'easymo-station-auth';

/**
 * The station's client: auth and edge functions only (the PWA never reads tables or
 * storage directly); the operator's session survives reloads.
 */
export const supabase = createAuthFunctionsClient(import.meta.env, STORAGE_KEY);
