/**
 * A voucher's card and QR: the signed token drawn as a QR, the card around it, both
 * stored (buckets `vouchers` and `qr`, as `<voucher id>.png`) and referenced from the
 * voucher's png_url / qr_url. Rendered here in pure TypeScript: `sharp` cannot load in
 * the edge runtime.
 */
import { qrPng, renderVoucherCard } from '../../../packages/render/src/index.ts';
import { signVoucherToken } from '../../../packages/domain/src/voucher-token.ts';
import type { Caller } from './auth.ts';
import type { Tx } from './db.ts';
import { optionalEnv } from './env.ts';
import { putObject } from './storage.ts';
import { voucherSigningKey } from './voucher-keys.ts';

export interface CardVoucher {
  id: string;
  code5: string;
  amount: number;
  currency: string;
  station_scope: string | null;
  expires_at: Date | string | null;
}

export const CARD_BUCKET = 'vouchers';
export const QR_BUCKET = 'qr';

/** Where a voucher's card and QR are stored (the database refuses any other name). */
export const cardName = (voucherId: string) => `${voucherId}.png`;
export const qrName = cardName;

const asDate = (value: Date | string | null) => (value === null ? null : new Date(value));

export async function voucherToken(v: CardVoucher): Promise<string> {
  return signVoucherToken(
    {
      code5: v.code5,
      voucherId: v.id,
      amount: v.amount,
      stationScope: v.station_scope,
      expiresAt: asDate(v.expires_at),
    },
    await voucherSigningKey(),
  );
}

/** Renders and stores the card and the QR; returns their names in their buckets. */
export async function storeVoucherImages(caller: Caller, v: CardVoucher): Promise<{ png: string; qr: string }> {
  const token = await voucherToken(v);
  const [card, qr] = await Promise.all([
    renderVoucherCard({
      token,
      code5: v.code5,
      amount: v.amount,
      currency: v.currency,
      expiresAt: asDate(v.expires_at),
      programme: optionalEnv('PROGRAMME_NAME', 'easyMO fuel'),
    }),
    qrPng(token),
  ]);
  await Promise.all([
    putObject(caller, CARD_BUCKET, cardName(v.id), card, 'image/png'),
    putObject(caller, QR_BUCKET, qrName(v.id), qr, 'image/png'),
  ]);
  return { png: cardName(v.id), qr: qrName(v.id) };
}

/** Records where the images are (the caller must be allowed to update the voucher). */
export async function recordVoucherImages(
  tx: Tx,
  voucherId: string,
  names: { png: string; qr: string },
): Promise<void> {
  await tx`update public.vouchers set png_url = ${names.png}, qr_url = ${names.qr} where id = ${voucherId}`;
}
