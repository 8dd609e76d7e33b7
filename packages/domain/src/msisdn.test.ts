import { describe, expect, it } from 'vitest';
import { countryOf, isE164, maskMsisdn, normalizeMsisdn } from './msisdn.ts';

describe('phone numbers', () => {
  it('reads Rwandan numbers however they are written', () => {
    for (const written of [
      '+250788123456',
      '+250 788 123 456',
      '00250788123456',
      '250788123456',
      '0788123456',
      '788123456',
      '(078) 812-3456',
    ]) {
      expect(normalizeMsisdn(written), written).toBe('+250788123456');
    }
  });

  it('reads Maltese numbers, with or without the country', () => {
    expect(normalizeMsisdn('+356 7912 3456')).toBe('+35679123456');
    expect(normalizeMsisdn('79123456', 'MT')).toBe('+35679123456');
  });

  it('refuses what cannot be a number, or has the wrong length for its country', () => {
    for (const bad of ['', 'abc', '+250 78812345', '+2507881234567', '12', '+0788123456', '0788123456x']) {
      expect(normalizeMsisdn(bad), bad).toBeUndefined();
    }
  });

  it('keeps numbers of other countries when they look like E.164', () => {
    expect(normalizeMsisdn('+44 20 7946 0958')).toBe('+442079460958');
    expect(isE164('+442079460958')).toBe(true);
  });

  it('knows the country and time zone of a number', () => {
    expect(countryOf('+250788123456')?.timeZone).toBe('Africa/Kigali');
    expect(countryOf('+35679123456')?.timeZone).toBe('Europe/Malta');
    expect(countryOf('+442079460958')).toBeUndefined();
  });

  it('masks all but the start and the last two digits', () => {
    expect(maskMsisdn('+250788123456')).toBe('+25078*****56');
    expect(maskMsisdn('+35679123456')).toBe('+35679****56');
  });
});
