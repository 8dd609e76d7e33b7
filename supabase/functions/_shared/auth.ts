/**
 * Who is calling. A user's access token is checked by the auth server itself
 * (`GET /auth/v1/user`, as Supabase advises for functions), so a revoked session or a
 * deleted user is refused even while the JWT has not expired. The service-role key is
 * recognised by equality with the injected secret.
 */
import { UserError } from './errors.ts';
import { requireEnv } from './env.ts';

/** Who is calling; `token` is their bearer token, passed on to Storage. */
export type Caller =
  | {
      kind: 'user';
      role: 'authenticated';
      userId: string;
      email: string | null;
      claims: Record<string, unknown>;
      token: string;
    }
  | { kind: 'service'; role: 'service_role'; claims: { role: 'service_role' }; token: string };

/** The service role, for scheduled work and webhooks. */
export function serviceCaller(): Extract<Caller, { kind: 'service' }> {
  return {
    kind: 'service',
    role: 'service_role',
    claims: { role: 'service_role' },
    token: requireEnv('SUPABASE_SERVICE_ROLE_KEY'),
  };
}

export function bearerToken(req: Request): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get('authorization') ?? '');
  if (!match?.[1]) throw new UserError('unauthorized', 'Sign in first: no bearer token was sent');
  return match[1];
}

function decodePayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = atob(
    part
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(part.length / 4) * 4, '='),
  );
  return JSON.parse(json) as Record<string, unknown>;
}

export async function authenticate(req: Request): Promise<Caller> {
  const token = bearerToken(req);
  if (token === requireEnv('SUPABASE_SERVICE_ROLE_KEY')) {
    return serviceCaller();
  }
  const response = await fetch(`${requireEnv('SUPABASE_URL')}/auth/v1/user`, {
    headers: { apikey: requireEnv('SUPABASE_ANON_KEY'), authorization: `Bearer ${token}` },
  });
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    throw new UserError('unauthorized', 'Your session is not valid any more; sign in again');
  }
  if (!response.ok) throw new Error(`auth server answered ${response.status}`);
  const user = (await response.json()) as { id: string; email?: string | null };
  const claims = decodePayload(token);
  if (claims.role !== 'authenticated' || claims.sub !== user.id) {
    throw new UserError('unauthorized', 'Your session is not valid any more; sign in again');
  }
  return { kind: 'user', role: 'authenticated', userId: user.id, email: user.email || null, claims, token };
}

/** For routes only a signed-in person may use. */
export async function authenticateUser(req: Request): Promise<Extract<Caller, { kind: 'user' }>> {
  const caller = await authenticate(req);
  if (caller.kind !== 'user')
    throw new UserError('forbidden', 'This route is for signed-in users, not the service role');
  return caller;
}
