/**
 * The station function up to the database boundary: who may call, how requests are
 * checked against their contracts (before any query), and the QR token check in
 * `presented()` (a forged, altered or expired QR is refused before the database is asked).
 * The database is unreachable here, so a route that queried it would answer 500.
 */
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { signVoucherToken, type VoucherClaims } from '../../../packages/domain/src/voucher-token.ts';
import { handleError, UserError } from '../_shared/errors.ts';
import { MAX_BODY_BYTES } from '../_shared/request.ts';
import { app } from '../station/app.ts';
import { presented, refusalError } from '../station/redeem.ts';
import { errorOf, UNREACHABLE_DB, USER_TOKEN, withAuthServer } from './helpers.ts';

// voucher-keys.ts caches the imported key: set it once, before anything uses it.
const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
  'sign',
  'verify',
])) as CryptoKeyPair;
Deno.env.set('VOUCHER_SIGNING_KEY', JSON.stringify(await crypto.subtle.exportKey('jwk', keyPair.privateKey)));
Deno.env.set('SUPABASE_DB_URL', UNREACHABLE_DB);

const VOUCHER_ID = '0b7e4c1a-9d2f-4e8b-a6c3-5f1d2e3c4b5a';
const STATION_ID = '3c9a1b2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const IDEMPOTENCY_KEY = '5d6e7f80-91a2-4b3c-8d4e-5f60718293a4';
const HOUR = 3600_000;

function claims(overrides: Partial<VoucherClaims> = {}): VoucherClaims {
  return {
    code5: 'K7M2Q',
    voucherId: VOUCHER_ID,
    amount: 5000,
    stationScope: STATION_ID,
    expiresAt: new Date(Date.now() + 24 * HOUR),
    ...overrides,
  };
}

const sign = (c: VoucherClaims, key = keyPair.privateKey) => signVoucherToken(c, key);

const request = (path: string, init: RequestInit = {}) => app.fetch(new Request(`http://function${path}`, init));

const asUser = (path: string, init: RequestInit = {}) =>
  request(path, { ...init, headers: { authorization: `Bearer ${USER_TOKEN}`, ...init.headers } });

const post = (path: string, body: unknown) =>
  asUser(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Asserts the rejection is a UserError with this code (and status). */
function isUserError(code: string, status: number, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    if (message) assert.match(error.message, message);
    return true;
  };
}

const redemption = (extra: Record<string, unknown> = {}) => ({
  code: 'K7M2Q',
  idempotency_key: IDEMPOTENCY_KEY,
  captured_at: '2026-11-24T10:00:00Z',
  ...extra,
});

// ── authentication ────────────────────────────────────────────────────────────

Deno.test('every route is a 401 unauthorized without a bearer token, before the body is read', async () => {
  for (const [method, path] of [
    ['GET', '/station/config'],
    ['POST', '/station/lookup'],
    ['POST', '/station/redeem'],
    ['POST', '/station/sync'],
    ['GET', '/station/history'],
  ] as const) {
    const response = await request(path, method === 'POST' ? { method, body: 'not even JSON' } : { method });
    const error = await errorOf(response);
    assert.equal(error.status, 401, `${method} ${path}`);
    assert.equal(error.code, 'unauthorized');
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
  }
});

Deno.test('a token the auth server refuses is a 401, even with a valid body', async () => {
  await withAuthServer(async (calls) => {
    const response = await request('/station/redeem', {
      method: 'POST',
      headers: { authorization: 'Bearer revoked.session.token' },
      body: JSON.stringify(redemption()),
    });
    assert.equal((await errorOf(response)).code, 'unauthorized');
    assert.equal(response.status, 401);
    assert.equal(calls.count, 1, 'the auth server judged the token');
  });
});

// ── request validation (no database reached) ──────────────────────────────────

