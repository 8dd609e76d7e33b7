/**
 * Sample insurance documents for the demo: an identity card and a vehicle registration
 * as PNG images (drawn with @easymo/render's canvas), a previous certificate as a one-page
 * PDF (hand-written objects), so the seed needs no binary files and no image library.
 */
import { Canvas, type Rgb } from '@easymo/render';

export interface QuoteFacts {
  owner: string;
  plate: string;
  vehicle: string;
}

const INK: Rgb = [20, 33, 61];
const MUTED: Rgb = [92, 100, 121];

/** A national identity card in the style of Rwanda's, with the owner's name. */
export function identityCard(facts: QuoteFacts): Promise<Uint8Array> {
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
export function vehicleRegistration(facts: QuoteFacts): Promise<Uint8Array> {
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
export async function sampleDocument(
  name: string,
  facts: QuoteFacts,
): Promise<{ bytes: Uint8Array; mimetype: string } | undefined> {
  if (name.endsWith('national-id.png')) return { bytes: await identityCard(facts), mimetype: 'image/png' };
  if (name.endsWith('vehicle-registration.png'))
    return { bytes: await vehicleRegistration(facts), mimetype: 'image/png' };
  if (name.endsWith('.pdf')) return { bytes: previousCertificate(facts), mimetype: 'application/pdf' };
  return undefined;
}
