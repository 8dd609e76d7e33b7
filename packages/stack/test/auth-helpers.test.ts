import { describe, expect, it } from 'vitest';
import { AuthError, errorResponse } from '../src/auth/errors.ts';
import { hashPassword, isE164Digits, normalizePhone, parseGoDuration, passwordMatches } from '../src/auth/users.ts';
import { StorageError, objectNotFound } from '../src/storage/errors.ts';

describe('GoTrue helpers', () => {
  it('hashes passwords with bcrypt cost 10 in the $2a$ form GoTrue writes', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$2a\$10\$.{53}$/);
    expect(await passwordMatches('correct horse', hash)).toBe(true);
    expect(await passwordMatches('correct horsE', hash)).toBe(false);
    expect(await passwordMatches('x', null)).toBe(false);
    expect(await passwordMatches('x', 'not-a-hash')).toBe(false);
  });

  it('parses Go durations as ban_duration takes them', () => {
    expect(parseGoDuration('24h')).toBe(86_400_000);
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('90s')).toBe(90_000);
    for (const bad of ['', '24', 'h', '1d', '10 m', '5h-']) expect(parseGoDuration(bad)).toBeUndefined();
  });

  it('stores phones as GoTrue does: digits only, E.164 length', () => {
    expect(normalizePhone('+250 788 123 456')).toBe('250788123456');
    expect(isE164Digits('250788123456')).toBe(true);
    expect(isE164Digits('0788123456')).toBe(false);
    expect(isE164Digits('1234567')).toBe(false);
  });

  it('answers errors in the shape the client asked for', async () => {
    const error = new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
    const modern = errorResponse(error, '2024-01-01');
    expect(modern.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    expect(await modern.json()).toEqual({ code: 'invalid_credentials', message: 'Invalid login credentials' });
    const legacy = errorResponse(error, undefined);
    expect(legacy.headers.get('x-supabase-api-version')).toBeNull();
    expect(await legacy.json()).toEqual({
      code: 400,
      error_code: 'invalid_credentials',
      msg: 'Invalid login credentials',
    });
    expect(await errorResponse(error, '2023-12-31').json()).toMatchObject({ error_code: 'invalid_credentials' });
  });
});

describe('storage-api errors', () => {
  it('send client errors as HTTP 400 with the logical status as a string', async () => {
    const response = objectNotFound().toResponse();
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      statusCode: '404',
      error: 'not_found',
      message: 'Object not found',
      code: 'NoSuchKey',
    });
    expect(new StorageError(500, 'Internal', 'boom', 'InternalError').toResponse().status).toBe(500);
  });
});
