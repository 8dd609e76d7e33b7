/**
 * Edge functions through the gateway with supabase-js `functions.invoke`: verify_jwt,
 * the function's own authentication, roles read as the caller, the error shape, CORS.
 */
import { FunctionsHttpError } from '@supabase/supabase-js';
import { afterAll, describe, expect, it } from 'vitest';
import { anonClient, db, decodeJwt, DEMO, signIn, signJwt, stack } from '../support/stack.ts';

const sql = db();
afterAll(() => sql.end());

async function errorOf(error: unknown): Promise<{ status: number; body: unknown }> {
  expect(error).toBeInstanceOf(FunctionsHttpError);
  const response = (error as FunctionsHttpError).context as Response;
  return { status: response.status, body: await response.json() };
}

function callMe(token: string | undefined, method = 'GET') {
  return fetch(`${stack.url}/functions/v1/admin/me`, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

describe('GET /admin/me', () => {
  it.each([
    [DEMO.admin, ['super_admin']],
    [DEMO.support, ['support']],
    [DEMO.dataops, ['data_ops']],
    [DEMO.readonly, ['readonly']],
    [DEMO.operator, []],
  ])('returns %s with roles %j', async (email, roles) => {
    const { client, session } = await signIn(email);
    const { data, error } = await client.functions.invoke('admin/me', { method: 'GET' });
    expect(error).toBeNull();
    expect(data).toEqual({ id: session.user.id, email, roles });
  });

  it('reads roles at request time, so a granted role shows without signing in again', async () => {
    const { client, session } = await signIn(DEMO.operator);
    await sql`insert into public.admin_roles (user_id, roles) values (${session.user.id}, '{readonly}')`;
    try {
      const { data } = await client.functions.invoke('admin/me', { method: 'GET' });
      expect(data).toMatchObject({ roles: ['readonly'] });
    } finally {
      await sql`delete from public.admin_roles where user_id = ${session.user.id}`;
    }
  });

  it('without a session (anon key as bearer) the function answers 401 in the API error shape', async () => {
    const { data, error } = await anonClient().functions.invoke('admin/me', { method: 'GET' });
    expect(data).toBeNull();
    expect(await errorOf(error)).toEqual({
      status: 401,
      body: { error: { code: 'unauthorized', message: expect.any(String) } },
    });
  });

  it('without an Authorization header the gateway refuses before the function runs', async () => {
    const response = await callMe(undefined);
    expect(response.status).toBe(401);
    expect(response.headers.get('sb-error-code')).toBe('UNAUTHORIZED_NO_AUTH_HEADER');
    expect(await response.json()).toEqual({ code: 401, message: 'Missing authorization header' });
  });

  it('refuses an expired token and a token signed by another secret', async () => {
    const { client, session } = await signIn(DEMO.admin);
    const claims = decodeJwt(session.access_token);
    const expired = signJwt({ ...claims, exp: Math.floor(Date.now() / 1000) - 1 }, stack.jwtSecret);
    const foreign = signJwt(claims, 'a-different-project-secret-0123456789');
    for (const token of [expired, foreign, 'not-a-jwt']) {
      const { data, error } = await client.functions.invoke('admin/me', {
        method: 'GET',
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(data).toBeNull();
      expect(await errorOf(error)).toEqual({ status: 401, body: { code: 401, message: 'Invalid JWT' } });
    }
    // The same claims correctly signed pass: only the signature and expiry differ above.
    const genuine = await client.functions.invoke('admin/me', {
      method: 'GET',
      headers: { Authorization: `Bearer ${signJwt(claims, stack.jwtSecret)}` },
    });
    expect(genuine.error).toBeNull();
  });

  it('refuses a validly signed token whose session was signed out', async () => {
    const { client, session } = await signIn(DEMO.support);
    await client.auth.signOut();
    const response = await callMe(session.access_token);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('answers unknown routes and unknown functions with 404', async () => {
    const { client } = await signIn(DEMO.admin);
    const { error } = await client.functions.invoke('admin/nothing-here', { method: 'GET' });
    expect(await errorOf(error)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const missing = await client.functions.invoke('no-such-function', { method: 'GET' });
    expect(await errorOf(missing.error)).toMatchObject({ status: 404 });
  });

  it('answers a CORS preflight without a token, allowing the headers supabase-js sends', async () => {
    const response = await fetch(`${stack.url}/functions/v1/admin/me`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization, x-client-info, apikey, content-type',
      },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = response.headers.get('access-control-allow-headers') ?? '';
    for (const header of ['authorization', 'x-client-info', 'apikey', 'content-type'])
      expect(allowed).toContain(header);
  });
});
