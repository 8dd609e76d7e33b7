import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../packages/stack/src/system.ts';
import { FAKE_CAMERA_ARGS, showNothing } from './support/camera.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

// Chromium's fake camera plays this file; station tests put QR codes in it.
showNothing();

// Run by `pnpm test` (scripts/test.ts), which starts the stack and the built apps and
// sets ADMIN_URL, STATION_URL and the keys. Chromium comes from the system, never from
// a Playwright download.
export default defineConfig({
  testDir: './browser',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json']],
  outputDir: path.join(here, '../.local/test/playwright'),
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath(),
      args: [...CHROMIUM_ARGS, '--disable-quic', ...FAKE_CAMERA_ARGS],
    },
  },
});
