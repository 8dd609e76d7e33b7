/**
 * The one GoTrue admin call functions make: inviting an account by email
 * (`POST /auth/v1/invite`, what supabase-js `auth.admin.inviteUserByEmail` sends), with
 * the service-role key Supabase injects. Who may invite is decided before this is called,
 * as the caller, in the database.
 */
import { requireEnv } from './env.ts';
import { UserError } from './errors.ts';

export type InviteResult =
  | { status: 'invited'; user: { id: string; email: string } }
  /** A confirmed account already has this email (GoTrue: 422 email_exists). */
  | { status: 'exists' };

export async function inviteUserByEmail(email: string, data: Record<string, unknown>): Promise<InviteResult> {
  const key = requireEnv('SUPABASE_SERVICE_ROLE_KEY');
  const response = await fetch(`${requireEnv('SUPABASE_URL')}/auth/v1/invite`, {
    method: 'POST',
    headers: {
      apikey: key,
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      // GoTrue then answers errors as { code: "<error_code>", message }.
      'x-supabase-api-version': '2024-01-01',
    },
    body: JSON.stringify({ email, data }),
  });
  const body = (await response.json().catch(() => ({}))) as { id?: string; email?: string; code?: unknown };
  if (response.status === 422 && body.code === 'email_exists') return { status: 'exists' };
  if (response.status === 429) {
    throw new UserError('throttled', 'The auth server is sending too many emails just now; try again later');
  }
  if (!response.ok || typeof body.id !== 'string') {
    throw new Error(`the auth server refused the invite: ${response.status} ${JSON.stringify(body.code ?? null)}`);
  }
  return { status: 'invited', user: { id: body.id, email: body.email ?? email } };
}
