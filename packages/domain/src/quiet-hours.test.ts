import { describe, expect, it } from 'vitest';
import { isQuiet, isValidWindow, localMinutes, parseTime, quietEndsAt, quietWindowFor } from './quiet-hours.ts';

const night = { start: '22:00', end: '06:00' };
const kigali = 'Africa/Kigali'; // UTC+2, no DST
const malta = 'Europe/Malta'; // UTC+1, UTC+2 in summer

describe('quiet hours', () => {
  it('reads HH:MM times and refuses others', () => {
    expect(parseTime('00:00')).toBe(0);
    expect(parseTime('23:59')).toBe(1439);
    for (const bad of ['24:00', '7:00', '07:60', '0700', '']) expect(parseTime(bad)).toBeUndefined();
    expect(isValidWindow({ start: '22:00', end: '6:00' })).toBe(false);
  });

  it("reads local time in the recipient's zone", () => {
    expect(localMinutes(new Date('2026-11-24T20:30:00Z'), kigali)).toBe(22 * 60 + 30);
  });

  it('holds a window across midnight, with its boundaries', () => {
    const at = (utc: string) => isQuiet(new Date(utc), night, kigali);
    expect(at('2026-11-24T19:59:00Z')).toBe(false); // 21:59 in Kigali
    expect(at('2026-11-24T20:00:00Z')).toBe(true); // 22:00
    expect(at('2026-11-24T23:00:00Z')).toBe(true); // 01:00
    expect(at('2026-11-25T03:59:00Z')).toBe(true); // 05:59
    expect(at('2026-11-25T04:00:00Z')).toBe(false); // 06:00
  });

  it('holds a window within a day, and treats start = end as no window', () => {
    const lunch = { start: '12:00', end: '14:00' };
    expect(isQuiet(new Date('2026-11-24T10:30:00Z'), lunch, kigali)).toBe(true);
    expect(isQuiet(new Date('2026-11-24T12:00:00Z'), lunch, kigali)).toBe(false);
    expect(isQuiet(new Date('2026-11-24T20:30:00Z'), { start: '22:00', end: '22:00' }, kigali)).toBe(false);
  });

  it('follows daylight saving time in Malta', () => {
    // 21:30 UTC is 22:30 in winter (UTC+1) but 23:30 in summer (UTC+2).
    const window = { start: '23:00', end: '07:00' };
    expect(isQuiet(new Date('2026-01-15T21:30:00Z'), window, malta)).toBe(false);
    expect(isQuiet(new Date('2026-07-15T21:30:00Z'), window, malta)).toBe(true);
  });

  it('tells when a quiet period ends, across midnight and across a clock change', () => {
    expect(quietEndsAt(new Date('2026-11-24T21:15:00Z'), night, kigali)?.toISOString()).toBe(
      '2026-11-25T04:00:00.000Z',
    );
    expect(quietEndsAt(new Date('2026-11-24T10:00:00Z'), night, kigali)).toBeUndefined();
    // Malta springs forward at 02:00 local on 29 March 2026: 06:00 that morning (UTC+2) is 04:00 UTC.
    expect(quietEndsAt(new Date('2026-03-28T22:30:00Z'), night, malta)?.toISOString()).toBe('2026-03-29T04:00:00.000Z');
    // and falls back on 25 October 2026: 06:00 that morning (UTC+1) is 05:00 UTC.
    expect(quietEndsAt(new Date('2026-10-24T22:30:00Z'), night, malta)?.toISOString()).toBe('2026-10-25T05:00:00.000Z');
  });

  it("picks the number's country window, or a campaign's override", () => {
    const setting = { rw: night, mt: { start: '22:00', end: '08:00' } };
    expect(quietWindowFor('+250788123456', setting)).toEqual({ window: night, timeZone: kigali });
    expect(quietWindowFor('+35679123456', setting)).toEqual({ window: setting.mt, timeZone: malta });
    expect(quietWindowFor('+250788123456', setting, { start: '21:00', end: '07:00' }).window).toEqual({
      start: '21:00',
      end: '07:00',
    });
    expect(quietWindowFor('+442079460958', setting)).toEqual({});
  });
});
