/**
 * Reading vouchers for the admin panel, as the caller (RLS decides what they see):
 * one voucher, a filtered page with keyset pagination, and the CSV export streamed from
 * a database cursor inside one transaction (one consistent snapshot: no row twice, none
 * missed, no size cap).
 */
import type { TListVouchersParams, TVoucherFilter } from '../../../packages/contracts/src/vouchers/list.ts';
import type { TVoucher } from '../../../packages/contracts/src/vouchers/voucher.ts';
import { normalizeCode5 } from '../../../packages/domain/src/code5.ts';
import type { Caller } from '../_shared/auth.ts';
import { asCaller, type Tx } from '../_shared/db.ts';
import { UserError } from '../_shared/errors.ts';
import { decodeCursor, encodeCursor, TIMESTAMPTZ_TEXT } from './cursor.ts';

interface VoucherRow {
  id: string;
  code5: string;
  amount: number;
  currency: string;
  status: TVoucher['status'];
  user_id: string;
  msisdn: string | null;
  station_scope: string | null;
  campaign_id: string | null;
  issued_at: Date;
  expires_at: Date | null;
  redeemed_at: Date | null;
  redeemed_station_id: string | null;
  created_by: string | null;
  png_url: string | null;
  qr_url: string | null;
  metadata: Record<string, unknown> | null;
}

const iso = (value: Date | null) => (value === null ? null : value.toISOString());

function toVoucher(row: VoucherRow): TVoucher {
  return {
    ...row,
    amount: Number(row.amount),
    issued_at: row.issued_at.toISOString(),
    expires_at: iso(row.expires_at),
    redeemed_at: iso(row.redeemed_at),
    metadata: row.metadata ?? {},
  };
}

const COLUMNS = (tx: Tx) => tx`
  v.id, v.code5, v.amount::float8 as amount, v.currency, v.status, v.user_id, u.msisdn, v.station_scope, v.campaign_id,
  v.issued_at, v.expires_at, v.redeemed_at, v.redeemed_station_id, v.created_by, v.png_url, v.qr_url, v.metadata`;

export async function loadVoucher(caller: Caller, id: string): Promise<TVoucher> {
  const [row] = await asCaller(
    caller,
    (tx) => tx<VoucherRow[]>`
      select ${COLUMNS(tx)} from public.vouchers v left join public.users u on u.id = v.user_id where v.id = ${id}`,
  );
  if (!row) throw new UserError('not_found', 'No voucher with this id');
  return toVoucher(row);
}

/** More drivers than this matching a phone fragment: the search reads them in SQL instead of listing them. */
const MAX_LISTED_DRIVERS = 1000;

/**
 * What `q` searches for: a voucher code, and/or the drivers whose number holds its digits
 * (3 or more). The drivers are looked up first (as the caller: RLS applies as in a join),
 * so the voucher query gets their ids as a value: the planner then knows how many there
 * are and reads vouchers by code or driver through their indexes, where an `or` across a
 * join with users would read every voucher. A fragment most numbers share (over
 * MAX_LISTED_DRIVERS drivers) stays a subquery: most vouchers match it anyway.
 */
interface Search {
  code: string | undefined;
  /** Ids of the matching drivers, or the LIKE pattern when there are too many to list. */
  drivers: { ids: string[] } | { pattern: string } | undefined;
}

async function resolveSearch(tx: Tx, filter: TVoucherFilter): Promise<Search | undefined> {
  if (!filter.q) return undefined;
  const code = normalizeCode5(filter.q);
  const digits = filter.q.replace(/\D/g, '');
  if (digits.length < 3) return { code, drivers: undefined };
  const pattern = `%${digits}%`;
  const rows = await tx<{ id: string }[]>`
    select u.id from public.users u where u.msisdn like ${pattern} limit ${MAX_LISTED_DRIVERS + 1}`;
  return { code, drivers: rows.length > MAX_LISTED_DRIVERS ? { pattern } : { ids: rows.map((r) => r.id) } };
}

/** The filter as SQL conditions (each starting with `and`) on `public.vouchers v`. */
function conditions(tx: Tx, filter: TVoucherFilter, search: Search | undefined) {
  const byDrivers = search?.drivers
    ? 'ids' in search.drivers
      ? tx`v.user_id = any(${search.drivers.ids}::uuid[])`
      : tx`v.user_id in (select d.id from public.users d where d.msisdn like ${search.drivers.pattern})`
    : tx`false`;
  const bySearch = search ? tx`and (${search.code ? tx`v.code5 = ${search.code}` : tx`false`} or ${byDrivers})` : tx``;
  return tx`
    ${filter.status ? tx`and v.status = ${filter.status}` : tx``}
    ${filter.station ? tx`and (v.station_scope = ${filter.station} or v.redeemed_station_id = ${filter.station})` : tx``}
    ${filter.campaign ? tx`and v.campaign_id = ${filter.campaign}` : tx``}
    ${filter.from ? tx`and v.issued_at >= ${filter.from}` : tx``}
    ${filter.to ? tx`and v.issued_at < ${filter.to}` : tx``}
    ${bySearch}`;
}

type Sort = TListVouchersParams['sort'];

