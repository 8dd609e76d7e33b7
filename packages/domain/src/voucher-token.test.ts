import { beforeAll, describe, expect, it } from 'vitest';
import {
  parseVoucherToken,
  signVoucherToken,
  tokenPayload,
  verifyVoucherToken,
  type VoucherClaims,
} from './voucher-token.ts';

const claims: VoucherClaims = {
  code5: '7K3QX',
  voucherId: 'd0000000-0000-4000-8000-000000000001',
  amount: 5000,
  stationScope: 'b0000000-0000-4000-8000-000000000001',
  expiresAt: new Date('2027-01-01T00:00:00Z'),
};
let keys: CryptoKeyPair;
let otherKeys: CryptoKeyPair;

beforeAll(async () => {
  const params = { name: 'ECDSA', namedCurve: 'P-256' };
  keys = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  otherKeys = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
});

describe('voucher QR tokens', () => {
  it('round-trips every claim through a compact token', async () => {
    const token = await signVoucherToken(claims, keys.privateKey);
    expect(token.length).toBeLessThan(170);
    expect(token.startsWith('EM1.7K3QX.')).toBe(true);
    expect(await verifyVoucherToken(token, keys.publicKey, new Date('2026-12-01T00:00:00Z'))).toEqual({
      ok: true,
      claims,
    });
  });

  it('carries a voucher without scope or expiry', async () => {
    const open = { ...claims, stationScope: null, expiresAt: null, amount: 1234.5 };
    const token = await signVoucherToken(open, keys.privateKey);
    expect(tokenPayload(open)).toContain('.-.-');
    expect(await verifyVoucherToken(token, keys.publicKey)).toEqual({ ok: true, claims: open });
  });

  it('refuses a token signed with another key', async () => {
    const forged = await signVoucherToken(claims, otherKeys.privateKey);
    expect(await verifyVoucherToken(forged, keys.publicKey)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses any single altered character of the signed part', async () => {
    const token = await signVoucherToken(claims, keys.privateKey);
    const signedLength = token.lastIndexOf('.');
    let refused = 0;
    for (let i = 4; i < signedLength; i++) {
      const char = token[i] ?? '';
      if (char === '.') continue;
      const swapped = char === 'A' ? 'B' : char === '0' ? '1' : 'A';
      const altered = `${token.slice(0, i)}${swapped}${token.slice(i + 1)}`;
      const check = await verifyVoucherToken(altered, keys.publicKey, new Date('2026-12-01T00:00:00Z'));
      if (!check.ok) refused += 1;
    }
    expect(refused).toBe(signedLength - 4 - 4); // every position after "EM1." but the four separators
  });

  it('refuses a change to any character of the signature, the last one included', async () => {
    const token = await signVoucherToken(claims, keys.privateKey);
    const start = token.lastIndexOf('.') + 1;
    for (let at = start; at < token.length; at++) {
      // A neighbour in the alphabet differs only in the low bits: the last character's are unused by the bytes.
      const char = token[at] === 'A' ? 'B' : String.fromCharCode(token.charCodeAt(at) ^ 1 || 65);
      const altered = token.slice(0, at) + char + token.slice(at + 1);
      if (altered === token) continue;
      expect((await verifyVoucherToken(altered, keys.publicKey)).ok, `position ${at}`).toBe(false);
    }
  });

  it('refuses an expired token even when genuine', async () => {
    const token = await signVoucherToken(claims, keys.privateKey);
    expect(await verifyVoucherToken(token, keys.publicKey, new Date('2027-01-02T00:00:00Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('calls anything else malformed', async () => {
    for (const bad of [
      '',
      'EM1',
      'EM2.7K3QX.a.b.c.d.e',
      'EM1.7K3QO.AAAAAAAAAAAAAAAAAAAAAA.5000.-.-.x',
      'not a token at all',
    ]) {
      expect(parseVoucherToken(bad)).toBeUndefined();
      expect(await verifyVoucherToken(bad, keys.publicKey)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});
