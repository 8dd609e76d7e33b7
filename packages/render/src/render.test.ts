import { inflateSync } from 'node:zlib';
import jsQR from 'jsqr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Canvas } from './canvas.ts';
import { formatAmount, formatDate, renderVoucherCard } from './card.ts';
import { crc32, encodePng } from './png.ts';
import { qrPng } from './qr.ts';

/** Decodes a PNG with sharp and reads its QR with jsQR, as a phone camera would. */
async function readQr(png: Uint8Array): Promise<string | undefined> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data;
}

describe('PNG encoding', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes a PNG that a real decoder reads back pixel for pixel', async () => {
    const canvas = new Canvas(7, 5, [10, 20, 30]);
    canvas.rect(2, 1, 3, 2, [200, 100, 50]);
    const png = await encodePng(canvas.width, canvas.height, canvas.pixels);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([7, 5, 3]);
    expect(Buffer.from(data).equals(Buffer.from(canvas.pixels))).toBe(true);
  });

  it('compresses with zlib framing', async () => {
    const png = await encodePng(2, 2, new Uint8Array(12));
    const idat = Buffer.from(png).indexOf('IDAT');
    const length = Buffer.from(png).readUInt32BE(idat - 4);
    expect(inflateSync(Buffer.from(png).subarray(idat + 4, idat + 4 + length)).length).toBe(2 * (1 + 2 * 3));
  });
});

describe('voucher card', () => {
  const token = 'EM1.7K3QX.0AAAAAAAQACAAAAAAAAAAQ.500000.-.sjhq9c.' + 'A'.repeat(86);

  it('carries a QR a camera decodes back to the exact token', async () => {
    const card = await renderVoucherCard({
      token,
      code5: '7K3QX',
      amount: 5000,
      currency: 'RWF',
      expiresAt: new Date('2026-12-24T12:00:00Z'),
      programme: 'easyMO',
    });
    expect(await readQr(card)).toBe(token);
    const { width, height } = await sharp(card).metadata();
    expect([width, height]).toEqual([720, 400]);
  });

  it('renders the bare QR too', async () => {
    expect(await readQr(await qrPng(token))).toBe(token);
  });

  it('formats amounts and dates for people in Rwanda', () => {
    expect(formatAmount(5000)).toBe('5,000');
    expect(formatAmount(1234567.5)).toBe('1,234,567.50');
    expect(formatDate(new Date('2026-12-24T23:30:00Z'))).toBe('25/12/2026');
  });
});
