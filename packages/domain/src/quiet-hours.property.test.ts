/**
 * Quiet hours against random instants and windows where they are easiest to get wrong:
 * windows across midnight, and Malta's clock changes in 2026 (spring forward on 29 March
 * at 01:00 UTC, 02:00 → 03:00 local; fall back on 25 October at 01:00 UTC, 03:00 → 02:00
 * local), beside Kigali, which has none. What must hold: nothing is sent inside a
 * window, and a window's end is the first minute something may be sent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQuiet, localMinutes, quietEndsAt, type QuietWindow } from './quiet-hours.ts';

const MALTA = 'Europe/Malta';
const KIGALI = 'Africa/Kigali';
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const SPRING_FORWARD = Date.parse('2026-03-29T01:00:00Z');
const FALL_BACK = Date.parse('2026-10-25T01:00:00Z');

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Any minute of the day, but often one near Malta's clock changes (01:00 to 04:00), where the bugs would be. */
const timeOfDay = fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 60, max: 240 }));
const quietWindow: fc.Arbitrary<QuietWindow> = fc
  .tuple(timeOfDay, timeOfDay)
  .filter(([start, end]) => start !== end)
  .map(([start, end]) => ({ start: hhmm(start), end: hhmm(end) }));
/** Instants (to the millisecond) within two days of `around`. */
const instantNear = (around: number) =>
  fc.integer({ min: around - 2 * DAY, max: around + 2 * DAY }).map((ms) => new Date(ms));

const scenarios = [
  { name: 'Malta around spring forward', timeZone: MALTA, instant: instantNear(SPRING_FORWARD) },
  { name: 'Malta around fall back', timeZone: MALTA, instant: instantNear(FALL_BACK) },
  {
    name: 'Kigali, any day of 2026',
    timeZone: KIGALI,
    instant: fc
      .integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') })
      .map((ms) => new Date(ms)),
  },
];

/** Malta's wall clock read another way than localMinutes does: the offset Intl names, added to UTC. */
const maltaOffset = new Intl.DateTimeFormat('en-GB', { timeZone: MALTA, timeZoneName: 'shortOffset' });
function maltaOffsetHours(instant: Date): number {
  const name = maltaOffset.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const match = /^GMT([+-]\d+)$/.exec(name);
  if (!match) throw new Error(`unexpected offset ${name}`);
  return Number(match[1]);
}
function referenceIsQuiet(instant: Date, window: QuietWindow): boolean {
  const utcMinutes = Math.floor(instant.getTime() / MINUTE);
  const local = (((utcMinutes + maltaOffsetHours(instant) * 60) % 1440) + 1440) % 1440;
  const [start, end] = [window.start, window.end].map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));
  return (start as number) < (end as number)
    ? local >= (start as number) && local < (end as number)
    : local >= (start as number) || local < (end as number);
}

describe('quiet hours, properties', () => {
  for (const { name, timeZone, instant } of scenarios) {
    it(`${name}: a quiet instant stays quiet every minute until quietEndsAt, which is allowed`, () => {
      fc.assert(
        fc.property(instant, quietWindow, (t, window) => {
          fc.pre(isQuiet(t, window, timeZone));
          const end = quietEndsAt(t, window, timeZone);
          expect(end).toBeDefined();
          const u = (end as Date).getTime();
          expect(u).toBeGreaterThan(t.getTime());
          // Within a day, but for a window of nearly a whole day whose end the clock skips (02:01–02:00 in Malta on 29 March): the next night's.
          expect(u - t.getTime()).toBeLessThanOrEqual(2 * DAY);
          expect(u % MINUTE).toBe(0);
          expect(isQuiet(new Date(u), window, timeZone)).toBe(false);
          for (let m = t.getTime(); m < u; m += MINUTE) expect(isQuiet(new Date(m), window, timeZone)).toBe(true);
        }),
        { numRuns: 60 },
      );
    });

    it(`${name}: an instant that is not quiet has no end of quiet hours`, () => {
      fc.assert(
        fc.property(instant, quietWindow, (t, window) => {
          fc.pre(!isQuiet(t, window, timeZone));
          expect(quietEndsAt(t, window, timeZone)).toBeUndefined();
        }),
        { numRuns: 200 },
      );
    });
  }

  it('Malta: isQuiet agrees with the wall clock Intl reports, across both clock changes', () => {
    fc.assert(
      fc.property(fc.oneof(instantNear(SPRING_FORWARD), instantNear(FALL_BACK)), quietWindow, (t, window) => {
        expect(isQuiet(t, window, MALTA)).toBe(referenceIsQuiet(t, window));
      }),
      { numRuns: 500 },
    );
  });

  it('Malta: the reference clock itself follows the EU rule (UTC+2 from the last Sunday of March to the last of October)', () => {
    fc.assert(
      fc.property(fc.oneof(instantNear(SPRING_FORWARD), instantNear(FALL_BACK)), (t) => {
        const summer = t.getTime() >= SPRING_FORWARD && t.getTime() < FALL_BACK;
        expect(maltaOffsetHours(t)).toBe(summer ? 2 : 1);
      }),
    );
  });
});