Deno.test('redeem: bodies that break the contract are 400 invalid_request with zod issues', async () => {
  const genuine = await sign(claims());
  const cases: [string, unknown, string | undefined][] = [
    ['neither code nor token', { idempotency_key: IDEMPOTENCY_KEY, captured_at: '2026-11-24T10:00:00Z' }, 'code'],
    ['both code and token', redemption({ token: genuine }), 'code'],
    ['a bad idempotency key', redemption({ idempotency_key: 'not-a-uuid' }), 'idempotency_key'],
    ['no idempotency key', { code: 'K7M2Q', captured_at: '2026-11-24T10:00:00Z' }, 'idempotency_key'],
    ['a captured_at without an offset', redemption({ captured_at: '2026-11-24 10:00' }), 'captured_at'],
    ['a captured_at that is a number', redemption({ captured_at: 1764000000 }), 'captured_at'],
    ['an unknown extra key', redemption({ amount: 5000 }), undefined],
    ['a code that cannot be a code', redemption({ code: 'UUUUU' }), 'code'],
    ['a token too short to be one', { ...redemption({ code: undefined }), token: 'EM1.short' }, 'token'],
    ['offline that is not a boolean', redemption({ offline: 'yes' }), 'offline'],
    ['an array', [redemption()], undefined],
    ['null', null, undefined],
  ];
  await withAuthServer(async () => {
    for (const [what, body, path] of cases) {
      const error = await errorOf(await post('/station/redeem', body));
      assert.equal(error.status, 400, what);
      assert.equal(error.code, 'invalid_request', what);
      assert.ok(Array.isArray(error.details) && error.details.length > 0, `${what}: zod issues as details`);
      const issues = error.details as { path: (string | number)[]; code: string; message: string }[];
      if (path)
        assert.ok(
          issues.some((i) => i.path[0] === path),
          `${what}: an issue at ${path}`,
        );
      if (what === 'an unknown extra key') {
        assert.ok(
          issues.some((i) => i.code === 'unrecognized_keys' && JSON.stringify(i).includes('amount')),
          what,
        );
      }
    }
  });
});

Deno.test('lookup: the same contract, strict, exactly one of code or token', async () => {
  await withAuthServer(async () => {
    for (const body of [{}, { code: 'K7M2Q', token: await sign(claims()) }, { code: 'K7M2Q', station: 'x' }]) {
      const error = await errorOf(await post('/station/lookup', body));
      assert.equal(error.status, 400, JSON.stringify(body));
      assert.equal(error.code, 'invalid_request');
      assert.ok(Array.isArray(error.details));
    }
  });
});

Deno.test('a body that is not JSON is a 400 invalid_request, never a 500', async () => {
  await withAuthServer(async () => {
    for (const path of ['/station/lookup', '/station/redeem', '/station/sync']) {
      for (const body of ['', '{"code": "K7M2Q"', 'code=K7M2Q', '\u00ff\u00fe']) {
        const error = await errorOf(await post(path, body));
        assert.equal(error.status, 400, `${path} ${JSON.stringify(body)}`);
        assert.equal(error.code, 'invalid_request');
        assert.equal(error.message, 'The body must be JSON');
      }
    }
  });
});

Deno.test('a body over 3,000,000 bytes is a 413 payload_too_large; exactly the limit is read', async () => {
  assert.equal(MAX_BODY_BYTES, 3_000_000);
  const padded = (bytes: number, filler = 'x') => {
    const frame = JSON.stringify({ code: '' });
    return `{"code":"${filler.repeat((bytes - frame.length) / new TextEncoder().encode(filler).length)}"}`;
  };
  await withAuthServer(async () => {
    const atLimit = padded(MAX_BODY_BYTES);
    assert.equal(new TextEncoder().encode(atLimit).length, MAX_BODY_BYTES);
    const read = await errorOf(await post('/station/redeem', atLimit));
    assert.equal(read.status, 400, 'exactly the limit is parsed (and then fails the contract)');
    assert.equal(read.code, 'invalid_request');

    const over = await errorOf(await post('/station/redeem', padded(MAX_BODY_BYTES + 2)));
    assert.equal(over.status, 413);
    assert.equal(over.code, 'payload_too_large');

    // Bytes, not characters: 1.5 million two-byte characters are over the limit.
    const wide = padded(MAX_BODY_BYTES + 2, 'é');
    assert.ok(wide.length < MAX_BODY_BYTES);
    const tooWide = await errorOf(await post('/station/sync', wide));
    assert.equal(tooWide.status, 413);
    assert.equal(tooWide.code, 'payload_too_large');

    // A declared Content-Length over the limit is refused without reading the body.
    const declared = await errorOf(
      await asUser('/station/lookup', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(MAX_BODY_BYTES + 1) },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{}'));
            controller.close();
          },
        }),
      }),
    );
    assert.equal(declared.status, 413);
    assert.equal(declared.code, 'payload_too_large');
  });
});

