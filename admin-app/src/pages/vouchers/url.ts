/**
 * The vouchers page's state in the URL: filters, sort, the page position (the current
 * cursor and the cursors of the pages before it), the open voucher and the bulk dialog.
 * Values someone typed into the address bar are checked here; a bad one is left out of
 * the request instead of failing the whole list.
 */
import { VOUCHER_SORTS, ZUuid, type TListVouchersQuery, type TVoucherFilter } from '@easymo/contracts';
import { VOUCHER_STATUSES, type VoucherStatus } from '@easymo/domain';
import type { UrlState } from '../../lib/url-state.ts';

export const VOUCHER_URL_KEYS = [
  'status',
  'station',
  'campaign',
  'from',
  'to',
  'q',
  'sort',
  'dir',
  'cursor',
  'back',
  'voucher',
  'bulk',
] as const;
export type VoucherUrlKey = (typeof VOUCHER_URL_KEYS)[number];
export type VoucherUrl = UrlState<VoucherUrlKey>;

/** The filter keys: changing any of them starts again at the first page. */
export const FILTER_KEYS = ['status', 'station', 'campaign', 'from', 'to', 'q'] as const;

export const PAGE_SIZE = 50;
export type VoucherSort = (typeof VOUCHER_SORTS)[number];

/** Kigali keeps UTC+2 all year (no daylight saving). */
const KIGALI = '+02:00';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isUuid(value: string): boolean {
  return ZUuid.safeParse(value).success;
}

/** The calendar day after `day` ("YYYY-MM-DD"). */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Today in Kigali as "YYYY-MM-DD". */
export function kigaliToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Kigali' }).format(now);
}

/** The start of a Kigali calendar day, as an instant the API accepts. */
export function startOfKigaliDay(day: string): string {
  return `${day}T00:00:00${KIGALI}`;
}

/** The last second of a Kigali calendar day (a voucher "valid until 30 Nov"). */
export function endOfKigaliDay(day: string): string {
  return `${day}T23:59:59${KIGALI}`;
}

export function sortOf(url: VoucherUrl): VoucherSort {
  return (VOUCHER_SORTS as readonly string[]).includes(url.sort ?? '') ? (url.sort as VoucherSort) : 'issued_at';
}

export function dirOf(url: VoucherUrl): 'asc' | 'desc' {
  return url.dir === 'asc' ? 'asc' : 'desc';
}

/** The cursors of the pages before the current one (not counting the first page, which has none). */
export function backStack(url: VoucherUrl): string[] {
  return url.back ? url.back.split('.').filter(Boolean) : [];
}

/** The filter the URL describes: the dates are Kigali days, `to` included. */
export function filterOf(url: VoucherUrl): TVoucherFilter {
  const filter: TVoucherFilter = {};
  if (url.status && (VOUCHER_STATUSES as readonly string[]).includes(url.status)) {
    filter.status = url.status as VoucherStatus;
  }
  if (url.station && isUuid(url.station)) filter.station = url.station;
  if (url.campaign && isUuid(url.campaign)) filter.campaign = url.campaign;
  if (url.from && DAY.test(url.from)) filter.from = startOfKigaliDay(url.from);
  if (url.to && DAY.test(url.to)) filter.to = startOfKigaliDay(nextDay(url.to));
  const q = url.q?.trim().slice(0, 32);
  if (q) filter.q = q;
  return filter;
}

export function listQueryOf(url: VoucherUrl): TListVouchersQuery {
  return {
    ...filterOf(url),
    sort: sortOf(url),
    dir: dirOf(url),
    limit: PAGE_SIZE,
    ...(url.cursor ? { cursor: url.cursor } : {}),
  };
}

export function hasFilters(url: VoucherUrl): boolean {
  return FILTER_KEYS.some((key) => url[key] !== undefined);
}
