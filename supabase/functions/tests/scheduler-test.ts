/**
 * The scheduler function up to the database boundary: only the service role may tick,
 * and a tick request is checked against its contract before any database work. The
 * database URL points at a closed port, so any query would fail loudly (a 500).
 */
import assert from 'node:assert/strict';
import { app } from '../scheduler/app.ts';
import { errorOf, quietly, SERVICE_KEY, USER_TOKEN, withAuthServer } from './helpers.ts';

const tick = (body: string, bearer?: string) =>
  app.fetch(
    new Request('http://function/scheduler/tick', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body,
    }),
  );

Deno.test('without a bearer token a tick is a 401 unauthorized', async () => {
  const error = await errorOf(await tick('{}'));
  assert.equal(error.status, 401);
  assert.equal(error.code, 'unauthorized');
});

Deno.test('a signed-in user is 403 forbidden, whatever the body', async () => {
  await withAuthServer(async (calls) => {
    for (const body of ['{}', '{"tasks":["expire"]}', 'not JSON']) {
      const error = await errorOf(await tick(body, USER_TOKEN));
      assert.equal(error.status, 403, body);
      assert.equal(error.code, 'forbidden');
      assert.match(error.message, /service role/);
    }
    assert.equal(calls.count, 3, 'the user was recognised by the auth server each time');
  });
});

Deno.test('a token the auth server refuses is a 401, not a 403', async () => {
  await withAuthServer(async () => {
    const error = await errorOf(await tick('{}', 'some.other.token'));
    assert.equal(error.status, 401);
    assert.equal(error.code, 'unauthorized');
  });
});

Deno.test('service role: an invalid tick request is a 400 before any database work', async () => {
  await withAuthServer(async (calls) => {
    const cases: [string, string, string | undefined][] = [
      ['an unknown task', JSON.stringify({ tasks: ['expire', 'reindex'] }), 'tasks'],
      ['no tasks', JSON.stringify({ tasks: [] }), 'tasks'],
      ['tasks not an array', JSON.stringify({ tasks: 'expire' }), 'tasks'],
      ['budget_ms 10', JSON.stringify({ budget_ms: 10 }), 'budget_ms'],
      ['budget_ms over 50 s', JSON.stringify({ budget_ms: 50_001 }), 'budget_ms'],
      ['budget_ms not whole', JSON.stringify({ budget_ms: 1000.5 }), 'budget_ms'],
      ['budget_ms as text', JSON.stringify({ budget_ms: '1000' }), 'budget_ms'],
      ['send_batch 0', JSON.stringify({ send_batch: 0 }), 'send_batch'],
      ['send_batch 501', JSON.stringify({ send_batch: 501 }), 'send_batch'],
      ['an extra key', JSON.stringify({ tasks: ['expire'], dry_run: true }), undefined],
      ['an array', JSON.stringify([{ tasks: ['expire'] }]), undefined],
    ];
    for (const [what, body, path] of cases) {
      const error = await errorOf(await tick(body, SERVICE_KEY));
      assert.equal(error.status, 400, what);
      assert.equal(error.code, 'invalid_request', what);
      const issues = error.details as { path: (string | number)[]; code: string }[];
      assert.ok(Array.isArray(issues) && issues.length > 0, `${what}: zod issues as details`);
      if (path)
        assert.ok(
          issues.some((i) => i.path[0] === path),
          `${what}: an issue at ${path}`,
        );
      if (what === 'an extra key') assert.ok(issues.some((i) => i.code === 'unrecognized_keys'));
    }
    for (const body of ['', 'tasks=expire', '{"tasks": ["expire"]']) {
      const error = await errorOf(await tick(body, SERVICE_KEY));
      assert.equal(error.status, 400, JSON.stringify(body));
      assert.equal(error.code, 'invalid_request');
      assert.equal(error.message, 'The body must be JSON');
    }
    assert.equal(calls.count, 0, 'the service-role key is recognised without asking the auth server');
  });
});

Deno.test('control: a valid tick does reach the (unreachable) database, and fails as a bare 500', async () => {
  await withAuthServer(async () => {
    let response: Response | undefined;
    const logged = await quietly(async () => {
      response = await tick(JSON.stringify({ tasks: ['housekeeping'], budget_ms: 1000 }), SERVICE_KEY);
    });
    assert.ok(response);
    const error = await errorOf(response);
    assert.equal(error.status, 500, 'so the 400s above really stopped before the database');
    assert.equal(error.code, 'internal');
    assert.ok(!JSON.stringify(error).includes('127.0.0.1'), 'the 500 does not leak the connection');
    assert.equal(logged.length, 1);
  });
});
