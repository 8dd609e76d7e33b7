import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { identityCard, previousCertificate, sampleDocument, vehicleRegistration } from '../src/sample-documents.ts';

const facts = { owner: 'Claudine Uwase', plate: 'RAC 412D', vehicle: 'Toyota Corolla 2012' };

/** Splits a PNG into its chunks, checking each CRC on the way. */
function chunks(png: Buffer): { type: string; data: Buffer; crcOk: boolean }[] {
  const found = [];
  let at = 8;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    const crcOk = png.readUInt32BE(at + 8 + length) === crc32(png.subarray(at + 4, at + 8 + length));
    found.push({ type, data, crcOk });
    at += 12 + length;
  }
  return found;
}

describe('sample insurance documents', () => {
  it.each([
    ['identity card', identityCard],
    ['vehicle registration', vehicleRegistration],
  ])('the %s is a valid 480×300 RGB PNG', async (_name, draw) => {
    const png = Buffer.from(await draw(facts));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const parts = chunks(png);
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(parts.every((c) => c.crcOk)).toBe(true);
    const header = parts[0]?.data ?? Buffer.alloc(13);
    expect([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]]).toEqual([480, 300, 8, 2]);
    expect(inflateSync(parts[1]?.data ?? Buffer.alloc(0)).length).toBe(300 * (1 + 480 * 3));
  });

  it("draws the driver's details: different drivers give different cards", async () => {
    const same = async (a: Promise<Uint8Array>, b: Promise<Uint8Array>) => Buffer.from(await a).equals(await b);
    expect(await same(identityCard(facts), identityCard({ ...facts, owner: 'Eric Niyonzima' }))).toBe(false);
    expect(await same(vehicleRegistration(facts), vehicleRegistration({ ...facts, plate: 'RB 733M' }))).toBe(false);
    expect(await same(identityCard(facts), identityCard({ ...facts }))).toBe(true);
  });

  it('the certificate is a PDF whose cross-reference table points at its objects', () => {
    const pdf = previousCertificate({ ...facts, owner: 'Jean (Bosco)' });
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text.endsWith('%%EOF\n')).toBe(true);
    const startxref = Number(/startxref\n(\d+)/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const offsets = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets).toHaveLength(5);
    offsets.forEach((offset, i) => expect(text.slice(offset).startsWith(`${i + 1} 0 obj`)).toBe(true));
    expect(text).toContain('(Insured: Jean \\(Bosco\\)) Tj');
    expect(text).toContain('(Registration: RAC 412D) Tj');
  });

  it('chooses the document by the stored name', async () => {
    expect((await sampleDocument('q/national-id.png', facts))?.mimetype).toBe('image/png');
    expect((await sampleDocument('q/vehicle-registration.png', facts))?.mimetype).toBe('image/png');
    expect((await sampleDocument('q/previous-certificate.pdf', facts))?.mimetype).toBe('application/pdf');
    expect(await sampleDocument('q/selfie.heic', facts)).toBeUndefined();
  });
});
