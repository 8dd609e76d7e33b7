import { describe, expect, it } from 'vitest';
import { BACKOFF_MAX_MS, backoffMs, judgeSyncAnswer, offlineRefusal } from './station-outbox.ts';

const limits = { max_count: 3, max_total: 10_000, max_age_hours: 72 };
const now = new Date('2026-11-24T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000).toISOString();

describe('offline limits', () => {
  it('allows a redemption while the queue is under every limit', () => {
    expect(offlineRefusal([], 5_000, limits, now)).toBeNull();
    expect(offlineRefusal([{ amount: 5_000, captured_at: hoursAgo(1) }], 5_000, limits, now)).toBeNull();
  });

  it('refuses the one past max_count, amounts known or not', () => {
    const three = [1, 2, 3].map(() => ({ amount: null, captured_at: hoursAgo(1) }));
    expect(offlineRefusal(three.slice(0, 2), null, limits, now)).toBeNull();
    expect(offlineRefusal(three, null, limits, now)).toBe('max_count');
  });

  it('refuses one that would take the total past max_total; an unknown amount counts 0', () => {
    const waiting = [{ amount: 8_000, captured_at: hoursAgo(1) }];
    expect(offlineRefusal(waiting, 2_000, limits, now)).toBeNull(); // exactly the limit
    expect(offlineRefusal(waiting, 2_001, limits, now)).toBe('max_total');
    expect(offlineRefusal(waiting, null, limits, now)).toBeNull();
  });

  it('refuses new work once the oldest waiting row is past max_age (it would be refused anyway)', () => {
    expect(offlineRefusal([{ amount: 1, captured_at: hoursAgo(71.9) }], 1, limits, now)).toBeNull();
    expect(offlineRefusal([{ amount: 1, captured_at: hoursAgo(72.1) }], 1, limits, now)).toBe('max_age');
  });
});

describe('sync verdicts', () => {
  it('a success (or a replayed success) is synced', () => {
    expect(judgeSyncAnswer({ ok: true }, 0)).toEqual({ kind: 'synced' });
  });

  it('refusals a retry cannot change need attention, with the reason', () => {
    for (const code of ['already_redeemed', 'void', 'expired', 'wrong_station', 'not_found', 'capture_rejected']) {
      expect(judgeSyncAnswer({ ok: false, code }, 1)).toEqual({ kind: 'attention', code });
    }
  });

  it('network, server and session failures are retried with growing waits', () => {
    for (const code of ['network', 'unavailable', 'internal', 'unauthorized', 'unknown']) {
      expect(judgeSyncAnswer({ ok: false, code }, 1).kind).toBe('retry');
    }
    expect(judgeSyncAnswer({ ok: false, code: 'network' }, 1)).toEqual({ kind: 'retry', delayMs: 5_000 });
    expect(judgeSyncAnswer({ ok: false, code: 'network' }, 3)).toEqual({ kind: 'retry', delayMs: 20_000 });
  });

  it('a lock-out waits at least as long as the server says', () => {
    expect(judgeSyncAnswer({ ok: false, code: 'too_many_attempts', retryAfterSeconds: 300 }, 1)).toEqual({
      kind: 'retry',
      delayMs: 300_000,
    });
  });
});

describe('backoff', () => {
  it('doubles from 5 s and stops at 5 minutes, however many failures', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n))).toEqual([
      5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000,
    ]);
    expect(backoffMs(1_000)).toBe(BACKOFF_MAX_MS);
    expect(backoffMs(0)).toBe(5_000);
  });

  it('jitter adds at most a fifth', () => {
    expect(backoffMs(1, 0.5)).toBe(5_500);
    expect(backoffMs(7, 0.9999)).toBeLessThan(BACKOFF_MAX_MS * 1.2);
    expect(backoffMs(1, 7)).toBeLessThan(6_000); // out-of-range jitter is clamped
  });
});
