/**
 * The auth stand-in follows supabase/config.toml: token lifetime (`jwt_expiry`) and the
 * refresh-token reuse interval. A second instance of the service is built here with
 * other settings, over the same test database.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createAuthService } from '../../packages/stack/src/auth/service.ts';
import { db, DEMO, decodeJwt, stack } from '../support/stack.ts';

const sql = db();
afterAll(() => sql.end());

function authWith(config: { jwtExpiry: number; refreshTokenReuseInterval: number }) {
  const service = createAuthService({
    sql,
    secrets: { jwtSecret: stack.jwtSecret, anonKey: stack.anonKey, serviceRoleKey: stack.serviceRoleKey },
    config: { refreshTokenRotation: true, ...config },
    issuer: `${stack.url}/auth/v1`,
  });
  return async (grant: string, body: object) => {
    const response = await service.request(`/token?grant_type=${grant}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
}

describe('auth settings from config.toml', () => {
  it('issues access tokens that live jwt_expiry seconds', async () => {
    const token = authWith({ jwtExpiry: 120, refreshTokenReuseInterval: 0 });
    const { status, body } = await token('password', { email: DEMO.readonly, password: stack.demoPassword });
    expect(status).toBe(200);
    expect(body.expires_in).toBe(120);
    const claims = decodeJwt(String(body.access_token));
    expect(Number(claims.exp) - Number(claims.iat)).toBe(120);
  });

  it('within the reuse interval a used refresh token still rotates; with 0 it is refused', async () => {
    const lenient = authWith({ jwtExpiry: 3600, refreshTokenReuseInterval: 60 });
    const signIn = await lenient('password', { email: DEMO.readonly, password: stack.demoPassword });
    const first = String(signIn.body.refresh_token);
    const second = String((await lenient('refresh_token', { refresh_token: first })).body.refresh_token);
    await lenient('refresh_token', { refresh_token: second });
    // `first` is neither active nor the parent of the active token: only the interval saves it.
    const reused = await lenient('refresh_token', { refresh_token: first });
    expect(reused.status).toBe(200);

    const strict = authWith({ jwtExpiry: 3600, refreshTokenReuseInterval: 0 });
    const again = await strict('refresh_token', { refresh_token: second });
    expect(again.body).toMatchObject({ code: 'refresh_token_already_used' });
  });
});