Deno.test('sync: 0 rows and 101 rows are 400 before the station is even looked up', async () => {
  await withAuthServer(async () => {
    const row = redemption();
    for (const [what, body] of [
      ['no rows', { rows: [] }],
      ['101 rows', { rows: Array.from({ length: 101 }, () => row) }],
      ['rows not an array', { rows: row }],
      ['no rows key', {}],
      ['an extra key', { rows: [row], station: 'x' }],
    ] as const) {
      const error = await errorOf(await post('/station/sync', body));
      assert.equal(error.status, 400, what);
      assert.equal(error.code, 'invalid_request', what);
      assert.ok(Array.isArray(error.details), what);
    }
    const tooMany = await errorOf(await post('/station/sync', { rows: Array.from({ length: 101 }, () => row) }));
    const issue = (tooMany.details as { path: string[]; code: string; maximum?: number }[])[0];
    assert.deepEqual(issue?.path, ['rows']);
    assert.equal(issue?.code, 'too_big');
    assert.equal(issue?.maximum, 100);
  });
});

Deno.test('history: limit=0, limit=abc, an unknown or a repeated parameter are 400 invalid_request', async () => {
  await withAuthServer(async () => {
    for (const query of [
      'limit=0',
      'limit=abc',
      'limit=201',
      'limit=1.5',
      'before=yesterday',
      'page=2',
      'limit=1&limit=2',
      'before=2026-11-24T10:00:00Z&before=2026-11-25T10:00:00Z',
    ]) {
      const error = await errorOf(await asUser(`/station/history?${query}`));
      assert.equal(error.status, 400, query);
      assert.equal(error.code, 'invalid_request', query);
      if (query.includes('&')) {
        assert.match(error.message, /once/, `${query}: names the repeated parameter`);
        assert.equal(error.details, undefined);
      } else {
        assert.ok(Array.isArray(error.details), `${query}: zod issues`);
      }
    }
  });
});

// ── QR tokens over HTTP: refused before the database ──────────────────────────

Deno.test('lookup and redeem refuse a forged, malformed or expired QR before asking the database', async () => {
  const other = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const forged = await sign(claims(), other.privateKey);
  const malformed = `EM2${(await sign(claims())).slice(3)}`;
  const expiredAt = new Date(Date.now() - HOUR);
  const expired = await sign(claims({ expiresAt: expiredAt }));
  await withAuthServer(async () => {
    for (const path of ['/station/lookup', '/station/redeem']) {
      const body = (token: string) =>
        path === '/station/redeem'
          ? { token, idempotency_key: IDEMPOTENCY_KEY, captured_at: new Date().toISOString() }
          : { token };

      const bad = await errorOf(await post(path, body(forged)));
      assert.equal(bad.status, 400, `${path}: forged`);
      assert.equal(bad.code, 'invalid_token');
      assert.match(bad.message, /signature/);

      const notOurs = await errorOf(await post(path, body(malformed)));
      assert.equal(notOurs.status, 400, `${path}: malformed`);
      assert.equal(notOurs.code, 'invalid_token');
      assert.match(notOurs.message, /not an easyMO voucher/);

      const late = await errorOf(await post(path, body(expired)));
      assert.equal(late.status, 410, `${path}: expired`);
      assert.equal(late.code, 'expired');
    }
    // Captured after expiry and synced later: judged at capture, still expired.
    const capturedLate = await errorOf(
      await post('/station/redeem', {
        token: expired,
        idempotency_key: IDEMPOTENCY_KEY,
        captured_at: new Date(expiredAt.getTime() + 60_000).toISOString(),
        offline: true,
      }),
    );
    assert.equal(capturedLate.code, 'expired');
    // A capture time in the future does not revive it: never judged later than now.
    const future = await errorOf(
      await post('/station/redeem', {
        token: await sign(claims({ expiresAt: new Date(Date.now() - 1000) })),
        idempotency_key: IDEMPOTENCY_KEY,
        captured_at: new Date(Date.now() + HOUR).toISOString(),
      }),
    );
    assert.equal(future.code, 'expired');
  });
});

