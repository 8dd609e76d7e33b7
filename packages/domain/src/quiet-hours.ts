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

/** The wall-clock minutes after midnight of an instant in a time zone. */
export function localMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
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
  const startOfMinute = new Date(Math.floor(instant.getTime() / 60_000) * 60_000);
  let candidate = new Date(
    startOfMinute.getTime() + ((end - localMinutes(startOfMinute, timeZone) + 1440) % 1440) * 60_000,
  );
  // Crossing a daylight-saving change moves the wall clock: correct by what is left.
  for (let i = 0; i < 2; i++) {
    const off = (end - localMinutes(candidate, timeZone) + 1440) % 1440;
    if (off === 0) break;
    candidate = new Date(candidate.getTime() + (off > 720 ? off - 1440 : off) * 60_000);
  }
  return candidate;
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
