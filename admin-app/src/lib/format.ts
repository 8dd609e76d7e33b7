/** How the panel writes money, dates and counts: Rwandan francs, Kigali time. */

const rwf = new Intl.NumberFormat('en-RW', { maximumFractionDigits: 2 });
const count = new Intl.NumberFormat('en-RW');
const dateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Africa/Kigali',
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const dateOnly = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: '2-digit', month: 'short' });

export function formatRwf(amount: number, currency = 'RWF'): string {
  return `${rwf.format(amount)} ${currency}`;
}

export function formatCount(value: number): string {
  return count.format(value);
}

export function formatPercent(ratio: number | null): string {
  return ratio === null ? '–' : `${(ratio * 100).toFixed(1)}%`;
}

/** An instant in Kigali time ("24 Nov 2026, 14:05"); a dash for null. */
export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '–';
}

/** A calendar day "YYYY-MM-DD" as "24 Nov". */
export function formatDay(day: string): string {
  return dateOnly.format(new Date(`${day}T00:00:00Z`));
}

/** "3 min ago", "5 h ago", "2 d ago": for ages and last activity. */
export function formatAge(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const minutes = Math.max(0, Math.round((now - new Date(iso).getTime()) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}
