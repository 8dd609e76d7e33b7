/**
 * `GET /admin/vouchers`: filters, sort and keyset pagination (stable under inserts, no
 * duplicates across pages), plus totals over the whole filtered set; `/export.csv`
 * streams the same filter as CSV. `GET /admin/vouchers/:id` adds the timeline.
 */
import { z } from 'zod';
import { ZTimestamp, ZUuid, ZVoucherStatus } from '../fields.ts';
import { ZVoucher } from './voucher.ts';

export const ZVoucherFilter = z
  .object({
    status: ZVoucherStatus.optional(),
    station: ZUuid.optional(),
    campaign: ZUuid.optional(),
    from: ZTimestamp.optional(),
    to: ZTimestamp.optional(),
    /** A code (typed any way) or part of a phone number. */
    q: z.string().trim().min(1).max(32).optional(),
  })
  .strict();
export type TVoucherFilter = z.infer<typeof ZVoucherFilter>;

export const VOUCHER_SORTS = ['issued_at', 'amount', 'expires_at', 'redeemed_at'] as const;

export const ZListVouchersQuery = ZVoucherFilter.extend({
  sort: z.enum(VOUCHER_SORTS).default('issued_at'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type TListVouchersQuery = z.input<typeof ZListVouchersQuery>;
/** The query after parsing: defaults filled in. */
export type TListVouchersParams = z.output<typeof ZListVouchersQuery>;

export const ZListVouchersResponse = z.object({
  items: z.array(ZVoucher),
  next_cursor: z.string().nullable(),
  totals: z.object({ count: z.number().int(), amount: z.number() }),
});
export type TListVouchersResponse = z.infer<typeof ZListVouchersResponse>;

export const ZVoucherEvent = z.object({
  id: ZUuid,
  event_type: z.string(),
  actor_id: ZUuid.nullable(),
  station_id: ZUuid.nullable(),
  context: z.record(z.string(), z.unknown()),
  created_at: ZTimestamp,
});

export const ZVoucherAuditRow = z.object({
  seq: z.number().int().nullable(),
  actor_id: ZUuid.nullable(),
  actor_kind: z.string(),
  action: z.string(),
  diff: z.unknown(),
  created_at: ZTimestamp,
});

export const ZVoucherDetail = z.object({
  voucher: ZVoucher,
  events: z.array(ZVoucherEvent),
  audit: z.array(ZVoucherAuditRow),
  card_url: z.string().nullable(),
  qr_url: z.string().nullable(),
});
export type TVoucherDetail = z.infer<typeof ZVoucherDetail>;
