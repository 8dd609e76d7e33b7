import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_ESTIMATE_MAX_MINUTES, estimateCampaign, type CampaignEstimateInput } from './campaign-estimate.ts';
import { isQuiet, type QuietWindow } from './quiet-hours.ts';

const night = { start: '22:00', end: '06:00' };
const estimate = (input: Partial<CampaignEstimateInput> & Pick<CampaignEstimateInput, 'byCountry'>) =>
  estimateCampaign({ perMinute: 60, quietHours: {}, start: new Date('2026-11-24T10:00:00Z'), ...input });
const iso = (date: Date | null) => date?.toISOString() ?? null;

describe('estimateCampaign', () => {
  it('without quiet hours takes ceil(targets / perMinute) minutes', () => {
    const result = estimate({ byCountry: { RW: 100, MT: 21, other: 0 }, perMinute: 60 });
    expect(result).toEqual({
      targets: 121,
      byCountry: [
        { country: 'RW', targets: 100, timeZone: 'Africa/Kigali', window: null },
        { country: 'MT', targets: 21, timeZone: 'Europe/Malta', window: null },
      ],
      minutes: 3,
      finishesAt: new Date('2026-11-24T10:03:00Z'),
      quietMinutes: 0,
    });
    expect(estimate({ byCountry: { RW: 120 }, perMinute: 60 }).minutes).toBe(2);
    expect(estimate({ byCountry: { RW: 1 }, perMinute: 60 }).minutes).toBe(1);
  });

  it('takes no time without targets, and never when the rate is 0', () => {
    expect(estimate({ byCountry: {} })).toMatchObject({ targets: 0, minutes: 0, quietMinutes: 0 });
    expect(estimate({ byCountry: { RW: 10 }, perMinute: 0 })).toMatchObject({
      targets: 10,
      minutes: null,
      finishesAt: null,
      quietMinutes: 0,
    });
  });

  it('waits for the end of quiet hours when it starts inside them', () => {
    // 23:00 in Kigali: nothing goes out until 06:00 (04:00 UTC), seven hours later.
    const result = estimate({
      byCountry: { RW: 100 },
      quietHours: { rw: night },
      start: new Date('2026-11-24T21:00:00Z'),
    });
    expect(result.byCountry).toEqual([{ country: 'RW', targets: 100, timeZone: 'Africa/Kigali', window: night }]);
    expect(result).toMatchObject({ minutes: 422, quietMinutes: 420 });
    expect(iso(result.finishesAt)).toBe('2026-11-25T04:02:00.000Z');
  });

  it('stops at a window that crosses midnight and goes on after it, on the minute grid of the start', () => {
    // 21:58:30 in Kigali: two minutes of sending (120), then 22:00:30 is quiet until 06:00:30.
    const result = estimate({
      byCountry: { RW: 200 },
      quietHours: { rw: night },
      start: new Date('2026-11-24T19:58:30Z'),
    });
    expect(result).toMatchObject({ minutes: 2 + 480 + 2, quietMinutes: 480 });
    expect(iso(result.finishesAt)).toBe('2026-11-25T04:02:30.000Z');
  });

  it("gives the whole rate to the countries that are awake, in each country's own time", () => {
    // 22:00 in Kigali but 21:00 in Malta: Malta's 60 go out first, Rwanda's at 06:00 Kigali (04:00 UTC).
    const result = estimate({
      byCountry: { RW: 60, MT: 60 },
      perMinute: 1,
      quietHours: { rw: night, mt: night },
      start: new Date('2026-11-24T20:00:00Z'),
    });
    expect(result).toMatchObject({ minutes: 480 + 60, quietMinutes: 480 });
    expect(iso(result.finishesAt)).toBe('2026-11-25T05:00:00.000Z');
  });

  it("follows Malta's clock change: a night ending at 08:00 ends an hour earlier in UTC after 29 March 2026", () => {
    const window = { start: '21:00', end: '08:00' };
    const from = (start: string) =>
      estimate({ byCountry: { MT: 60 }, quietHours: { mt: window }, start: new Date(start) });
    // 23:00 CET the night before the change: 08:00 CEST is 06:00 UTC.
    expect(from('2026-03-28T22:00:00Z')).toMatchObject({ minutes: 480 + 1, quietMinutes: 480 });
    // A week earlier, 08:00 CET is 07:00 UTC.
    expect(from('2026-03-21T22:00:00Z')).toMatchObject({ minutes: 540 + 1, quietMinutes: 540 });
    // And the window opens again at 21:00 CEST (19:00 UTC) on the 29th, two hours before 21:00 UTC.
    const evening = estimate({
      byCountry: { MT: 200 },
      perMinute: 1,
      quietHours: { mt: window },
      start: new Date('2026-03-29T17:00:00Z'),
    });
    expect(evening).toMatchObject({ minutes: 120 + 660 + 80, quietMinutes: 660 });
  });

  it("applies a campaign's override to every country in its own time zone, and to 'other' in UTC", () => {
    const override = { start: '00:00', end: '12:00' };
    const result = estimate({
      byCountry: { RW: 10, other: 10, GB: 5 },
      perMinute: 1,
      quietHours: { rw: night },
      override,
      start: new Date('2026-11-24T09:00:00Z'),
    });
    expect(result.byCountry).toEqual([
      { country: 'other', targets: 10, timeZone: 'UTC', window: override },
      { country: 'RW', targets: 10, timeZone: 'Africa/Kigali', window: override },
      { country: 'GB', targets: 5, timeZone: 'UTC', window: override },
    ]);
    // 11:00 in Kigali: Rwanda goes first; the others wait for 12:00 UTC, three hours after the start.
    expect(result).toMatchObject({ minutes: 180 + 15, quietMinutes: 180 });
    // Without the override, 'other' has no quiet hours.
    expect(estimate({ byCountry: { other: 10 }, quietHours: { rw: night }, perMinute: 1 }).byCountry[0]?.window).toBe(
      null,
    );
  });

  it('treats a window whose start is its end, or an invalid one, as none', () => {
    const result = estimate({
      byCountry: { RW: 10, MT: 10 },
      quietHours: { rw: { start: '10:00', end: '10:00' }, mt: { start: '25:00', end: '06:00' } },
      start: new Date('2026-11-24T09:00:00Z'),
    });
    expect(result.byCountry.map((c) => c.window)).toEqual([null, null]);
    expect(result.minutes).toBe(1);
  });

  it(`stops at a year (${CAMPAIGN_ESTIMATE_MAX_MINUTES} minutes), quickly`, () => {
    const started = performance.now();
    const result = estimate({
      byCountry: { RW: 600_000, MT: 400_000 },
      perMinute: 1,
      quietHours: { rw: night, mt: night },
    });
    expect(result.minutes).toBe(CAMPAIGN_ESTIMATE_MAX_MINUTES);
    expect(iso(result.finishesAt)).toBe('2027-11-24T10:00:00.000Z');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('estimates 100,000 targets at 60 a minute across Rwanda and Malta quickly', () => {
    const window = { start: '21:00', end: '08:00' };
    const started = performance.now();
    const result = estimate({ byCountry: { RW: 60_000, MT: 40_000 }, quietHours: { rw: window, mt: window } });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.targets).toBe(100_000);
    // Rwanda is quiet 19:00–06:00 UTC, Malta 20:00–07:00 UTC: whenever one is awake it takes the
    // whole rate, so it is 1,667 minutes of sending plus two nights of 10 hours when both sleep;
    // held back besides: 19:00–20:00 and 06:00–07:00 UTC, twice each.
    expect(result.minutes).toBe(1667 + 2 * 600);
    expect(iso(result.finishesAt)).toBe('2026-11-26T09:47:00.000Z');
    expect(result.quietMinutes).toBe(2 * 600 + 4 * 60);
  });

  it('agrees with sending minute by minute, for one country around Malta’s clock changes', () => {
    const MINUTE = 60_000;
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const time = fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 60, max: 240 }));
    const window: fc.Arbitrary<QuietWindow> = fc
      .tuple(time, time)
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => ({ start: hhmm(a), end: hhmm(b) }));
    const around = fc.constantFrom(Date.parse('2026-03-29T01:00:00Z'), Date.parse('2026-10-25T01:00:00Z'));
    const start = fc
      .tuple(around, fc.integer({ min: -2 * 1440 * MINUTE, max: 1440 * MINUTE }))
      .map(([at, offset]) => new Date(at + offset));
    fc.assert(
      fc.property(
        start,
        window,
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 30 }),
        (at, mt, targets, perMinute) => {
          let left = targets;
          let minute = 0;
          let quietMinutes = 0;
          while (left > 0) {
            if (isQuiet(new Date(at.getTime() + minute * MINUTE), mt, 'Europe/Malta')) quietMinutes++;
            else left -= Math.min(perMinute, left);
            minute++;
          }
          expect(
            estimateCampaign({ byCountry: { MT: targets }, perMinute, quietHours: { mt }, start: at }),
          ).toMatchObject({
            minutes: minute,
            quietMinutes,
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
