import { createAppClient } from '@easymo/client';

/** The station app's supabase-js client; the operator's session survives reloads. */
export const supabase = createAppClient(import.meta.env, 'easymo-station-auth');
