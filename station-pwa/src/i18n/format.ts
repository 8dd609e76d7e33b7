/** Message lookup and number/date formatting, per language (no React here: unit-tested). */
import { CATALOGS, type Language, type MessageKey } from './catalogs.ts';

const LOCALES: Record<Language, string> = { en: 'en-RW', fr: 'fr-RW', rw: 'rw-RW' };

export function translate(language: Language, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text: string = CATALOGS[language][key] ?? CATALOGS.en[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** "5,000 RWF" / "5 000 RWF": whole francs (RWF has no minor unit in use), grouped the local way. */
export function formatRwf(amount: number, language: Language): string {
  return `${new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 0 }).format(amount)} RWF`;
}

export function formatDateTime(iso: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALES[language], {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Africa/Kigali',
  }).format(new Date(iso));
}

export function formatTime(iso: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALES[language], { timeStyle: 'short', timeZone: 'Africa/Kigali' }).format(
    new Date(iso),
  );
}

/** "3 min", "2 h", "1 d": how long a row has waited, short enough for a badge. */
export function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
}

/** Midnight in Kigali (UTC+2, no DST) as epoch ms: where "today" starts for a station. */
export function startOfKigaliDay(now = Date.now()): number {
  const offset = 2 * 3600_000;
  return Math.floor((now + offset) / 86_400_000) * 86_400_000 - offset;
}
