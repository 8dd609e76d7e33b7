/**
 * Quiet hours: local times during which nobody is messaged. A window is "HH:MM" to
 * "HH:MM" in the recipient's own time zone (from the number's country), may cross
 * midnight (22:00 to 06:00), and follows daylight saving time (Europe/Malta) because
 * local time is read through Intl. A window whose start equals its end is no window.
 */
import { countryOf } from './msisdn.ts';

export interface QuietWindow {
  start: string;
  end: string;
}

/** settings.quiet_hours: windows by lower-case country code, e.g. { rw: {...}, mt: {...} }. */
export type QuietHoursSetting = Record<string, QuietWindow>;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight for "HH:MM"; undefined when it is not a valid time. */
export function parseTime(value: string): number | undefined {
  const match = HHMM.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

export function isValidWindow(window: QuietWindow): boolean {
  return parseTime(window.start) !== undefined && parseTime(window.end) !== undefined;
}

const MINUTE = 60_000;

/** One formatter per time zone: making one costs far more than using it, and a day is scanned minute by minute. */
const clocks = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock minutes after midnight of an instant in a time zone. */
export function localMinutes(instant: Date, timeZone: string): number {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clocks.set(timeZone, clock);
  }
  const parts = clock.formatToParts(instant);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}

export function isQuiet(instant: Date, window: QuietWindow, timeZone: string): boolean {
  const start = parseTime(window.start);
  const end = parseTime(window.end);
  if (start === undefined || end === undefined || start === end) return false;
  const now = localMinutes(instant, timeZone);
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** When the quiet period `instant` falls in ends (the first allowed minute), or undefined when not quiet. */
export function quietEndsAt(instant: Date, window: QuietWindow, timeZone: string): Date | undefined {
  if (!isQuiet(instant, window, timeZone)) return undefined;
  const end = parseTime(window.end) ?? 0;
  const startOfMinute = Math.floor(instant.getTime() / MINUTE) * MINUTE;
  const candidate = new Date(
    startOfMinute + ((end - localMinutes(new Date(startOfMinute), timeZone) + 1440) % 1440) * MINUTE,
  );
  // Landing on the end's wall time means the clock ran straight there: no change in between.
  if (localMinutes(candidate, timeZone) === end) return candidate;
  // A daylight-saving change came first, and the end may not even exist that night (02:30
  // when Malta springs forward from 02:00 to 03:00): the first allowed minute is then found
  // by reading the clock, a minute at a time (at most two days: a window of 23:59 whose
  // end is skipped lasts until the next night's).
  for (let minute = startOfMinute + MINUTE; minute <= startOfMinute + 3 * 1440 * MINUTE; minute += MINUTE) {
    if (!isQuiet(new Date(minute), window, timeZone)) return new Date(minute);
  }
  return candidate; // not reached: every zone's day has minutes outside a window whose start is not its end
}

/** The window for a number: the campaign's override, else its country's setting. */
export function quietWindowFor(
  msisdn: string,
  setting: QuietHoursSetting,
  override?: QuietWindow,
): { window?: QuietWindow; timeZone?: string } {
  const country = countryOf(msisdn);
  if (!country) return override ? { window: override, timeZone: 'UTC' } : {};
  return { window: override ?? setting[country.code.toLowerCase()], timeZone: country.timeZone };
}
