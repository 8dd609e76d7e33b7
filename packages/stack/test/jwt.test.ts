import { describe, expect, it } from 'vitest';
import { decodeJwtPayload, signJwt, verifyJwt } from '../src/jwt.ts';

const SECRET = 'test-secret-with-enough-length-000';
const now = 1_800_000_000;

describe('HS256 JWT', () => {
  it('verifies what it signs and returns the payload', () => {
    const token = signJwt({ sub: 'u1', role: 'authenticated', exp: now + 60 }, SECRET);
    expect(verifyJwt(token, SECRET, now)).toEqual({
      ok: true,
      payload: { sub: 'u1', role: 'authenticated', exp: now + 60 },
    });
    expect(decodeJwtPayload(token)).toMatchObject({ sub: 'u1' });
  });

  it('refuses another secret, an edited payload and a swapped algorithm', () => {
    const token = signJwt({ sub: 'u1', role: 'authenticated' }, SECRET);
    expect(verifyJwt(token, 'another-secret-with-enough-length', now)).toEqual({ ok: false, reason: 'bad_signature' });
    const [head, , sig] = token.split('.');
    const edited = Buffer.from(JSON.stringify({ sub: 'u1', role: 'service_role' })).toString('base64url');
    expect(verifyJwt(`${head}.${edited}.${sig}`, SECRET, now)).toEqual({ ok: false, reason: 'bad_signature' });
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect(verifyJwt(`${none}.${token.split('.')[1]}.`, SECRET, now)).toEqual({
      ok: false,
      reason: 'unsupported_algorithm',
    });
  });

  it('enforces exp and nbf at their boundaries', () => {
    expect(verifyJwt(signJwt({ exp: now }, SECRET), SECRET, now)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyJwt(signJwt({ exp: now + 1 }, SECRET), SECRET, now).ok).toBe(true);
    expect(verifyJwt(signJwt({ nbf: now + 1 }, SECRET), SECRET, now)).toEqual({ ok: false, reason: 'not_yet_valid' });
    expect(verifyJwt(signJwt({ nbf: now }, SECRET), SECRET, now).ok).toBe(true);
  });

  it('calls anything that is not three base64url JSON parts malformed', () => {
    for (const token of ['', 'abc', 'a.b', 'a.b.c.d', '!!.??.x']) {
      expect(verifyJwt(token, SECRET, now)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});
