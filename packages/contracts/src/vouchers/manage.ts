/** `POST /admin/vouchers/:id/void` and `/resend`. */
import { z } from 'zod';
import { ZDelivery, ZVoucher } from './voucher.ts';

export const ZVoidVoucherRequest = z.object({ reason: z.string().trim().min(3).max(500) }).strict();
export type TVoidVoucherRequest = z.infer<typeof ZVoidVoucherRequest>;

export const ZVoidVoucherResponse = z.object({ voucher: ZVoucher });

export const ZResendVoucherResponse = z.object({ voucher: ZVoucher, delivery: ZDelivery });
export type TResendVoucherResponse = z.infer<typeof ZResendVoucherResponse>;
