import { describe, expect, it } from 'vitest';
import { CATALOGS, en, type MessageKey } from './catalogs.ts';
import { formatAge, formatRwf, translate } from './format.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogs', () => {
  for (const [language, catalog] of Object.entries(CATALOGS)) {
    it(`${language} has every English key, each non-empty, with the same placeholders`, () => {
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
      for (const key of Object.keys(en) as MessageKey[]) {
        expect(catalog[key].trim(), `${language}.${key}`).not.toBe('');
        expect(placeholders(catalog[key]), `${language}.${key}`).toEqual(placeholders(en[key]));
      }
    });
  }

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('fr', 'pending_count', { count: 3 })).toBe('3 en attente');
    expect(translate('en', 'redeem', {})).toBe('Redeem {amount}');
  });
});

describe('formats', () => {
  it('writes RWF as whole francs, grouped per language', () => {
    expect(formatRwf(5000, 'en')).toBe('5,000 RWF');
    expect(formatRwf(1234567.4, 'en')).toBe('1,234,567 RWF');
    expect(formatRwf(5000, 'fr').replace(/\s/g, ' ')).toBe('5 000 RWF');
  });

  it('says how long something waited, briefly', () => {
    expect([0, 59_999, 3_600_000, 47 * 3_600_000, 72 * 3_600_000].map(formatAge)).toEqual([
      '0 min',
      '0 min',
      '1 h',
      '47 h',
      '3 d',
    ]);
  });
});

describe('the Kinyarwanda review document', () => {
  it('lists every key with the catalog’s current Kinyarwanda text', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../docs/i18n/kinyarwanda-review.md', import.meta.url), 'utf8');
    const listed = new Map(
      [...doc.matchAll(/^\| `(\w+)` +\| (?:[^|\\]|\\.)*\| ((?:[^|\\]|\\.)*)\|/gm)].map((m) => [
        m[1],
        m[2]?.trim().replace(/\\\|/g, '|'),
      ]),
    );
    for (const key of Object.keys(en) as MessageKey[]) {
      expect(listed.get(key), key).toBe(CATALOGS.rw[key]);
    }
    expect(listed.size).toBe(Object.keys(en).length);
  });
});
