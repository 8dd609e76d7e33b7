/**
 * Sample insurance documents for the demo: an identity card and a vehicle registration
 * as PNG images, a previous certificate as a one-page PDF. Drawn in code (a 5×7 pixel
 * font, a minimal PNG encoder, hand-written PDF objects) so the seed needs no binary
 * files and no image library.
 */
import { crc32, deflateSync } from 'node:zlib';

type Rgb = readonly [number, number, number];

/** 5×7 glyphs: each row is 5 bits, most significant bit on the left. */
const FONT: Record<string, readonly number[]> = {
  A: [14, 17, 17, 31, 17, 17, 17],
  B: [30, 17, 17, 30, 17, 17, 30],
  C: [14, 17, 16, 16, 16, 17, 14],
  D: [30, 17, 17, 17, 17, 17, 30],
  E: [31, 16, 16, 30, 16, 16, 31],
  F: [31, 16, 16, 30, 16, 16, 16],
  G: [14, 17, 16, 23, 17, 17, 15],
  H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14],
  J: [7, 2, 2, 2, 2, 18, 12],
  K: [17, 18, 20, 24, 20, 18, 17],
  L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17],
  N: [17, 17, 25, 21, 19, 17, 17],
  O: [14, 17, 17, 17, 17, 17, 14],
  P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13],
  R: [30, 17, 17, 30, 20, 18, 17],
  S: [15, 16, 16, 14, 1, 1, 30],
  T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14],
  V: [17, 17, 17, 17, 17, 10, 4],
  W: [17, 17, 17, 21, 21, 21, 10],
  X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 10, 4, 4, 4, 4],
  Z: [31, 1, 2, 4, 8, 16, 31],
  '0': [14, 17, 19, 21, 25, 17, 14],
  '1': [4, 12, 4, 4, 4, 4, 14],
  '2': [14, 17, 1, 2, 4, 8, 31],
  '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2],
  '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14],
  '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14],
  '9': [14, 17, 17, 15, 1, 2, 12],
  ' ': [0, 0, 0, 0, 0, 0, 0],
  '-': [0, 0, 0, 31, 0, 0, 0],
  ':': [0, 12, 12, 0, 12, 12, 0],
  '.': [0, 0, 0, 0, 0, 12, 12],
  '/': [1, 1, 2, 4, 8, 16, 16],
};

class Canvas {
  readonly pixels: Buffer;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.pixels = Buffer.alloc(width * height * 3);
    this.rect(0, 0, width, height, background);
  }

  rect(x: number, y: number, w: number, h: number, [r, g, b]: Rgb): void {
    for (let row = Math.max(0, y); row < Math.min(this.height, y + h); row++) {
      for (let col = Math.max(0, x); col < Math.min(this.width, x + w); col++) {
        const at = (row * this.width + col) * 3;
        this.pixels[at] = r;
        this.pixels[at + 1] = g;
        this.pixels[at + 2] = b;
      }
    }
  }

  /** Upper-case text at a scale (pixels per font pixel); unknown characters are skipped. */
  text(x: number, y: number, value: string, scale: number, color: Rgb): void {
    let cursor = x;
    for (const char of value.toUpperCase()) {
      const glyph = FONT[char];
      if (!glyph) continue;
      glyph.forEach((bits, row) => {
        for (let col = 0; col < 5; col++) {
          if (bits & (1 << (4 - col))) this.rect(cursor + col * scale, y + row * scale, scale, scale, color);
        }
      });
      cursor += 6 * scale;
    }
  }

  png(): Buffer {
    const rows = Buffer.alloc(this.height * (1 + this.width * 3));
    for (let row = 0; row < this.height; row++) {
      rows[row * (1 + this.width * 3)] = 0; // filter: none
      this.pixels.copy(rows, row * (1 + this.width * 3) + 1, row * this.width * 3, (row + 1) * this.width * 3);
    }
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows)),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export interface QuoteFacts {
  owner: string;
  plate: string;
  vehicle: string;
}

const INK: Rgb = [20, 33, 61];
const MUTED: Rgb = [92, 100, 121];

/** A national identity card in the style of Rwanda's, with the owner's name. */
export function identityCard(facts: QuoteFacts): Buffer {
  const card = new Canvas(480, 300, [232, 240, 233]);
  card.rect(0, 0, 480, 56, [0, 121, 193]);
  card.text(16, 14, 'REPUBLIC OF RWANDA', 3, [255, 255, 255]);
  card.text(16, 72, 'NATIONAL IDENTITY CARD', 2, INK);
  card.rect(16, 100, 120, 150, [188, 196, 207]);
  card.rect(46, 120, 60, 60, [150, 160, 175]);
  card.rect(36, 185, 80, 65, [150, 160, 175]);
  card.text(152, 110, 'NAME', 2, MUTED);
  card.text(152, 130, facts.owner, 2, INK);
  card.text(152, 170, 'ID NO', 2, MUTED);
  card.text(152, 190, `1 1990 8 ${facts.plate.replace(/\D/g, '').padEnd(7, '0')} 0 12`, 2, INK);
  card.rect(0, 280, 480, 20, [250, 210, 1]);
  return card.png();
}

/** A vehicle registration ("carte jaune") with plate and vehicle. */
export function vehicleRegistration(facts: QuoteFacts): Buffer {
  const card = new Canvas(480, 300, [250, 226, 120]);
  card.text(16, 16, 'VEHICLE REGISTRATION', 3, INK);
  card.text(16, 50, 'RWANDA REVENUE AUTHORITY', 2, MUTED);
  card.rect(16, 84, 448, 2, INK);
  card.text(16, 104, 'PLATE', 2, MUTED);
  card.text(16, 124, facts.plate, 4, INK);
  card.text(16, 174, 'VEHICLE', 2, MUTED);
  card.text(16, 194, facts.vehicle, 2, INK);
  card.text(16, 234, 'OWNER', 2, MUTED);
  card.text(16, 254, facts.owner, 2, INK);
  return card.png();
}

const escapePdf = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);

/** A one-page certificate of insurance (PDF 1.4, Helvetica). */
export function previousCertificate(facts: QuoteFacts): Buffer {
  const lines = [
    ['Certificate of Motor Insurance', 20],
    ['Previous insurer: Radiant Insurance Company Ltd', 12],
    [`Insured: ${facts.owner}`, 12],
    [`Vehicle: ${facts.vehicle}`, 12],
    [`Registration: ${facts.plate}`, 12],
    ['Cover: Third party liability', 12],
    ['Period: 01/01/2025 to 31/12/2025', 12],
  ] as const;
  const content = lines
    .map(([text, size], i) => `BT /F1 ${size} Tf 72 ${740 - i * 28} Td (${escapePdf(text)}) Tj ET`)
    .join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf);
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** The document for a stored name, chosen by its file name; undefined when unknown. */
export function sampleDocument(name: string, facts: QuoteFacts): { bytes: Buffer; mimetype: string } | undefined {
  if (name.endsWith('national-id.png')) return { bytes: identityCard(facts), mimetype: 'image/png' };
  if (name.endsWith('vehicle-registration.png')) return { bytes: vehicleRegistration(facts), mimetype: 'image/png' };
  if (name.endsWith('.pdf')) return { bytes: previousCertificate(facts), mimetype: 'application/pdf' };
  return undefined;
}
