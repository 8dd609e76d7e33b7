/**
 * The admin function's HTTP layer under Deno, without a database: routing under
 * /admin, CORS, the error shape, and how callers are authenticated against the auth
 * server (a local fake speaking GoTrue's /user).
 */
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { z } from 'zod';
import { app } from '../admin/app.ts';
import { quoteHistory, type QuoteAuditRow } from '../admin/quote-history.ts';
import { authenticate, authenticateUser } from '../_shared/auth.ts';
import { handleError, UserError } from '../_shared/errors.ts';
import { MAX_BODY_BYTES, parseRequest } from '../_shared/request.ts';
import { errorOf, USER, USER_TOKEN, withAuthServer as withFakeGoTrue } from './helpers.ts';

const SERVICE_KEY = 'service-role-key-for-tests';

function base64url(value: object): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** An unsigned-looking token: the fake auth server, not the function, judges signatures. */
function token(claims: Record<string, unknown>): string {
  return `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}.signature`;
}

/** Runs `work` with a fake GoTrue that knows one user and accepts one token. */
async function withAuthServer(validToken: string, user: { id: string; email: string }, work: () => Promise<void>) {
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => undefined }, (req) => {
    const auth = req.headers.get('authorization');
    if (new URL(req.url).pathname !== '/auth/v1/user') return new Response('not found', { status: 404 });
    if (auth !== `Bearer ${validToken}`) {
      return Response.json({ code: 'bad_jwt', message: 'invalid JWT' }, { status: 403 });
    }
    return Response.json({ ...user, aud: 'authenticated', role: 'authenticated' });
  });
  Deno.env.set('SUPABASE_URL', `http://127.0.0.1:${server.addr.port}`);
  Deno.env.set('SUPABASE_ANON_KEY', 'anon-key-for-tests');
  Deno.env.set('SUPABASE_SERVICE_ROLE_KEY', SERVICE_KEY);
  try {
    await work();
  } finally {
    await server.shutdown();
  }
}

const request = (path: string, init: RequestInit = {}) => app.fetch(new Request(`http://function${path}`, init));

Deno.test('answers a CORS preflight without authentication', async () => {
  const response = await request('/admin/me', {
    method: 'OPTIONS',
    headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'GET' },
  });
  assert.equal(response.status, 204);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.match(response.headers.get('access-control-allow-headers') ?? '', /authorization.*apikey/);
});

Deno.test('GET /admin/me without a bearer token is a 401 in the API error shape, with CORS headers', async () => {
  const response = await request('/admin/me');
  assert.equal(response.status, 401);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  const body = await response.json();
  assert.equal(body.error.code, 'unauthorized');
  assert.equal(typeof body.error.message, 'string');
});

Deno.test('unknown routes are a 404 not_found', async () => {
  const response = await request('/admin/unknown');
  assert.equal(response.status, 404);
  assert.equal((await response.json()).error.code, 'not_found');
});

Deno.test('routes live under the function name, as the gateway forwards them', async () => {
  const response = await request('/me');
  assert.equal(response.status, 404);
});

Deno.test(
  'errors: UserError keeps its code and status, parseRequest gives invalid_request, a raw ZodError or anything else a bare 500',
  async () => {
    const probe = new Hono();
    probe.onError(handleError);
    probe.get('/user', () => {
      throw new UserError('forbidden', 'Not for you', { need: 'super_admin' });
    });
    probe.get('/zod', () => {
      parseRequest(z.object({ amount: z.number() }), { amount: 'ten' });
      return new Response();
    });
    // A response failing its own contract is our bug, not the caller's.
    probe.get('/raw-zod', () => {
      z.object({ secret_column: z.number() }).parse({ secret_column: 'postgres://secret@db' });
      return new Response();
    });
    probe.get('/crash', () => {
      throw new Error('connection string postgres://secret@db leaked?');
    });

    const user = await probe.fetch(new Request('http://x/user'));
    assert.equal(user.status, 403);
    assert.deepEqual(await user.json(), {
      error: { code: 'forbidden', message: 'Not for you', details: { need: 'super_admin' } },
    });

    const invalid = await probe.fetch(new Request('http://x/zod'));
    assert.equal(invalid.status, 400);
    const invalidBody = await invalid.json();
    assert.equal(invalidBody.error.code, 'invalid_request');
    assert.equal(invalidBody.error.details[0].path[0], 'amount');

    const originalError = console.error;
    const logged: string[] = [];
    console.error = (line: string) => void logged.push(line);
    try {
      for (const route of ['/raw-zod', '/crash']) {
        const crash = await probe.fetch(new Request(`http://x${route}`));
        assert.equal(crash.status, 500, route);
        const body = await crash.json();
        assert.deepEqual(Object.keys(body.error), ['code', 'message'], `${route}: no details`);
        assert.equal(body.error.code, 'internal');
        const requestId = /^Internal error \(request ([0-9a-f-]{36})\)$/.exec(body.error.message)?.[1];
        assert.ok(requestId, body.error.message);
        assert.equal(JSON.parse(logged.at(-1) ?? '{}').requestId, requestId, `${route}: logged under its request id`);
        const text = JSON.stringify(body);
        for (const leak of ['secret', 'secret_column', 'postgres']) {
          assert.ok(!text.includes(leak), `${route}: the 500 leaks nothing of the cause (${leak})`);
        }
      }
      assert.equal(logged.length, 2, 'each 500 is logged with its request id');
    } finally {
      console.error = originalError;
    }
  },
);

