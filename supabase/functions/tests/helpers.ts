/**
 * Shared by the function tests: a fake GoTrue speaking `/auth/v1/user` (the function,
 * not this fake, is under test), the env every function reads, and small request helpers.
 */

export const SERVICE_KEY = 'service-role-key-for-tests';

/** A database nobody listens on: any query fails loudly (ECONNREFUSED → a 500). */
export const UNREACHABLE_DB = 'postgres://x:y@127.0.0.1:1/db';

export function base64url(value: object): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** An unsigned-looking token: the fake auth server, not the function, judges signatures. */
export function token(claims: Record<string, unknown>): string {
  return `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}.signature`;
}

export const USER = { id: '6f1c2b9e-3a4d-4e5f-8a7b-9c0d1e2f3a4b', email: 'operator@easymo.test' };
/** The token the fake auth server accepts for USER. */
export const USER_TOKEN = token({ sub: USER.id, role: 'authenticated', email: USER.email });

/** Runs `work` with a fake GoTrue that knows USER and accepts USER_TOKEN; counts its calls. */
export async function withAuthServer(work: (calls: { count: number }) => Promise<void>): Promise<void> {
  const calls = { count: 0 };
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => undefined }, (req) => {
    calls.count += 1;
    if (new URL(req.url).pathname !== '/auth/v1/user') return new Response('not found', { status: 404 });
    if (req.headers.get('authorization') !== `Bearer ${USER_TOKEN}`) {
      return Response.json({ code: 'bad_jwt', message: 'invalid JWT' }, { status: 403 });
    }
    return Response.json({ ...USER, aud: 'authenticated', role: 'authenticated' });
  });
  Deno.env.set('SUPABASE_URL', `http://127.0.0.1:${server.addr.port}`);
  Deno.env.set('SUPABASE_ANON_KEY', 'anon-key-for-tests');
  Deno.env.set('SUPABASE_SERVICE_ROLE_KEY', SERVICE_KEY);
  Deno.env.set('SUPABASE_DB_URL', UNREACHABLE_DB);
  try {
    await work(calls);
  } finally {
    await server.shutdown();
  }
}

/** The API error body, checked for its shape. */
export async function errorOf(
  response: Response,
): Promise<{ status: number; code: string; message: string; details?: unknown; keys: string[] }> {
  const body = (await response.json()) as { error: { code: string; message: string; details?: unknown } };
  return { status: response.status, ...body.error, keys: Object.keys(body.error) };
}

/** Runs `work` with console.error silenced; returns what it would have logged. */
export async function quietly(work: () => Promise<void>): Promise<string[]> {
  const original = console.error;
  const logged: string[] = [];
  console.error = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
  try {
    await work();
  } finally {
    console.error = original;
  }
  return logged;
}
