/**
 * The `station` function, for the station PWA: `GET config`, `POST lookup`,
 * `POST redeem`, `POST sync` and `GET history`, for the caller's station only.
 */
import { z } from 'zod';
import { ZCode5, ZCurrency, ZIdempotencyKey, ZTimestamp, ZUuid, ZVoucherStatus } from '../fields.ts';

export const ZStationConfig = z.object({
  station: z.object({ id: ZUuid, name: z.string(), engencode: z.string() }),
  operator: z.object({ id: ZUuid, email: z.string().nullable() }),
  /** The public key that verifies voucher QR tokens offline (JWK, ECDSA P-256). */
  qr_public_key: z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() }),
  offline: z.object({
    max_count: z.number().int(),
    max_total: z.number(),
    max_age_hours: z.number(),
    clock_skew_minutes: z.number(),
  }),
  attempts: z.object({ limit: z.number().int(), window_minutes: z.number().int() }),
});
export type TStationConfig = z.infer<typeof ZStationConfig>;

/** A voucher as presented at the pump: a typed code, or the token from its QR. */
const ZPresented = z.object({ code: ZCode5.optional(), token: z.string().min(20).max(300).optional() });
const exactlyOne = (r: { code?: string; token?: string }) => (r.code === undefined) !== (r.token === undefined);

export const ZLookupRequest = ZPresented.strict().refine(exactlyOne, {
  message: 'give a code or a QR token',
  path: ['code'],
});
export type TLookupRequest = z.input<typeof ZLookupRequest>;

export const ZLookupResponse = z.object({
  voucher_id: ZUuid,
  code5: z.string(),
  amount: z.number(),
  currency: ZCurrency,
  status: ZVoucherStatus,
  expires_at: ZTimestamp.nullable(),
  masked_msisdn: z.string(),
  /** Whether this station may redeem it now; when not, `reason` is the error code it would get. */
  redeemable: z.boolean(),
  reason: z.enum(['already_redeemed']).optional(),
});
export type TLookupResponse = z.infer<typeof ZLookupResponse>;

export const ZRedeemRequest = ZPresented.extend({
  idempotency_key: ZIdempotencyKey,
  /** Device time when the operator scanned or typed the code. */
  captured_at: ZTimestamp,
  /** True when the PWA queued it offline. */
  offline: z.boolean().default(false),
})
  .strict()
  .refine(exactlyOne, { message: 'give a code or a QR token', path: ['code'] });
export type TRedeemRequest = z.input<typeof ZRedeemRequest>;

export const ZRedemption = z.object({
  idempotency_key: ZIdempotencyKey,
  voucher_id: ZUuid,
  code5: z.string(),
  amount: z.number(),
  currency: ZCurrency,
  redeemed_at: ZTimestamp,
  offline: z.boolean(),
  /** True when this answer is the stored first answer to the same key. */
  replayed: z.boolean(),
});
export type TRedemption = z.infer<typeof ZRedemption>;

export const SYNC_MAX_ROWS = 100;

export const ZSyncRequest = z.object({ rows: z.array(z.unknown()).min(1).max(SYNC_MAX_ROWS) }).strict();

/** One result per outbox row, in order: the redemption, or the error it got. */
export const ZSyncResult = z.union([
  z.object({ idempotency_key: z.string(), ok: z.literal(true), redemption: ZRedemption }),
  z.object({
    idempotency_key: z.string().nullable(),
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);
export const ZSyncResponse = z.object({ results: z.array(ZSyncResult) });
export type TSyncResponse = z.infer<typeof ZSyncResponse>;

export const ZHistoryQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(200).default(50), before: ZTimestamp.optional() })
  .strict();

export const ZHistoryItem = z.object({
  idempotency_key: ZIdempotencyKey,
  code5: z.string(),
  result_code: z.string(),
  amount: z.number().nullable(),
  captured_at: ZTimestamp,
  received_at: ZTimestamp,
  offline: z.boolean(),
});
export const ZHistoryResponse = z.object({ items: z.array(ZHistoryItem) });
export type THistoryResponse = z.infer<typeof ZHistoryResponse>;
