import { describe, expect, it } from 'vitest';
import { startSchedulerTimer } from '../src/scheduler-timer.ts';

/** A fake scheduler function: records calls; each tick takes `ms` to answer. */
function fakeScheduler(ms: number, status = 200) {
  const calls: { url: string; headers: Headers; at: number }[] = [];
  let running = 0;
  let overlapped = false;
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, headers: new Headers(init.headers), at: Date.now() });
    running += 1;
    if (running > 1) overlapped = true;
    await new Promise((resolve) => setTimeout(resolve, ms));
    running -= 1;
    return Response.json(status === 200 ? { expired: 0 } : { error: { code: 'internal' } }, { status });
  }) as typeof globalThis.fetch;
  return { fetch, calls, overlapped: () => overlapped };
}

describe('the scheduler timer', () => {
  it('calls POST /functions/v1/scheduler/tick with the service-role key on its interval', async () => {
    const fake = fakeScheduler(5);
    const timer = startSchedulerTimer({
      apiUrl: 'http://stack',
      serviceRoleKey: 'service-key',
      intervalMs: 40,
      log: () => undefined,
      fetch: fake.fetch,
    });
    await new Promise((resolve) => setTimeout(resolve, 230));
    await timer.stop();
    expect(fake.calls.length).toBeGreaterThanOrEqual(3);
    expect(fake.calls[0]?.url).toBe('http://stack/functions/v1/scheduler/tick');
    expect(fake.calls[0]?.headers.get('authorization')).toBe('Bearer service-key');
    expect(fake.calls[0]?.headers.get('apikey')).toBe('service-key');
  });

  it('never overlaps ticks: one still running when the next is due makes the timer skip', async () => {
    const fake = fakeScheduler(120);
    const timer = startSchedulerTimer({
      apiUrl: 'http://stack',
      serviceRoleKey: 'k',
      intervalMs: 20,
      log: () => undefined,
      fetch: fake.fetch,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await timer.tickNow();
    await timer.stop();
    expect(fake.overlapped()).toBe(false);
    expect(fake.calls.length).toBeLessThanOrEqual(4);
  });

  it('logs a failed tick and carries on; tickNow rejects with the answer', async () => {
    const fake = fakeScheduler(1, 500);
    const lines: string[] = [];
    const timer = startSchedulerTimer({
      apiUrl: 'http://stack',
      serviceRoleKey: 'k',
      intervalMs: 15,
      log: (l) => lines.push(l),
      fetch: fake.fetch,
    });
    await new Promise((resolve) => setTimeout(resolve, 80));
    await expect(timer.tickNow()).rejects.toThrow(/answered 500/);
    await timer.stop();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(/^scheduler tick failed: scheduler tick answered 500/);
  });

  it('stops: no tick after stop()', async () => {
    const fake = fakeScheduler(1);
    const timer = startSchedulerTimer({
      apiUrl: 'http://stack',
      serviceRoleKey: 'k',
      intervalMs: 10,
      log: () => undefined,
      fetch: fake.fetch,
    });
    await timer.stop();
    const count = fake.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fake.calls.length).toBe(count);
  });
});
