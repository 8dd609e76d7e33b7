/**
 * Browser tests get a page that may only talk to this machine: any request to another
 * host (a CDN, a font service, telemetry) is blocked and fails the test, because the
 * station app must work offline and nothing may load from a CDN.
 */
import { expect, test as base } from '@playwright/test';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const test = base.extend<{ offsiteRequests: string[] }>({
  offsiteRequests: [
    async ({ context }, use) => {
      const offsite: string[] = [];
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.protocol.startsWith('http') && !LOCAL_HOSTS.has(url.hostname)) {
          offsite.push(url.href);
          return route.abort('blockedbyclient');
        }
        return route.fallback();
      });
      await use(offsite);
      expect(offsite, 'requests that left this machine').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
