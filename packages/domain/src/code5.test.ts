import { describe, expect, it } from 'vitest';
import { CODE5_SPACE, isCode5, normalizeCode5, normalizeCodeChar } from './code5.ts';

describe('voucher codes', () => {
  it('has 32^5 codes', () => {
    expect(CODE5_SPACE).toBe(33_554_432);
  });

  it('normalises what an operator types', () => {
    expect(normalizeCode5('7k3qx')).toBe('7K3QX');
    expect(normalizeCode5(' 7K3-QX ')).toBe('7K3QX');
    expect(normalizeCode5('O0IL1')).toBe('00111');
    expect(normalizeCode5('m4p 2r')).toBe('M4P2R');
  });

  it('refuses impossible codes', () => {
    for (const bad of ['', '7K3Q', '7K3QXX', '7K3QU', '7K3Q!', '7K3Q€', 'ÄBCDE'])
      expect(normalizeCode5(bad)).toBeUndefined();
  });

  it('judges characters one keystroke at a time', () => {
    expect(normalizeCodeChar('o')).toBe('0');
    expect(normalizeCodeChar('l')).toBe('1');
    expect(normalizeCodeChar('-')).toBe('');
    expect(normalizeCodeChar('u')).toBeUndefined();
    expect(normalizeCodeChar('?')).toBeUndefined();
  });

  it('checks canonical codes exactly', () => {
    expect(isCode5('7K3QX')).toBe(true);
    expect(isCode5('7k3qx')).toBe(false);
    expect(isCode5('7K3QO')).toBe(false);
  });
});