// ── presented(): the token check itself ───────────────────────────────────────

Deno.test('presented: a typed code passes through without a voucher id', async () => {
  assert.deepEqual(await presented({ code: 'K7M2Q' }, new Date()), { code5: 'K7M2Q', voucherId: null });
  // The time does not matter for a typed code (its expiry is the database's to judge).
  assert.deepEqual(await presented({ code: 'ABCDE', token: undefined }, new Date(0)), {
    code5: 'ABCDE',
    voucherId: null,
  });
});

Deno.test('presented: a genuine token yields its code and voucher id', async () => {
  const token = await sign(claims());
  assert.deepEqual(await presented({ token }, new Date()), { code5: 'K7M2Q', voucherId: VOUCHER_ID });
  // Without scope or expiry too.
  const plain = await sign(claims({ code5: 'Z9Y8X', stationScope: null, expiresAt: null }));
  assert.deepEqual(await presented({ token: plain }, new Date(8.64e15)), { code5: 'Z9Y8X', voucherId: VOUCHER_ID });
});

Deno.test('presented: every altered character of the signature is invalid_token', async () => {
  const token = await sign(claims());
  const cut = token.lastIndexOf('.');
  const signature = token.slice(cut + 1);
  assert.equal(signature.length, 86, 'a raw P-256 signature is 64 bytes, 86 base64url characters');
  for (let i = 0; i < signature.length; i += 1) {
    const replacement = signature[i] === 'A' ? 'B' : 'A';
    const altered = `${token.slice(0, cut + 1)}${signature.slice(0, i)}${replacement}${signature.slice(i + 1)}`;
    await assert.rejects(presented({ token: altered }, new Date()), isUserError('invalid_token', 400), `index ${i}`);
  }
  // Truncated, extended or missing.
  for (const altered of [token.slice(0, -1), `${token}A`, token.slice(0, cut), `${token.slice(0, cut + 1)}`]) {
    await assert.rejects(presented({ token: altered }, new Date()), isUserError('invalid_token', 400));
  }
});

Deno.test('presented: altered payload fields are invalid_token (bad signature, or not well formed)', async () => {
  const token = await sign(claims());
  const parts = token.split('.');
  const withPart = (index: number, value: string) => parts.map((p, i) => (i === index ? value : p)).join('.');
  const swapChar = (text: string, at: number, by: string) => `${text.slice(0, at)}${by}${text.slice(at + 1)}`;
  const signatureMismatch = /signature does not match/;
  const wellFormedButAltered = [
    withPart(1, 'K7M2R'), // another code
    withPart(1, swapChar(parts[1] ?? '', 0, 'Z')),
    withPart(2, swapChar(parts[2] ?? '', 0, parts[2]?.[0] === 'A' ? 'B' : 'A')), // another voucher
    withPart(2, swapChar(parts[2] ?? '', 10, parts[2]?.[10] === 'A' ? 'B' : 'A')),
    withPart(3, '5000000'), // ten times the amount
    withPart(3, '1'),
    withPart(4, '-'), // scope removed: redeemable anywhere
    withPart(5, '-'), // expiry removed: never expires
    withPart(5, (parseInt(parts[5] ?? '', 36) + 86400 * 365).toString(36)), // a year later
  ];
  for (const altered of wellFormedButAltered) {
    assert.notEqual(altered, token);
    await assert.rejects(
      presented({ token: altered }, new Date()),
      isUserError('invalid_token', 400, signatureMismatch),
      altered,
    );
  }
  const notWellFormed = [
    withPart(0, 'EM2'),
    withPart(1, 'K7M2U'), // U is not a code character
    withPart(1, 'k7m2q'),
    withPart(2, `${parts[2]}A`),
    withPart(3, '0'),
    withPart(3, '-5'),
    withPart(3, '50.5'),
    withPart(4, 'station'),
    withPart(5, 'ZZZ'),
    parts.slice(0, 6).join('.'),
    `${parts.slice(0, 6).join('.')}.extra.${parts[6]}`,
    '',
    'https://example.com/not-a-voucher',
  ];
  for (const altered of notWellFormed) {
    await assert.rejects(
      presented({ token: altered }, new Date()),
      isUserError('invalid_token', 400, /not an easyMO voucher/),
      JSON.stringify(altered),
    );
  }
  await assert.rejects(presented({}, new Date()), isUserError('invalid_token', 400));
});