describe('quiet hours, boundaries', () => {
  const quiet = (utc: string, window: QuietWindow, timeZone: string) => isQuiet(new Date(utc), window, timeZone);
  const endsAt = (utc: string, window: QuietWindow, timeZone: string) =>
    quietEndsAt(new Date(utc), window, timeZone)?.toISOString();

  it('Malta 01:30–02:30 on the spring-forward night: quiet from 01:30, allowed from 03:00, the first minute that exists after 02:30', () => {
    const window = { start: '01:30', end: '02:30' };
    expect(quiet('2026-03-29T00:29:00Z', window, MALTA)).toBe(false); // 01:29 CET
    expect(quiet('2026-03-29T00:30:00Z', window, MALTA)).toBe(true); // 01:30 CET
    expect(quiet('2026-03-29T00:59:59Z', window, MALTA)).toBe(true); // 01:59:59 CET
    expect(quiet('2026-03-29T01:00:00Z', window, MALTA)).toBe(false); // 03:00 CEST
    expect(endsAt('2026-03-29T00:30:00Z', window, MALTA)).toBe('2026-03-29T01:00:00.000Z');
    expect(endsAt('2026-03-29T00:59:00Z', window, MALTA)).toBe('2026-03-29T01:00:00.000Z');
  });

  it('Malta 22:00–02:30 on the spring-forward night ends at 03:00 local, not 03:30', () => {
    const window = { start: '22:00', end: '02:30' };
    expect(endsAt('2026-03-28T21:00:00Z', window, MALTA)).toBe('2026-03-29T01:00:00.000Z'); // from 22:00 CET
    expect(endsAt('2026-03-28T23:00:00Z', window, MALTA)).toBe('2026-03-29T01:00:00.000Z'); // from 00:00 CET
  });

  it('Malta 02:01–02:00, whose end the spring-forward night skips, lasts until 02:00 the next night', () => {
    const window = { start: '02:01', end: '02:00' };
    expect(endsAt('2026-03-28T01:01:00Z', window, MALTA)).toBe('2026-03-30T00:00:00.000Z'); // 02:00 CEST on the 30th
    expect(quiet('2026-03-29T00:59:00Z', window, MALTA)).toBe(true); // 01:59 CET
    expect(quiet('2026-03-29T01:00:00Z', window, MALTA)).toBe(true); // 03:00 CEST
  });

  it('Malta 02:00–02:30 on the fall-back night: the repeated half hour is quiet both times', () => {
    const window = { start: '02:00', end: '02:30' };
    expect(quiet('2026-10-24T23:59:00Z', window, MALTA)).toBe(false); // 01:59 CEST
    expect(quiet('2026-10-25T00:00:00Z', window, MALTA)).toBe(true); // 02:00 CEST
    expect(endsAt('2026-10-25T00:00:00Z', window, MALTA)).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
    expect(quiet('2026-10-25T00:30:00Z', window, MALTA)).toBe(false); // 02:30 CEST
    expect(quiet('2026-10-25T01:00:00Z', window, MALTA)).toBe(true); // 02:00 CET, again
    expect(endsAt('2026-10-25T01:00:00Z', window, MALTA)).toBe('2026-10-25T01:30:00.000Z'); // 02:30 CET
    expect(quiet('2026-10-25T01:30:00Z', window, MALTA)).toBe(false);
  });

  it('Malta 22:00–06:00 across midnight, in winter and in summer', () => {
    const window = { start: '22:00', end: '06:00' };
    for (const [offset, day, next] of [
      [1, '2026-01-14', '2026-01-15'],
      [2, '2026-07-14', '2026-07-15'],
    ] as const) {
      const utc = (date: string, hour: number, minute: number) =>
        `${date}T${String(hour - offset).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`;
      expect(quiet(utc(day, 21, 59), window, MALTA)).toBe(false);
      expect(quiet(utc(day, 22, 0), window, MALTA)).toBe(true);
      expect(quiet(utc(next, 5, 59), window, MALTA)).toBe(true);
      expect(quiet(utc(next, 6, 0), window, MALTA)).toBe(false);
      expect(endsAt(utc(day, 22, 0), window, MALTA)).toBe(new Date(utc(next, 6, 0)).toISOString());
      expect(endsAt(utc(next, 5, 59), window, MALTA)).toBe(new Date(utc(next, 6, 0)).toISOString());
    }
  });

  it('Kigali 21:00–07:00, UTC+2 all year', () => {
    const window = { start: '21:00', end: '07:00' };
    for (const day of ['2026-03-28', '2026-10-24', '2026-12-31']) {
      const next = new Date(Date.parse(`${day}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
      expect(quiet(`${day}T18:59:00Z`, window, KIGALI)).toBe(false);
      expect(quiet(`${day}T19:00:00Z`, window, KIGALI)).toBe(true);
      expect(quiet(`${next}T04:59:00Z`, window, KIGALI)).toBe(true);
      expect(quiet(`${next}T05:00:00Z`, window, KIGALI)).toBe(false);
      expect(endsAt(`${day}T19:00:00Z`, window, KIGALI)).toBe(`${next}T05:00:00.000Z`);
      expect(localMinutes(new Date(`${day}T19:00:00Z`), KIGALI)).toBe(21 * 60);
    }
  });
});
