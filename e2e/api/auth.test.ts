/**
 * The auth stand-in, exercised with the real supabase-js: what the apps rely on must
 * behave as GoTrue does (responses, error codes, JWT claims, sessions, rotation).
 */
import { AuthApiError, isAuthSessionMissingError } from '@supabase/supabase-js';
import { afterAll, describe, expect, it } from 'vitest';
import {
  anonClient,
  db,
  decodeJwt,
  DEMO,
  serviceClient,
  signIn,
  signJwt,
  stack,
  verifiesWith,
} from '../support/stack.ts';

const sql = db();
afterAll(() => sql.end());

/** Raw GoTrue call, for protocol details supabase-js hides. */
async function token(grant: 'password' | 'refresh_token', body: object, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.url}/auth/v1/token?grant_type=${grant}`, {
    method: 'POST',
    headers: {
      apikey: stack.anonKey,
      'content-type': 'application/json',
      'x-supabase-api-version': '2024-01-01',
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('password sign-in', () => {
  it('returns a GoTrue session whose access token carries GoTrue claims', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { session } = await signIn(DEMO.admin);
    expect(session.token_type).toBe('bearer');
    expect(session.expires_in).toBe(3600);
    expect(session.expires_at).toBeGreaterThanOrEqual(before + 3599);
    expect(session.refresh_token).toMatch(/^[a-z0-9]{12}$/);
    expect(session.user).toMatchObject({
      email: DEMO.admin,
      aud: 'authenticated',
      role: 'authenticated',
      app_metadata: { provider: 'email', providers: ['email'] },
      is_anonymous: false,
    });
    expect(session.user.identities?.[0]).toMatchObject({ provider: 'email', user_id: session.user.id });

    expect(verifiesWith(session.access_token, stack.jwtSecret)).toBe(true);
    const claims = decodeJwt(session.access_token);
    expect(claims).toMatchObject({
      iss: `${stack.url}/auth/v1`,
      sub: session.user.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: DEMO.admin,
      phone: '',
      aal: 'aal1',
      is_anonymous: false,
      app_metadata: { provider: 'email', providers: ['email'] },
    });
    expect(claims.exp).toBe(session.expires_at);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    expect(claims.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }]);

    const [row] = await sql`select last_sign_in_at from auth.users where id = ${session.user.id}`;
    expect(row?.last_sign_in_at).toBeInstanceOf(Date);
  });

  it('refuses a wrong password with invalid_credentials and no session', async () => {
    const { data, error } = await anonClient().auth.signInWithPassword({
      email: DEMO.admin,
      password: 'not-the-password',
    });
    expect(data.session).toBeNull();
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_credentials', message: 'Invalid login credentials' });
  });

  it('answers an unknown email exactly like a wrong password (no account probing)', async () => {
    const unknown = await token('password', { email: 'nobody@easymo.test', password: 'whatever1' });
    const wrong = await token('password', { email: DEMO.admin, password: 'whatever1' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.body).toEqual({ code: 'invalid_credentials', message: 'Invalid login credentials' });
    expect(unknown.headers.get('x-supabase-api-version')).toBe('2024-01-01');
  });

  it('uses the legacy error shape for clients that send no API version', async () => {
    const legacy = await token(
      'password',
      { email: DEMO.admin, password: 'nope-nope' },
      { 'x-supabase-api-version': '' },
    );
    expect(legacy.body).toEqual({ code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' });
  });

  it('rejects a missing email and an unknown grant type with GoTrue codes', async () => {
    expect((await token('password', { password: 'x' })).body).toEqual({
      code: 'validation_failed',
      message: 'missing email or phone',
    });
    const response = await fetch(`${stack.url}/auth/v1/token?grant_type=magic`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, 'x-supabase-api-version': '2024-01-01', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await response.json()).toEqual({ code: 'invalid_credentials', message: 'unsupported_grant_type' });
  });

  it('refuses self sign-up: accounts are created by admins', async () => {
    const { error } = await anonClient().auth.signUp({ email: 'walk-in@easymo.test', password: 'walk-in-password' });
    expect(error).toMatchObject({ status: 422, code: 'signup_disabled' });
  });

  it('requires an API key, as the gateway does', async () => {
    const response = await fetch(`${stack.url}/auth/v1/token?grant_type=password`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'No API key found in request' });
  });
});

describe('sessions', () => {
  it('getUser returns the signed-in user', async () => {
    const { client, session } = await signIn(DEMO.support);
    const { data, error } = await client.auth.getUser();
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ id: session.user.id, email: DEMO.support });
  });

  it('refreshSession rotates the refresh token; replaying an old one revokes the whole session', async () => {
    const { client, session } = await signIn(DEMO.readonly);
    const first = session.refresh_token;

    const rotated = await client.auth.refreshSession({ refresh_token: first });
    expect(rotated.error).toBeNull();
    const second = rotated.data.session?.refresh_token ?? '';
    expect(second).not.toBe(first);
    expect(decodeJwt(rotated.data.session?.access_token ?? '').session_id).toBe(
      decodeJwt(session.access_token).session_id,
    );

    // GoTrue's lost-response rule: the parent of the active token returns the active token.
    const retry = await token('refresh_token', { refresh_token: first });
    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).toBe(second);

    const third = (await token('refresh_token', { refresh_token: second })).body.refresh_token as string;
    expect(third).toMatch(/^[a-z0-9]{12}$/);

    const replay = await anonClient().auth.refreshSession({ refresh_token: first });
    expect(replay.data.session).toBeNull();
    expect(replay.error).toMatchObject({ status: 400, code: 'refresh_token_already_used' });
    // Reuse detection kills every refresh token of the session, the current one included.
    const current = await token('refresh_token', { refresh_token: third });
    expect(current.body).toMatchObject({ code: 'refresh_token_already_used' });
  });

  it('signOut ends the session: its refresh token and access token stop working', async () => {
    const { client, session } = await signIn(DEMO.dataops);
    const { error } = await client.auth.signOut();
    expect(error).toBeNull();

    const refresh = await token('refresh_token', { refresh_token: session.refresh_token });
    expect(refresh.status).toBe(400);
    expect(refresh.body).toMatchObject({ code: 'refresh_token_not_found' });

    const user = await anonClient().auth.getUser(session.access_token);
    expect(user.data.user).toBeNull();
    expect(isAuthSessionMissingError(user.error)).toBe(true);
  });

  it('a forged or expired access token is refused by /user', async () => {
    const { session } = await signIn(DEMO.support);
    const claims = decodeJwt(session.access_token);
    for (const forged of [
      signJwt(claims, 'another-secret-of-sufficient-length'),
      signJwt({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, stack.jwtSecret),
    ]) {
      const { error } = await anonClient().auth.getUser(forged);
      expect(error).toMatchObject({ status: 403, code: 'bad_jwt' });
    }
  });
});

describe('admin API (service role)', () => {
  const email = `new-admin-${Date.now()}@easymo.test`;

  it('creates a confirmed user who can sign in with a bcrypt-stored password', async () => {
    const admin = serviceClient().auth.admin;
    const { data, error } = await admin.createUser({
      email,
      password: 'a-good-password',
      email_confirm: true,
      user_metadata: { full_name: 'New Admin' },
    });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email, user_metadata: { full_name: 'New Admin', email_verified: true } });
    const [row] = await sql`select encrypted_password from auth.users where id = ${data.user?.id ?? ''}`;
    expect(row?.encrypted_password).toMatch(/^\$2a\$10\$.{53}$/);
    await expect(signIn(email, 'a-good-password')).resolves.toBeTruthy();

    const duplicate = await admin.createUser({ email, password: 'another-password' });
    expect(duplicate.error).toMatchObject({ status: 422, code: 'email_exists' });
  });

  it('lists users with GoTrue pagination headers', async () => {
    const { data, error } = await serviceClient().auth.admin.listUsers({ page: 1, perPage: 2 });
    expect(error).toBeNull();
    expect(data.users).toHaveLength(2);
    expect('total' in data && data.total).toBeGreaterThanOrEqual(6);
    expect('nextPage' in data && data.nextPage).toBe(2);
  });

  it('updates a user; a new password ends their existing sessions', async () => {
    const admin = serviceClient().auth.admin;
    const { session } = await signIn(email, 'a-good-password');
    const { data, error } = await admin.updateUserById(session.user.id, {
      password: 'changed-password',
      user_metadata: { team: 'ops' },
    });
    expect(error).toBeNull();
    expect(data.user?.user_metadata).toMatchObject({ full_name: 'New Admin', team: 'ops' });
    expect((await anonClient().auth.getUser(session.access_token)).error).toBeTruthy();
    await expect(signIn(email, 'a-good-password')).rejects.toThrow(/Invalid login credentials/);
    await expect(signIn(email, 'changed-password')).resolves.toBeTruthy();
  });

  it("changing a user's email moves their sign-in and their email identity", async () => {
    const admin = serviceClient().auth.admin;
    const created = await admin.createUser({
      email: `rename-${Date.now()}@easymo.test`,
      password: 'a-good-password',
      email_confirm: true,
    });
    const id = created.data.user?.id ?? '';
    const renamed = `renamed-${Date.now()}@easymo.test`;
    const { data, error } = await admin.updateUserById(id, { email: renamed });
    expect(error).toBeNull();
    expect(data.user?.email).toBe(renamed);
    expect(data.user?.identities?.find((i) => i.provider === 'email')?.identity_data).toMatchObject({ email: renamed });
    await expect(signIn(renamed, 'a-good-password')).resolves.toBeTruthy();
  });

  it('invites by email (inviteUserByEmail): an unconfirmed account without a password, with the given metadata', async () => {
    const admin = serviceClient().auth.admin;
    const address = `Invited-${Date.now()}@easymo.test`;
    const { data, error } = await admin.inviteUserByEmail(address, { data: { full_name: 'Ines Invited' } });
    expect(error).toBeNull();
    const user = data.user;
    expect(user).toMatchObject({
      email: address.toLowerCase(),
      aud: 'authenticated',
      role: 'authenticated',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { full_name: 'Ines Invited' },
    });
    expect(user?.invited_at).toEqual(expect.any(String));
    expect(user?.confirmation_sent_at).toEqual(expect.any(String));
    expect(user?.email_confirmed_at).toBeUndefined();
    expect(user?.identities?.map((i) => i.provider)).toEqual(['email']);
    const [row] =
      await sql`select encrypted_password, email_confirmed_at, confirmation_token from auth.users where id = ${user?.id ?? ''}`;
    expect(row).toMatchObject({ encrypted_password: '', email_confirmed_at: null });
    expect(row?.confirmation_token).toMatch(/^[0-9a-f]{56}$/);
    await expect(signIn(address, '')).rejects.toThrow();

    // Not yet accepted: a second invite sends it again to the same account.
    const again = await admin.inviteUserByEmail(address.toLowerCase());
    expect(again.error).toBeNull();
    expect(again.data.user?.id).toBe(user?.id);
    expect(Date.parse(again.data.user?.invited_at ?? '')).toBeGreaterThanOrEqual(Date.parse(user?.invited_at ?? ''));

    // Accepted (confirmed): inviting the address again is email_exists.
    await admin.updateUserById(user?.id ?? '', { email_confirm: true, password: 'accepted-password' });
    await expect(signIn(address.toLowerCase(), 'accepted-password')).resolves.toBeTruthy();
    const taken = await admin.inviteUserByEmail(address);
    expect(taken.error).toMatchObject({ status: 422, code: 'email_exists' });

    const invalid = await admin.inviteUserByEmail('not-an-email');
    expect(invalid.error).toMatchObject({ status: 400, code: 'validation_failed' });
    const empty = await admin.inviteUserByEmail('');
    expect(empty.error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'An email address is required',
    });
  });

  it('refuses invites to anyone but the service role', async () => {
    const address = `not-invited-${Date.now()}@easymo.test`;
    const { client } = await signIn(DEMO.admin);
    const asAdmin = await client.auth.admin.inviteUserByEmail(address);
    expect(asAdmin.error).toMatchObject({ status: 403, code: 'not_admin' });
    const anon = await anonClient().auth.admin.inviteUserByEmail(address);
    expect(anon.error).toMatchObject({ status: 403, code: 'not_admin' });
    expect(await sql`select 1 from auth.users where email = ${address}`).toHaveLength(0);
  });

  it('refuses the admin API to anyone but the service role', async () => {
    const { client } = await signIn(DEMO.admin);
    const {
      data: { session },
    } = await client.auth.getSession();
    const response = await fetch(`${stack.url}/auth/v1/admin/users`, {
      headers: {
        apikey: stack.anonKey,
        authorization: `Bearer ${session?.access_token}`,
        'x-supabase-api-version': '2024-01-01',
      },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ code: 'not_admin', message: 'User not allowed' });
    const anon = await anonClient().auth.admin.listUsers();
    expect(anon.error).toMatchObject({ status: 403, code: 'not_admin' });
  });
});
