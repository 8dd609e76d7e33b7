import { createAppClient } from '@easymo/client';

export const STORAGE_KEY = 'easymo-station-auth';

/** The station app's supabase-js client; the operator's session survives reloads. */
export const supabase = createAppClient(import.meta.env, STORAGE_KEY);