Deno.test('authenticate: the service-role key is recognised; authenticateUser refuses it', async () => {
  await withAuthServer('unused', { id: 'x', email: 'x' }, async () => {
    const req = new Request('http://x', { headers: { authorization: `Bearer ${SERVICE_KEY}` } });
    assert.deepEqual(await authenticate(req), {
      kind: 'service',
      role: 'service_role',
      claims: { role: 'service_role' },
      token: SERVICE_KEY,
    });
    await assert.rejects(authenticateUser(req), (e: unknown) => e instanceof UserError && e.code === 'forbidden');
  });
});

Deno.test('authenticate: a token the auth server accepts yields the user and its claims', async () => {
  const user = { id: '6f1c2b9e-3a4d-4e5f-8a7b-9c0d1e2f3a4b', email: 'support@easymo.test' };
  const valid = token({ sub: user.id, role: 'authenticated', email: user.email });
  await withAuthServer(valid, user, async () => {
    const caller = await authenticate(new Request('http://x', { headers: { authorization: `Bearer ${valid}` } }));
    assert.equal(caller.kind, 'user');
    assert.equal(caller.kind === 'user' && caller.userId, user.id);
    assert.equal(caller.kind === 'user' && caller.email, user.email);
    assert.equal(caller.claims.role, 'authenticated');
  });
});

Deno.test(
  'authenticate: refused by the auth server, anon tokens and mismatched subjects are unauthorized',
  async () => {
    const user = { id: '6f1c2b9e-3a4d-4e5f-8a7b-9c0d1e2f3a4b', email: 'support@easymo.test' };
    const mismatched = token({ sub: 'another-user', role: 'authenticated' });
    const anon = token({ role: 'anon' });
    for (const [accepted, presented] of [
      [mismatched, token({ sub: user.id, role: 'authenticated' })],
      [mismatched, mismatched],
      [anon, anon],
    ]) {
      await withAuthServer(accepted, user, async () => {
        const req = new Request('http://x', { headers: { authorization: `Bearer ${presented}` } });
        await assert.rejects(authenticate(req), (e: unknown) => e instanceof UserError && e.code === 'unauthorized');
      });
    }
  },
);

// ── admin-panel routes: everything refused before the database ────────────────────────
// The database is unreachable in these tests (helpers.ts): a route that queried it before
// judging its input would answer 500, so each case below also proves the order.

const STATION = '3c9a1b2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

