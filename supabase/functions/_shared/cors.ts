/**
 * Supabase's gateway leaves CORS to each function. The apps call from their own origin
 * with supabase-js, which sends these headers.
 */
import { cors } from 'hono/cors';

export const corsMiddleware = cors({
  origin: '*',
  allowHeaders: ['authorization', 'x-client-info', 'apikey', 'content-type', 'x-idempotency-key'],
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  exposeHeaders: ['retry-after', 'content-disposition'],
  maxAge: 86400,
});
