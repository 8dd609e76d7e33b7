/** A voucher as the admin API shows it. */
import { z } from 'zod';
import { ZCurrency, ZTimestamp, ZUuid, ZVoucherStatus } from '../fields.ts';

export const ZVoucher = z.object({
  id: ZUuid,
  code5: z.string(),
  amount: z.number(),
  currency: ZCurrency,
  status: ZVoucherStatus,
  user_id: ZUuid,
  msisdn: z.string().nullable(),
  station_scope: ZUuid.nullable(),
  campaign_id: ZUuid.nullable(),
  issued_at: ZTimestamp,
  expires_at: ZTimestamp.nullable(),
  redeemed_at: ZTimestamp.nullable(),
  redeemed_station_id: ZUuid.nullable(),
  created_by: ZUuid.nullable(),
  png_url: z.string().nullable(),
  qr_url: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
});
export type TVoucher = z.infer<typeof ZVoucher>;

/** What happened to the WhatsApp message that carries the card. */
export const ZDelivery = z.object({
  status: z.enum(['sent', 'blocked', 'failed', 'skipped']),
  reason: z
    .enum(['quiet_hours', 'throttled', 'opted_out', 'whatsapp_error', 'unavailable', 'not_requested'])
    .optional(),
  retry_at: ZTimestamp.optional(),
  message_id: z.string().optional(),
});
export type TDelivery = z.infer<typeof ZDelivery>;
