/**
 * What tests need to reach the stack `pnpm test` started: URLs and keys come from the
 * environment the test runner sets; clients are the real @supabase/supabase-js.
 */
import { createHmac } from 'node:crypto';
import { createClient, type Session, type SupabaseClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import ws from 'ws';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through \`pnpm test\`, which starts the stack`);
  return value;
}

export const stack = {
  url: required('SUPABASE_URL'),
  anonKey: required('SUPABASE_ANON_KEY'),
  serviceRoleKey: required('SUPABASE_SERVICE_ROLE_KEY'),
  jwtSecret: required('SUPABASE_JWT_SECRET'),
  dbUrl: required('SUPABASE_DB_URL'),
  demoPassword: required('DEMO_PASSWORD'),
  /** What the functions use to reach the WhatsApp sandbox and to check its webhooks. */
  whatsappToken: required('WHATSAPP_TOKEN'),
  whatsappAppSecret: required('WHATSAPP_APP_SECRET'),
  whatsappPhoneNumberId: required('WHATSAPP_PHONE_NUMBER_ID'),
};

export const DEMO = {
  admin: 'admin@easymo.test',
  support: 'support@easymo.test',
  dataops: 'dataops@easymo.test',
  readonly: 'readonly@easymo.test',
  operator: 'operator@easymo.test',
} as const;

const clientOptions = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  // Node 20 has no global WebSocket; supabase-js insists on one for its (unused) realtime client.
  realtime: { transport: ws as unknown as typeof WebSocket },
};

/** A client with no session: what an app has before sign-in. */
export function anonClient(): SupabaseClient {
  return createClient(stack.url, stack.anonKey, clientOptions);
}

export function serviceClient(): SupabaseClient {
  return createClient(stack.url, stack.serviceRoleKey, clientOptions);
}

export async function signIn(
  email: string,
  password = stack.demoPassword,
): Promise<{ client: SupabaseClient; session: Session }> {
  const client = anonClient();
  const { data, error } = await client.auth.signInWithPassword({ email, password });
  if (error || !data.session) throw new Error(`sign-in as ${email} failed: ${error?.message}`);
  return { client, session: data.session };
}

/** A superuser connection for fixtures and for checking what landed in the database. */
export function db(): postgres.Sql {
  return postgres(stack.dbUrl, { max: 2, onnotice: () => undefined });
}

/** Signs an HS256 JWT, to forge tokens the stack must refuse. */
export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = encode({ alg: 'HS256', typ: 'JWT' });
  const body = encode(payload);
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

export function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function verifiesWith(token: string, secret: string): boolean {
  const [head, body, signature] = token.split('.');
  return createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url') === signature;
}
