/**
 * The voucher card sent to the driver on WhatsApp: the QR with the signed token, the
 * amount, the 5-character code (for typing when the camera fails), the expiry and the
 * programme's name, large enough to read on a phone held out at a pump.
 */
import { Canvas, type Rgb } from './canvas.ts';
import { drawQr } from './qr.ts';

export interface CardFacts {
  token: string;
  code5: string;
  amount: number;
  currency: string;
  expiresAt: Date | null;
  programme: string;
}

const GREEN: Rgb = [11, 110, 79];
const INK: Rgb = [13, 27, 42];
const MUTED: Rgb = [92, 100, 121];
const WHITE: Rgb = [255, 255, 255];

/** "5,000" in the programme's style (thousands with commas, up to 2 decimals). */
export function formatAmount(amount: number): string {
  const [whole = '0', fraction] = amount.toFixed(2).replace(/\.00$/, '').split('.');
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction ? `.${fraction}` : '');
}

/** "24/12/2026" in Kigali's calendar. */
export function formatDate(date: Date): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Africa/Kigali',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(date);
}

export async function renderVoucherCard(facts: CardFacts): Promise<Uint8Array<ArrayBuffer>> {
  const card = new Canvas(720, 400, WHITE);
  card.rect(0, 0, 720, 64, GREEN);
  card.text(24, 18, facts.programme, 4, WHITE);
  const side = drawQr(card, 16, 80, facts.token, 4);
  const left = 16 + side + 24;
  card.text(left, 96, 'FUEL VOUCHER', 2, MUTED);
  card.text(left, 124, `${formatAmount(facts.amount)} ${facts.currency}`, 6, INK);
  card.text(left, 200, 'CODE', 2, MUTED);
  card.text(left, 224, facts.code5.split('').join(' '), 6, GREEN);
  card.text(left, 300, facts.expiresAt ? `VALID UNTIL ${formatDate(facts.expiresAt)}` : 'NO EXPIRY', 2, INK);
  card.rect(0, 376, 720, 24, [240, 244, 242]);
  card.text(24, 381, 'SHOW THIS AT THE PUMP. ONE USE ONLY.', 2, MUTED);
  return card.png();
}
