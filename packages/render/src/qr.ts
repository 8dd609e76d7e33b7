/** QR codes drawn on a Canvas: the matrix comes from the pure-JS `qrcode` package. */
import QRCode from 'qrcode';
import { Canvas, type Rgb } from './canvas.ts';

const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];

/** The QR matrix size (modules per side) for a text, error correction level M. */
export function qrModules(text: string): { size: number; dark: (row: number, col: number) => boolean } {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const { size, data } = qr.modules;
  return { size, dark: (row, col) => Boolean(data[row * size + col]) };
}

/** Draws a QR with its 4-module quiet zone at (x, y); returns its side in pixels. */
export function drawQr(canvas: Canvas, x: number, y: number, text: string, moduleSize: number): number {
  const { size, dark } = qrModules(text);
  const side = (size + 8) * moduleSize;
  canvas.rect(x, y, side, side, WHITE);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (dark(row, col))
        canvas.rect(x + (col + 4) * moduleSize, y + (row + 4) * moduleSize, moduleSize, moduleSize, BLACK);
    }
  }
  return side;
}

/** The bare QR as a PNG. */
export async function qrPng(text: string, moduleSize = 6): Promise<Uint8Array<ArrayBuffer>> {
  const side = (qrModules(text).size + 8) * moduleSize;
  const canvas = new Canvas(side, side, WHITE);
  drawQr(canvas, 0, 0, text, moduleSize);
  return canvas.png();
}
