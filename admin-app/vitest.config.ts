/**
 * Component tests: React components rendered in real Chromium (the system's, never a
 * downloaded one) through Vitest's browser mode. Run by `pnpm test components`.
 */
import { playwright } from '@vitest/browser-playwright';
import react from '@vitejs/plugin-react';
import { defineProject } from 'vitest/config';
import { CHROMIUM_ARGS, chromiumPath } from '../packages/stack/src/system.ts';

export default defineProject({
  plugins: [react()],
  test: {
    name: 'components',
    include: ['src/**/*.test.tsx'],
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: { executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
