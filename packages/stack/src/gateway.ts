/**
 * The single origin of the local stack, laid out like Supabase's API gateway:
 *   /auth/v1/*       → the GoTrue stand-in        (apikey required, gateway CORS)
 *   /storage/v1/*    → the storage-api stand-in   (its own auth, gateway CORS)
 *   /functions/v1/*  → the Deno process of that function (verify_jwt from config.toml;
 *                      CORS is the function's own business, as on Supabase)
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { FunctionsRunner } from './functions.ts';
import { verifyJwt } from './jwt.ts';
import type { ApiSecrets } from './secrets.ts';
import { functionConfig, type SupabaseConfig } from './supabase-config.ts';

export interface GatewayDeps {
  secrets: ApiSecrets;
  config: SupabaseConfig;
  /** Where each function listens (the Deno processes of FunctionsRunner). */
  functions: Pick<FunctionsRunner, 'names' | 'port' | 'state'>;
  auth: Hono;
  storage: Hono;
}

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'proxy-connection',
  'te',
  'trailer',
];

/** Kong's CORS plugin as Supabase configures it: any origin, preflight answered here. */
const gatewayCors: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'OPTIONS') {
    return c.body(null, 200, {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS',
      'access-control-allow-headers': c.req.header('access-control-request-headers') ?? '*',
      'access-control-max-age': '3600',
    });
  }
  await next();
  c.res.headers.set('access-control-allow-origin', '*');
  c.res.headers.set(
    'access-control-expose-headers',
    'content-range, x-supabase-api-version, etag, content-disposition',
  );
};

/** Kong's key-auth: the anon or service-role key in `apikey` (header or query). */
function requireApiKey(secrets: ApiSecrets): MiddlewareHandler {
  return async (c, next) => {
    const key = c.req.header('apikey') ?? c.req.query('apikey');
    if (!key) return c.json({ message: 'No API key found in request' }, 401);
    if (key !== secrets.anonKey && key !== secrets.serviceRoleKey) {
      return c.json({ message: 'Invalid authentication credentials' }, 401);
    }
    await next();
  };
}

const apiKeyAsBearer: MiddlewareHandler = async (c, next) => {
  const key = c.req.header('apikey');
  if (key && !c.req.header('authorization')) {
    const headers = new Headers(c.req.raw.headers);
    headers.set('authorization', `Bearer ${key}`);
    c.req.raw = new Request(c.req.raw, { headers });
  }
  await next();
};

/**
 * The hosted gateway's JWT check for functions with verify_jwt = true: any validly signed,
 * unexpired HS256 token passes (anon key, service key, user tokens); the body is the
 * hosted one and `sb-error-code` names the reason. The hosted gateway adds no CORS
 * headers here (supabase/edge-runtime#213); we add `*` so a browser can read the 401.
 */
function checkFunctionJwt(c: Context, jwtSecret: string): Response | undefined {
  const refuse = (message: string, reason: string) =>
    c.json({ code: 401, message }, 401, { 'sb-error-code': reason, 'access-control-allow-origin': '*' });
  const header = c.req.header('authorization');
  if (!header) return refuse('Missing authorization header', 'UNAUTHORIZED_NO_AUTH_HEADER');
  const match = /^Bearer (\S+)$/.exec(header);
  if (!match?.[1]) return refuse('Invalid JWT', 'UNAUTHORIZED_INVALID_JWT_FORMAT');
  const check = verifyJwt(match[1], jwtSecret);
  if (check.ok) return undefined;
  if (check.reason === 'malformed') return refuse('Invalid JWT', 'UNAUTHORIZED_INVALID_JWT_FORMAT');
  if (check.reason === 'unsupported_algorithm')
    return refuse('Invalid JWT', 'UNAUTHORIZED_UNSUPPORTED_TOKEN_ALGORITHM');
  return refuse('Invalid JWT', 'UNAUTHORIZED_LEGACY_JWT');
}

async function proxyToFunction(c: Context, deps: GatewayDeps): Promise<Response> {
  const url = new URL(c.req.url);
  const rest = url.pathname.slice('/functions/v1/'.length);
  const name = rest.split('/')[0] ?? '';
  const port = deps.functions.port(name);
  if (!name || port === undefined) {
    return c.json({ code: 'NOT_FOUND', message: 'Requested function was not found' }, 404, {
      'access-control-allow-origin': '*',
    });
  }
  if (deps.functions.state(name) !== 'ready') {
    return c.json({ code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' }, 503, {
      'access-control-allow-origin': '*',
    });
  }
  if (c.req.method !== 'OPTIONS' && functionConfig(deps.config, name).verifyJwt) {
    const refused = checkFunctionJwt(c, deps.secrets.jwtSecret);
    if (refused) return refused;
  }
  const headers = new Headers(c.req.raw.headers);
  for (const h of HOP_BY_HOP) headers.delete(h);
  headers.set('x-forwarded-host', url.host);
  headers.set('x-forwarded-proto', url.protocol.replace(':', ''));
  const hasBody = !['GET', 'HEAD'].includes(c.req.method);
  let upstream: Response;
  try {
    upstream = await fetch(`http://127.0.0.1:${port}/${rest}${url.search}`, {
      method: c.req.method,
      headers,
      body: hasBody ? c.req.raw.body : undefined,
      redirect: 'manual',
      // Node's fetch needs this to stream a request body.
      ...(hasBody ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (error) {
    return c.json(
      { code: 'BOOT_ERROR', message: `Function ${name} is not reachable: ${(error as Error).message}` },
      503,
      { 'access-control-allow-origin': '*' },
    );
  }
  // fetch has already decoded any content-encoding; let the server frame the body again.
  const responseHeaders = new Headers(upstream.headers);
  for (const h of [...HOP_BY_HOP, 'content-encoding', 'content-length']) responseHeaders.delete(h);
  return new Response(upstream.body, { status: upstream.status, headers: responseHeaders });
}

export function createGateway(deps: GatewayDeps): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok', functions: deps.functions.names() }));

  app.use('/auth/v1/*', gatewayCors, requireApiKey(deps.secrets));
  app.route('/auth/v1', deps.auth);
  // Storage does its own auth from Authorization (signed URLs carry none). Like the
  // CLI's gateway, use the apikey as the bearer when no Authorization is sent.
  app.use('/storage/v1/*', gatewayCors, apiKeyAsBearer);
  app.route('/storage/v1', deps.storage);

  app.all('/functions/v1/*', (c) => proxyToFunction(c, deps));
  app.all('/rest/v1/*', (c) =>
    c.json(
      {
        code: 'PGRST000',
        message: 'PostgREST is not part of the local stack: the apps read and write through edge functions',
      },
      404,
    ),
  );
  app.notFound((c) => c.json({ message: 'no Route matched with those values' }, 404));
  return app;
}
