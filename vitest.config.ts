import { defineConfig } from 'vitest/config';

// `pnpm test` runs these projects as separate suites (see scripts/test.ts).
export default defineConfig({
  test: {
    projects: [
      // React components in Chromium (browser mode): admin-app/vitest.config.ts
      'admin-app/vitest.config.ts',
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'scripts/**/*.test.ts',
            'station-pwa/src/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'lifecycle',
          include: ['e2e/lifecycle/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'api',
          include: ['e2e/api/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // The files share one stack and its demo users: run them one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
