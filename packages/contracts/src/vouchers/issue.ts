/** `POST /admin/vouchers`: issue one voucher to a driver, by user id or phone number. */
import { z } from 'zod';
import { ZAmount, ZCurrency, ZMsisdn, ZTimestamp, ZUuid } from '../fields.ts';
import { ZDelivery, ZVoucher } from './voucher.ts';

export const ZIssueVoucherRequest = z
  .object({
    user_id: ZUuid.optional(),
    /** An unknown number creates the driver. */
    msisdn: ZMsisdn.optional(),
    amount: ZAmount,
    currency: ZCurrency.default('RWF'),
    station_scope: ZUuid.nullable().default(null),
    campaign_id: ZUuid.nullable().default(null),
    expires_at: ZTimestamp.nullable().default(null),
    note: z.string().max(500).optional(),
    /** Send the card on WhatsApp now (default) or leave it issued. */
    send: z.boolean().default(true),
  })
  .strict()
  .refine((r) => (r.user_id === undefined) !== (r.msisdn === undefined), {
    message: 'give the driver as user_id or as msisdn, not both',
    path: ['user_id'],
  })
  .refine((r) => r.expires_at === null || new Date(r.expires_at) > new Date(), {
    message: 'expires_at is in the past',
    path: ['expires_at'],
  });
export type TIssueVoucherRequest = z.input<typeof ZIssueVoucherRequest>;

export const ZIssueVoucherResponse = z.object({ voucher: ZVoucher, delivery: ZDelivery });
export type TIssueVoucherResponse = z.infer<typeof ZIssueVoucherResponse>;
