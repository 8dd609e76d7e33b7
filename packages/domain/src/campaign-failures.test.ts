import { describe, expect, it } from 'vitest';
import { type FailureKind, MAX_TARGET_ATTEMPTS, targetFailureAction } from './campaign-failures.ts';

type Expected =
  | { action: 'retry'; status: 'queued' | 'queued_throttled'; delaySeconds: number; counted: boolean; pause?: number }
  | { action: 'fail'; errorCode: string };

/** [what happened, code, kind, HTTP status, counted attempts before, what must follow] */
const cases: [string, number, FailureKind, number, number, Expected][] = [
  // Throughput limit: the channel backs off, the target keeps its attempts.
  ['throughput limit', 130429, 'throttled', 400, 0, throttled(60, 60)],
  ['throughput limit, after 4 attempts', 130429, 'throttled', 400, 4, throttled(60, 60)],
  // Pair rate limit: only this recipient waits.
  ['pair rate limit', 131056, 'throttled', 400, 0, retry('queued', 60, false)],
  ['pair rate limit, after 4 attempts', 131056, 'throttled', 400, 4, retry('queued', 60, false)],
  // Engagement limit: a day later, counted, up to the maximum.
  ['engagement limit, first', 131049, 'undeliverable', 400, 0, retry('queued', 86_400, true)],
  ['engagement limit, fourth', 131049, 'undeliverable', 400, 3, retry('queued', 86_400, true)],
  ['engagement limit, fifth', 131049, 'undeliverable', 400, 4, fail('131049')],
  ['engagement limit, past the maximum', 131049, 'undeliverable', 400, 7, fail('131049')],
  // Rejected or undeliverable without a rule of its own: at once.
  ['undeliverable', 131026, 'undeliverable', 400, 0, fail('131026')],
  ['media upload error', 131053, 'undeliverable', 400, 0, fail('131053')],
  ['outside the 24-hour window', 131047, 'rejected', 400, 0, fail('131047')],
  ['invalid parameter', 100, 'rejected', 400, 2, fail('100')],
  ['an unknown 4xx', 0, 'rejected', 400, 0, fail('rejected')],
  // Account and template setup: wait for someone to fix it, without using up attempts.
  ['token expired', 190, 'unavailable', 401, 0, retry('queued', 900, false)],
  ['permission denied', 10, 'unavailable', 403, 4, retry('queued', 900, false)],
  ['permission error', 200, 'unavailable', 403, 0, retry('queued', 900, false)],
  ['template parameter count', 132000, 'unavailable', 400, 0, retry('queued', 900, false)],
  ['template missing', 132001, 'unavailable', 404, 0, retry('queued', 900, false)],
  ['template paused', 132015, 'unavailable', 400, 0, retry('queued', 900, false)],
  ['setup code with a 5xx is WhatsApp failing', 190, 'unavailable', 500, 0, retry('queued', 30, true)],
  // Other rate limits: throttled, the channel pauses.
  ['API too many calls', 4, 'throttled', 400, 0, throttled(300, 60)],
  ['account rate limit', 80007, 'throttled', 400, 4, throttled(300, 60)],
  ['spam rate limit', 131048, 'throttled', 400, 0, throttled(300, 60)],
  ['HTTP 429 without a code', 0, 'throttled', 429, 0, throttled(300, 60)],
  // WhatsApp or the network failing: counted, doubling from 30 s, the fifth fails.
  ['network down', 0, 'unavailable', 0, 0, retry('queued', 30, true)],
  ['HTTP 502', 0, 'unavailable', 502, 1, retry('queued', 60, true)],
  ['something went wrong', 131000, 'unavailable', 500, 2, retry('queued', 120, true)],
  ['service unavailable', 131016, 'unavailable', 503, 3, retry('queued', 240, true)],
  ['service unavailable, fifth', 131016, 'unavailable', 503, 4, fail('131016')],
  ['server unavailable, fifth', 133004, 'unavailable', 503, 4, fail('133004')],
  ['network down, fifth', 0, 'unavailable', 0, 4, fail('unavailable')],
  ['timeouts past the maximum', 0, 'unavailable', 0, 9, fail('unavailable')],
  ['an unknown unavailability', 999, 'unavailable', 400, 0, retry('queued', 30, true)],
];

function retry(status: 'queued' | 'queued_throttled', delaySeconds: number, counted: boolean): Expected {
  return { action: 'retry', status, delaySeconds, counted };
}
function throttled(delaySeconds: number, pause: number): Expected {
  return { action: 'retry', status: 'queued_throttled', delaySeconds, counted: false, pause };
}
function fail(errorCode: string): Expected {
  return { action: 'fail', errorCode };
}

describe('targetFailureAction', () => {
  it.each(cases)('%s (%i, %s, HTTP %i, %i attempts before)', (_, code, kind, httpStatus, before, expected) => {
    const action = targetFailureAction({ code, kind, httpStatus }, before);
    expect(action.reason).toMatch(/\w/);
    if (expected.action === 'fail') {
      expect(action).toEqual({ action: 'fail', errorCode: expected.errorCode, reason: action.reason });
    } else {
      expect(action).toEqual({
        action: 'retry',
        status: expected.status,
        delaySeconds: expected.delaySeconds,
        countsAsAttempt: expected.counted,
        ...(expected.pause === undefined ? {} : { pauseChannelSeconds: expected.pause }),
        reason: action.reason,
      });
    }
  });

  it(`lets a counted failure happen ${MAX_TARGET_ATTEMPTS} times: the last one fails the target`, () => {
    for (const error of [
      { code: 0, kind: 'unavailable', httpStatus: 0 },
      { code: 131049, kind: 'undeliverable', httpStatus: 400 },
    ] as const) {
      const actions = Array.from({ length: MAX_TARGET_ATTEMPTS }, (_, before) => targetFailureAction(error, before));
      expect(actions.map((a) => a.action)).toEqual(['retry', 'retry', 'retry', 'retry', 'fail']);
      expect(actions.every((a) => a.action === 'fail' || a.countsAsAttempt)).toBe(true);
    }
  });
});
