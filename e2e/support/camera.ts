/**
 * A fake camera for Chromium (`--use-file-for-fake-video-capture`): a Y4M video of a QR
 * code, as a phone held up to the tablet would show it. Chromium opens the file each time
 * a page starts the camera, so a test can put another QR in front of it between scans.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { qrPng } from '../../packages/render/src/index.ts';

const WIDTH = 640;
const HEIGHT = 480;

// One path for the config's process and the workers' (Chromium gets it as a flag).
export const FAKE_CAMERA_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../.local/test/fake-camera.y4m',
);

/** Chromium flags for a camera that shows FAKE_CAMERA_FILE, permission granted. */
export const FAKE_CAMERA_ARGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-video-capture=${FAKE_CAMERA_FILE}`,
];

/** Puts `text` as a QR code in front of the fake camera (grey levels only: U and V are neutral). */
export async function showQr(text: string): Promise<void> {
  const png = await qrPng(text, 8);
  const luma = await sharp(png)
    .resize(400, 400, { fit: 'contain', background: '#ffffff', kernel: 'nearest' })
    .extend({ top: 40, bottom: 40, left: 120, right: 120, background: '#ffffff' })
    .flatten({ background: '#ffffff' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  if (luma.length !== WIDTH * HEIGHT) throw new Error(`expected ${WIDTH}×${HEIGHT} grey pixels, got ${luma.length}`);
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`);
  writeVideo(Buffer.concat([header, ...Array<Buffer>(10).fill(frame)]));
}

/** A blank white picture: what the camera shows before a test holds up a QR. */
export function showNothing(): void {
  const frame = Buffer.concat([
    Buffer.from('FRAME\n'),
    Buffer.alloc(WIDTH * HEIGHT, 255),
    Buffer.alloc((WIDTH * HEIGHT) / 2, 128),
  ]);
  writeVideo(Buffer.concat([Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`), frame]));
}

function writeVideo(video: Buffer): void {
  mkdirSync(path.dirname(FAKE_CAMERA_FILE), { recursive: true });
  writeFileSync(FAKE_CAMERA_FILE, video);
}
