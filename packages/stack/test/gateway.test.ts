/**
 * The gateway's routing and checks, with a stand-in function process (a plain HTTP
 * server that echoes what it received) instead of Deno.
 */
import { createServer, type Server } from 'node:http';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../src/gateway.ts';
import { signJwt } from '../src/jwt.ts';
import { apiKey } from '../src/secrets.ts';

const jwtSecret = 'gateway-test-secret-0123456789abcdef';
const secrets = { jwtSecret, anonKey: apiKey('anon', jwtSecret), serviceRoleKey: apiKey('service_role', jwtSecret) };
let echo: Server;
let port = 0;

beforeAll(async () => {
  echo = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const address = echo.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

function gateway() {
  const auth = new Hono().get('/health', (c) => c.json({ service: 'auth' }));
  const storage = new Hono().get('/whoami', (c) => c.json({ authorization: c.req.header('authorization') ?? null }));
  return createGateway({
    secrets,
    config: {
      auth: { jwtExpiry: 3600, refreshTokenRotation: true, refreshTokenReuseInterval: 0 },
      seedPaths: [],
      functions: { open: { verifyJwt: false } },
      storageFileSizeLimit: 50 * 1024 * 1024,
    },
    functions: {
      names: () => ['open', 'closed', 'broken'],
      port: (name) => (['open', 'closed', 'broken'].includes(name) ? port : undefined),
      state: (name) => (name === 'broken' ? 'booting' : ['open', 'closed'].includes(name) ? 'ready' : undefined),
    },
    auth,
    storage,
  });
}

const call = (path: string, init?: RequestInit) => gateway().request(`http://127.0.0.1:54321${path}`, init);

describe('gateway: functions', () => {
  it('forwards /functions/v1/<name>/<rest>?query to the function as /<name>/<rest>?query, with the body', async () => {
    const response = await call('/functions/v1/open/vouchers/42?expand=events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client-info': 'supabase-js/2' },
      body: '{"amount":5000}',
    });
    expect(response.status).toBe(200);
    const seen = (await response.json()) as {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(seen).toMatchObject({ method: 'POST', url: '/open/vouchers/42?expand=events', body: '{"amount":5000}' });
    expect(seen.headers['x-client-info']).toBe('supabase-js/2');
    expect(seen.headers['x-forwarded-host']).toBe('127.0.0.1:54321');
  });

  it('lets a verify_jwt = false function be called without a token', async () => {
    expect((await call('/functions/v1/open')).status).toBe(200);
  });

  it('checks the JWT of functions that keep the default verify_jwt = true', async () => {
    const missing = await call('/functions/v1/closed/x');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ code: 401, message: 'Missing authorization header' });

    const wrongScheme = await call('/functions/v1/closed/x', {
      headers: { authorization: `Token ${secrets.anonKey}` },
    });
    expect(wrongScheme.headers.get('sb-error-code')).toBe('UNAUTHORIZED_INVALID_JWT_FORMAT');

    const expired = signJwt({ role: 'authenticated', exp: Math.floor(Date.now() / 1000) - 5 }, jwtSecret);
    const late = await call('/functions/v1/closed/x', { headers: { authorization: `Bearer ${expired}` } });
    expect(late.status).toBe(401);
    expect(late.headers.get('sb-error-code')).toBe('UNAUTHORIZED_LEGACY_JWT');

    // Any validly signed token passes the gateway: the anon key and the service key too.
    for (const key of [secrets.anonKey, secrets.serviceRoleKey]) {
      expect((await call('/functions/v1/closed/x', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    }
  });

  it('lets CORS preflights through to the function without a token', async () => {
    const response = await call('/functions/v1/closed/x', { method: 'OPTIONS' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { method: string }).method).toBe('OPTIONS');
  });

  it('answers 503 BOOT_ERROR for a function that has not booted, readable by the browser', async () => {
    const response = await call('/functions/v1/broken/x', { headers: { authorization: `Bearer ${secrets.anonKey}` } });
    expect(response.status).toBe(503);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual({ code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' });
  });

  it('answers an unknown function with 404', async () => {
    const response = await call('/functions/v1/nope', { headers: { authorization: `Bearer ${secrets.anonKey}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: 'Requested function was not found' });
  });
});

describe('gateway: auth and storage', () => {
  it('requires a known API key for /auth/v1 and answers preflights itself', async () => {
    expect((await call('/auth/v1/health')).status).toBe(401);
    expect((await call('/auth/v1/health', { headers: { apikey: 'made-up' } })).status).toBe(401);
    const ok = await call('/auth/v1/health', { headers: { apikey: secrets.anonKey } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await call('/auth/v1/token', {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-headers': 'apikey, content-type' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('apikey, content-type');
  });

  it('passes storage requests without an API key (signed URLs) and turns a lone apikey into the bearer', async () => {
    expect(await (await call('/storage/v1/whoami')).json()).toEqual({ authorization: null });
    expect(await (await call('/storage/v1/whoami', { headers: { apikey: secrets.anonKey } })).json()).toEqual({
      authorization: `Bearer ${secrets.anonKey}`,
    });
    const both = await call('/storage/v1/whoami', {
      headers: { apikey: secrets.anonKey, authorization: 'Bearer user-token' },
    });
    expect(await both.json()).toEqual({ authorization: 'Bearer user-token' });
  });

  it('explains that PostgREST is not served locally', async () => {
    const response = await call('/rest/v1/vouchers');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toMatch(/edge functions/);
  });
});