async function asAdmin(method: string, path: string, body?: unknown): Promise<Response> {
  return await request(path, {
    method,
    headers: { authorization: `Bearer ${USER_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

Deno.test('admin-panel routes refuse callers without a bearer token (401), whatever the input', async () => {
  await withFakeGoTrue(async (calls) => {
    for (const [method, path] of [
      ['GET', '/admin/dashboard'],
      ['GET', '/admin/stations'],
      ['POST', '/admin/stations'],
      ['GET', `/admin/stations/${STATION}`],
      ['PATCH', `/admin/stations/${STATION}`],
      ['POST', `/admin/stations/${STATION}/operators`],
      ['DELETE', `/admin/stations/${STATION}/operators/${USER.id}`],
      ['GET', '/admin/settings'],
      ['PUT', '/admin/settings/quiet_hours'],
      ['POST', '/admin/opt-outs'],
      ['POST', '/admin/opt-outs/remove'],
      ['POST', '/admin/opt-outs/check'],
      ['GET', '/admin/audit'],
      ['GET', '/admin/audit/verify'],
      ['GET', '/admin/users'],
      ['POST', '/admin/users/invite'],
      ['PUT', `/admin/users/${USER.id}/roles`],
    ] as const) {
      const response = await request(path, { method, body: method === 'GET' ? undefined : 'not JSON' });
      const error = await errorOf(response);
      assert.equal(error.status, 401, `${method} ${path}`);
      assert.equal(error.code, 'unauthorized', `${method} ${path}`);
    }
    assert.equal(calls.count, 0, 'no token, no call to the auth server');
  });
});

Deno.test(
  'admin-panel bodies and queries that break their contracts are 400 invalid_request with zod issues',
  async () => {
    const cases: [string, string, unknown, string | undefined][] = [
      ['POST', '/admin/stations', {}, 'name'],
      ['POST', '/admin/stations', { name: 'x', engencode: 'has space' }, 'engencode'],
      [
        'POST',
        '/admin/stations',
        { name: 'x', engencode: 'KGL-1', location: { latitude: 91, longitude: 0 } },
        'location',
      ],
      ['POST', '/admin/stations', { name: 'x', engencode: 'KGL-1', owner_contact: 'call me' }, 'owner_contact'],
      ['POST', '/admin/stations', { name: 'x', engencode: 'KGL-1', id: STATION }, undefined],
      ['POST', '/admin/stations', 'not JSON', undefined],
      ['PATCH', `/admin/stations/${STATION}`, {}, undefined],
      ['PATCH', `/admin/stations/${STATION}`, { status: 'closed' }, 'status'],
      ['POST', `/admin/stations/${STATION}/operators`, { email: 'not-an-email' }, 'email'],
      ['POST', `/admin/stations/${STATION}/operators`, { email: 'a@b.co', move: 'yes' }, 'move'],
      ['PUT', '/admin/settings/quiet_hours', { value: { rw: { start: '25:00', end: '06:00' } } }, 'value'],
      ['PUT', '/admin/settings/send_throttle', { value: { whatsapp: { per_minute: -1 } } }, 'value'],
      ['PUT', '/admin/settings/templates', { value: [{ id: 'x' }] }, 'value'],
      ['PUT', '/admin/settings/revolut_link', { url: 'https://revolut.me/x' }, undefined],
      ['POST', '/admin/opt-outs', { msisdn: '12345' }, 'msisdn'],
      ['POST', '/admin/opt-outs/remove', {}, 'msisdn'],
      ['POST', '/admin/opt-outs/check', { msisdn: '+250788123456', extra: 1 }, undefined],
      ['POST', '/admin/users/invite', { email: 'new@easymo.test', roles: [] }, 'roles'],
      ['POST', '/admin/users/invite', { email: 'new@easymo.test', roles: ['owner'] }, 'roles'],
      ['POST', '/admin/users/invite', { roles: ['support'] }, 'email'],
      ['PUT', `/admin/users/${USER.id}/roles`, { roles: 'support' }, 'roles'],
      ['PUT', `/admin/users/${USER.id}/roles`, {}, 'roles'],
    ];
    await withFakeGoTrue(async () => {
      for (const [method, path, body, field] of cases) {
        const what = `${method} ${path} ${JSON.stringify(body)}`;
        const error = await errorOf(await asAdmin(method, path, body));
        assert.equal(error.status, 400, what);
        assert.equal(error.code, 'invalid_request', what);
        if (body !== 'not JSON') assert.ok(Array.isArray(error.details) && error.details.length > 0, `${what}: issues`);
        if (field) {
          const issues = error.details as { path: (string | number)[] }[];
          assert.ok(
            issues.some((i) => i.path[0] === field),
            `${what}: an issue at ${field}`,
          );
        }
      }
      for (const query of [
        'stations?status=closed',
        'stations?q=',
        'stations?page=2',
        'audit?limit=0',
        'audit?table=auth.users',
        'audit?from=yesterday',
        'audit?cursor=abc',
        `audit?cursor=${btoa('a.0')}`,
        `audit?cursor=${btoa('["2026-01-01T00:00:00Z","x"]')}`,
        'audit?action=insert&action=update',
      ]) {
        const error = await errorOf(await asAdmin('GET', `/admin/${query}`));
        assert.equal(error.status, 400, query);
        assert.equal(error.code, 'invalid_request', query);
      }
    });
  },
);

Deno.test('admin-panel paths that name nothing are 404 not_found, before the database', async () => {
  await withFakeGoTrue(async () => {
    for (const [method, path, body] of [
      ['GET', '/admin/stations/KGL-KCY-01', undefined],
      ['PATCH', '/admin/stations/not-a-uuid', { name: 'x' }],
      ['POST', '/admin/stations/123/operators', { email: 'a@b.co' }],
      ['DELETE', `/admin/stations/${STATION}/operators/someone`, undefined],
      ['PUT', '/admin/settings/opt_out_list', { value: [] }],
      ['PUT', '/admin/settings/redemption', { value: {} }],
      ['PUT', '/admin/settings/__proto__', { value: {} }],
      ['PUT', '/admin/users/admin@easymo.test/roles', { roles: ['support'] }],
    ] as const) {
      const error = await errorOf(await asAdmin(method, path, body));
      assert.equal(error.status, 404, `${method} ${path}`);
      assert.equal(error.code, 'not_found', `${method} ${path}`);
    }
  });
});

Deno.test('a settings body over the size limit is 413, before the database', async () => {
  await withFakeGoTrue(async () => {
    const huge = JSON.stringify({ value: 'x'.repeat(MAX_BODY_BYTES) });
    const error = await errorOf(await asAdmin('PUT', '/admin/settings/templates', huge));
    assert.equal(error.status, 413);
    assert.equal(error.code, 'payload_too_large');
  });
});

// ── an insurance quote's history, told from its audit rows ────────────────────────────

const REVIEWER = 'a0000000-0000-4000-8000-000000000002';
const quoteRow = (
  action: string,
  at: string,
  after: Record<string, unknown>,
  actor: { id?: string; kind?: string } = {},
): QuoteAuditRow => ({
  action,
  actor_id: actor.id ?? null,
  actor_kind: actor.kind ?? (actor.id ? 'user' : 'service'),
  created_at: new Date(at),
  diff: action === 'insert' ? { after } : { before: {}, after },
});

Deno.test('quote history: submission, edit, sending back, resubmission and approval, each with what it carried', () => {
  const history = quoteHistory(
    [
      quoteRow('insert', '2026-11-25T08:00:00Z', {
        status: 'pending',
        premium: null,
        insurer: null,
        uploaded_docs: ['q/id.png', 'q/card.png'],
        created_at: '2026-11-20T08:00:00+00:00',
      }),
      // A premium typed before deciding: an edit; the later approval carries it though its diff does not.
      quoteRow('update', '2026-11-25T09:00:00Z', { premium: 84000 }, { id: REVIEWER }),
      quoteRow(
        'update',
        '2026-11-25T09:05:00Z',
        { status: 'needs_changes', change_reason: 'document_unreadable', reviewer_comment: 'Blurred ID' },
        { id: REVIEWER },
      ),
      quoteRow('update', '2026-11-25T10:00:00Z', {
        status: 'pending',
        change_reason: null,
        reviewer_comment: null,
        uploaded_docs: ['q/id.png', 'q/card.png', 'q/id-2.png'],
      }),
      quoteRow(
        'update',
        '2026-11-25T11:00:00Z',
        { status: 'approved', insurer: 'Radiant', approved_at: '2026-11-25T11:00:00+00:00' },
        { id: REVIEWER },
      ),
    ],
    new Map([[REVIEWER, 'support@easymo.test']]),
  );
  assert.deepEqual(
    history.map((h) => [
      h.event,
      h.at,
      h.actor_email,
      h.premium,
      h.insurer,
      h.change_reason,
      h.comment,
      h.documents_added,
    ]),
    [
      // The submission is dated by the quote's creation, not by when its audit row was written.
      ['submitted', '2026-11-20T08:00:00.000Z', null, null, null, null, null, ['q/id.png', 'q/card.png']],
      ['edited', '2026-11-25T09:00:00.000Z', 'support@easymo.test', 84000, null, null, null, []],
      [
        'sent_back',
        '2026-11-25T09:05:00.000Z',
        'support@easymo.test',
        84000,
        null,
        'document_unreadable',
        'Blurred ID',
        [],
      ],
      ['resubmitted', '2026-11-25T10:00:00.000Z', null, 84000, null, null, null, ['q/id-2.png']],
      ['approved', '2026-11-25T11:00:00.000Z', 'support@easymo.test', 84000, 'Radiant', null, null, []],
    ],
  );
  assert.equal(history[3]?.actor_kind, 'service');
});

Deno.test('quote history: an actor the directory does not know has no email; no rows, no history', () => {
  const [entry] = quoteHistory(
    [quoteRow('insert', '2026-11-25T08:00:00Z', { status: 'pending' }, { id: REVIEWER })],
    new Map(),
  );
  assert.equal(entry?.actor_email, null);
  assert.equal(entry?.at, '2026-11-25T08:00:00.000Z');
  assert.deepEqual(quoteHistory([], new Map()), []);
});