Deno.test('presented: a token signed by another key is invalid_token', async () => {
  const other = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const forged = await sign(claims(), other.privateKey);
  await assert.rejects(
    presented({ token: forged }, new Date()),
    isUserError('invalid_token', 400, /signature does not match/),
  );
});

Deno.test(
  'presented: past its expiry a genuine token is expired; judged at capture before expiry, accepted',
  async () => {
    const expiresAt = new Date(Math.floor((Date.now() - HOUR) / 1000) * 1000);
    const token = await sign(claims({ expiresAt }));
    await assert.rejects(presented({ token }, new Date()), isUserError('expired', 410, /expired/));
    await assert.rejects(presented({ token }, expiresAt), isUserError('expired', 410), 'expired at the expiry instant');
    // An offline capture one second before expiry, synced an hour later.
    assert.deepEqual(await presented({ token }, new Date(expiresAt.getTime() - 1000)), {
      code5: 'K7M2Q',
      voucherId: VOUCHER_ID,
    });
    // A forged token is refused as forged, not as expired.
    const other = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
    ])) as CryptoKeyPair;
    await assert.rejects(
      presented({ token: await sign(claims({ expiresAt }), other.privateKey) }, new Date()),
      isUserError('invalid_token', 400),
    );
  },
);

// ── refusals from SQL ─────────────────────────────────────────────────────────

Deno.test('refusalError: known codes keep theirs (with Retry-After); an unknown code is a 409 conflict', async () => {
  const limited = refusalError({ code: 'too_many_attempts', message: 'Slow down', retry_after: 42 });
  assert.ok(limited instanceof UserError);
  assert.equal(limited.code, 'too_many_attempts');
  assert.equal(limited.status, 429);
  assert.equal(limited.retryAfter, 42);
  assert.equal(limited.message, 'Slow down');

  for (const [code, status] of [
    ['already_redeemed', 409],
    ['wrong_station', 403],
    ['expired', 410],
    ['capture_rejected', 422],
    ['not_found', 404],
  ] as const) {
    const error = refusalError({ code, message: code });
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    assert.equal(error.retryAfter, undefined);
  }

  const unknown = refusalError({ code: 'made_up_by_sql', message: 'Something new' });
  assert.equal(unknown.code, 'conflict');
  assert.equal(unknown.status, 409);
  assert.equal(unknown.message, 'Something new');
  // Names every object inherits are not error codes either.
  for (const inherited of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    assert.equal(refusalError({ code: inherited, message: 'x' }).code, 'conflict', inherited);
  }

  // Through the error handler: the status, the body and the Retry-After header.
  const probe = new Hono();
  probe.onError(handleError);
  probe.get('/', () => {
    throw limited;
  });
  const response = await probe.fetch(new Request('http://x/'));
  assert.equal(response.status, 429);
  assert.equal(response.headers.get('retry-after'), '42');
  assert.deepEqual(await response.json(), { error: { code: 'too_many_attempts', message: 'Slow down' } });
});
