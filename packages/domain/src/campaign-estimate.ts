/**
 * The pre-flight estimate of a campaign: how long sending its targets takes at the
 * channel's rate, given that each country's targets wait for the end of their quiet
 * hours in their own time zone.
 *
 * The model: time advances in whole minutes from `start`; each minute up to `perMinute`
 * messages go out, shared between the countries that are not in quiet hours then, in
 * proportion to what each has left (as a dispatcher taking targets in upload order would,
 * roughly). Rather than minute by minute, it goes from one change to the next (a window
 * opening or closing somewhere, a country running out), so a year of sending costs a few
 * hundred steps. It ignores WhatsApp's own throttling and retries: a lower bound, shown
 * as "about".
 */
import { COUNTRIES } from './msisdn.ts';
import {
  isQuiet,
  localMinutes,
  parseTime,
  type QuietHoursSetting,
  quietEndsAt,
  type QuietWindow,
} from './quiet-hours.ts';

/**
 * The estimate stops at a year: `minutes` equal to this means "more than a year" (a
 * campaign of a million targets at one a minute), which the panel says as such.
 */
export const CAMPAIGN_ESTIMATE_MAX_MINUTES = 365 * 1440;

export interface CampaignEstimateInput {
  /** Targets to send by country code ('RW', 'MT', …) or 'other' (numbers of countries we do not know). */
  byCountry: Record<string, number>;
  /** The channel's rate; 0 (or less than 1) means sending is paused. */
  perMinute: number;
  /** settings.quiet_hours: windows by lower-case country code. */
  quietHours: QuietHoursSetting;
  /** The campaign's own window: every country's, in its own time zone ('other' in UTC). */
  override?: QuietWindow;
  start: Date;
}

export interface CampaignEstimate {
  targets: number;
  /** Countries with targets, most targets first; `window` is the quiet window that applies, null when none does. */
  byCountry: { country: string; targets: number; timeZone: string; window: QuietWindow | null }[];
  /**
   * Minutes from start until the end of the minute of the last send; null when perMinute
   * is 0 (never); CAMPAIGN_ESTIMATE_MAX_MINUTES when it would take longer than that.
   */
  minutes: number | null;
  finishesAt: Date | null;
  /** Minutes during which at least one country with pending targets was held back by quiet hours. */
  quietMinutes: number;
}

const MINUTE = 60_000;

interface Lane {
  country: string;
  timeZone: string;
  window: QuietWindow | null;
  pending: number;
}

/** The window that applies to a country: the override, else its setting; none for 'other' without an override. */
function windowOf(country: string, quietHours: QuietHoursSetting, override?: QuietWindow): QuietWindow | null {
  const window = override ?? (country === 'other' ? undefined : quietHours[country.toLowerCase()]);
  if (!window) return null;
  const start = parseTime(window.start);
  const end = parseTime(window.end);
  return start === undefined || end === undefined || start === end ? null : window;
}

/**
 * When a window next begins after `instant`, which is not in it: the wall-clock distance
 * to its start, unless a daylight-saving change comes first; then the clock is read
 * minute by minute. At worst a time to look again (a start the clock skips that night).
 */
function quietStartsAt(instant: Date, window: QuietWindow, timeZone: string): Date {
  const start = parseTime(window.start) ?? 0;
  const startOfMinute = Math.floor(instant.getTime() / MINUTE) * MINUTE;
  const candidate = new Date(
    startOfMinute + ((start - localMinutes(new Date(startOfMinute), timeZone) + 1440) % 1440) * MINUTE,
  );
  if (localMinutes(candidate, timeZone) === start) return candidate;
  const limit = startOfMinute + 2 * 1440 * MINUTE;
  for (let minute = startOfMinute + MINUTE; minute < limit; minute += MINUTE) {
    if (isQuiet(new Date(minute), window, timeZone)) return new Date(minute);
  }
  return new Date(limit);
}

/** Gives `capacity` (less than what the lanes have left) to the lanes in proportion to what each has left. */
function share(capacity: number, lanes: Lane[]): void {
  const total = lanes.reduce((sum, lane) => sum + lane.pending, 0);
  const shares = lanes.map((lane) => {
    const exact = (capacity * lane.pending) / total;
    return { lane, given: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });
  let left = capacity - shares.reduce((sum, s) => sum + s.given, 0);
  // Largest remainders first; a stable sort keeps the bigger country first on a tie.
  for (const s of [...shares].sort((a, b) => b.remainder - a.remainder)) {
    if (left === 0) break;
    s.given++;
    left--;
  }
  for (const { lane, given } of shares) lane.pending -= given;
}

export function estimateCampaign(input: CampaignEstimateInput): CampaignEstimate {
  const lanes: Lane[] = Object.entries(input.byCountry)
    .filter(([, targets]) => targets > 0)
    .map(([country, targets]) => ({
      country,
      // 'other', and a code we have no country for, are read in UTC.
      timeZone: COUNTRIES[country]?.timeZone ?? 'UTC',
      window: windowOf(country, input.quietHours, input.override),
      pending: Math.floor(targets),
    }))
    .sort((a, b) => b.pending - a.pending || a.country.localeCompare(b.country));
  const byCountry = lanes.map(({ country, pending, timeZone, window }) => ({
    country,
    targets: pending,
    timeZone,
    window,
  }));
  const targets = lanes.reduce((sum, lane) => sum + lane.pending, 0);
  const perMinute = Math.floor(input.perMinute);
  if (!(perMinute >= 1)) return { targets, byCountry, minutes: null, finishesAt: null, quietMinutes: 0 };

  const start = input.start.getTime();
  /** The first step (whole minutes from start) at or after an instant. */
  const stepAt = (instant: Date) => Math.ceil((instant.getTime() - start) / MINUTE);
  let step = 0;
  let quietMinutes = 0;
  let pending = lanes.filter((lane) => lane.pending > 0);
  while (pending.length > 0 && step < CAMPAIGN_ESTIMATE_MAX_MINUTES) {
    const now = new Date(start + step * MINUTE);
    let next = CAMPAIGN_ESTIMATE_MAX_MINUTES;
    const open: Lane[] = [];
    for (const lane of pending) {
      const quiet = lane.window !== null && isQuiet(now, lane.window, lane.timeZone);
      if (!quiet) open.push(lane);
      if (lane.window === null) continue;
      // isQuiet depends only on the minute, so the first step at or after the change sees it.
      const change = quiet
        ? quietEndsAt(now, lane.window, lane.timeZone)
        : quietStartsAt(now, lane.window, lane.timeZone);
      next = Math.min(next, Math.max(step + 1, stepAt(change ?? new Date(now.getTime() + MINUTE))));
    }
    const heldBack = open.length < pending.length;
    const left = open.reduce((sum, lane) => sum + lane.pending, 0);
    if (left <= perMinute * (next - step)) {
      // The open countries run out before anything changes; sending stops with their last minute.
      const minutes = left === 0 ? next - step : Math.ceil(left / perMinute);
      for (const lane of open) lane.pending = 0;
      if (heldBack) quietMinutes += minutes;
      step += minutes;
    } else {
      share(perMinute * (next - step), open);
      if (heldBack) quietMinutes += next - step;
      step = next;
    }
    pending = pending.filter((lane) => lane.pending > 0);
  }
  const minutes = Math.min(step, CAMPAIGN_ESTIMATE_MAX_MINUTES);
  return { targets, byCountry, minutes, finishesAt: new Date(start + minutes * MINUTE), quietMinutes };
}
