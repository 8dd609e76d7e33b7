import { createAppClient } from '@easymo/client';

/** The admin panel's supabase-js client (its session is stored under its own key). */
export const supabase = createAppClient(import.meta.env, 'easymo-admin-auth');