/**
 * The sort key and how to compare a cursor against it. Missing dates sort last in both
 * directions (as the lowest value descending, the highest ascending).
 *
 * A missing date is mapped with CASE, not coalesce, and the edge is SQL text, not a
 * parameter: under RLS the planner only uses a condition in an index scan when it cannot
 * leak rows hidden by the policy, and it counts CASE (with leakproof comparisons) as safe
 * but not coalesce. So the default order (issued_at desc) reads the cursor's position
 * straight from vouchers_list_issued_at_idx, however deep the page.
 */
function sortKey(tx: Tx, sort: Sort, descending: boolean) {
  const edge = descending ? tx`'-infinity'::timestamptz` : tx`'infinity'::timestamptz`;
  const date = (column: ReturnType<Tx>) => ({
    expr: tx`(case when ${column} is null then ${edge} else ${column} end)`,
    cast: (v: string) => tx`${v}::text::timestamptz`,
  });
  switch (sort) {
    case 'amount':
      return { expr: tx`v.amount`, cast: (value: string) => tx`${value}::text::numeric` };
    case 'issued_at':
      return date(tx`v.issued_at`);
    case 'expires_at':
      return date(tx`v.expires_at`);
    case 'redeemed_at':
      return date(tx`v.redeemed_at`);
  }
}

/** What a sort key looks like as Postgres writes it (`::text`): a number, or a timestamptz. */
const DATE_KEY = new RegExp(`^-?infinity$|${TIMESTAMPTZ_TEXT.source}`);
const KEY_SHAPE: Record<Sort, RegExp> = {
  amount: /^-?\d{1,15}(\.\d{1,6})?$/,
  issued_at: DATE_KEY,
  expires_at: DATE_KEY,
  redeemed_at: DATE_KEY,
};

export async function listVouchers(tx: Tx, query: TListVouchersParams) {
  const { sort, limit } = query;
  const descending = query.dir === 'desc';
  const { expr, cast } = sortKey(tx, sort, descending);
  const direction = descending ? tx`desc` : tx`asc`;
  const after = query.cursor
    ? decodeCursor(
        query.cursor,
        KEY_SHAPE[sort],
        'The cursor is not one this API gave out (or was made for another sort)',
      )
    : undefined;
  const search = await resolveSearch(tx, query);
  const keyset = after
    ? descending
      ? tx`and (${expr}, v.id) < (${cast(after.key)}, ${after.id}::text::uuid)`
      : tx`and (${expr}, v.id) > (${cast(after.key)}, ${after.id}::text::uuid)`
    : tx``;
  const rows = await tx<(VoucherRow & { sort_key: string })[]>`
    select ${COLUMNS(tx)}, (${expr})::text as sort_key
      from public.vouchers v left join public.users u on u.id = v.user_id
     where true ${conditions(tx, query, search)} ${keyset}
     order by ${expr} ${direction}, v.id ${direction}
     limit ${limit + 1}`;
  // No join: the conditions only read vouchers, so unfiltered or by status the totals are
  // an index-only scan of a narrow index holding the amount and the column RLS reads.
  const [totals] = await tx<{ count: number; amount: number }[]>`
    select count(*)::int as count, coalesce(sum(v.amount), 0)::float8 as amount
      from public.vouchers v
     where true ${conditions(tx, query, search)}`;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ sort_key: _, ...row }) => toVoucher(row)),
    next_cursor: rows.length > limit && last ? encodeCursor(last.sort_key, last.id) : null,
    totals: totals ?? { count: 0, amount: 0 },
  };
}

const CSV_HEADER = [
  'id',
  'code',
  'status',
  'amount',
  'currency',
  'msisdn',
  'station_scope',
  'campaign_id',
  'issued_at',
  'expires_at',
  'redeemed_at',
  'redeemed_station',
];

/** One CSV field: quoted when needed; a leading = + - @ is defused so spreadsheets show text, not a formula. */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The filtered vouchers as CSV, newest first, read in batches from a cursor as the client reads. */
export function exportVouchersCsv(caller: Caller, filter: TVoucherFilter): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  const write = (lines: string[]) => writer.write(encoder.encode(lines.map((l) => `${l}\r\n`).join('')));
  (async () => {
    try {
      await write([CSV_HEADER.join(',')]);
      await asCaller(caller, async (tx) => {
        // A client that stops reading must not hold one of the function's few connections for long.
        await tx`set local idle_in_transaction_session_timeout = '60s'`;
        const search = await resolveSearch(tx, filter);
        const cursor = tx`
          select v.id, v.code5, v.status, v.amount::text as amount, v.currency, u.msisdn,
                 scope.engencode as station_scope, v.campaign_id, v.issued_at, v.expires_at, v.redeemed_at,
                 redeemed.engencode as redeemed_station
            from public.vouchers v
            left join public.users u on u.id = v.user_id
            left join public.stations scope on scope.id = v.station_scope
            left join public.stations redeemed on redeemed.id = v.redeemed_station_id
           where true ${conditions(tx, filter, search)}
           order by v.issued_at desc, v.id desc`.cursor(500);
        for await (const rows of cursor) {
          await write(rows.map((row) => CSV_HEADER.map((_, i) => csvField(Object.values(row)[i])).join(',')));
        }
      });
      await writer.close();
    } catch (error) {
      // The client went away, or the database failed mid-way: end the stream with an error.
      console.error(JSON.stringify({ level: 'error', message: `voucher export stopped: ${(error as Error).message}` }));
      await writer.abort(error).catch(() => undefined);
    }
  })();
  return readable;
}
