import 'fake-indexeddb/auto';
import type { TRedeemRequest, TSyncResponse } from '@easymo/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueueRedemption, pendingRows, type NewRedemption } from '../db/outbox.ts';
import { StationDb } from '../db/station-db.ts';
import { SyncRunner, syncBatch, type SyncTransport } from './sync-engine.ts';

const OPERATOR = 'a0000000-0000-4000-8000-000000000005';
const STATION = 'b0000000-0000-4000-8000-000000000001';

/**
 * A stand-in for `station/sync` with the server's contract: each code redeems once, every
 * answer is stored under its idempotency key and replayed for the same key.
 */
class FakeStation {
  redeemed = new Map<string, string>(); // code → idempotency key that redeemed it
  stored = new Map<string, TSyncResponse['results'][number]>();
  requests: TRedeemRequest[][] = [];
  unknown = new Set<string>();

  transport: SyncTransport = async (rows) => {
    this.requests.push(rows);
    return { results: rows.map((row) => this.redeem(row)) };
  };

  private redeem(row: TRedeemRequest): TSyncResponse['results'][number] {
    const key = row.idempotency_key;
    const first = this.stored.get(key);
    if (first) return first.ok ? { ...first, redemption: { ...first.redemption, replayed: true } } : first;
    const code = row.code ?? row.token?.split('.')[1] ?? '';
    let answer: TSyncResponse['results'][number];
    if (this.unknown.has(code)) {
      answer = { idempotency_key: key, ok: false, error: { code: 'not_found', message: 'no voucher has this code' } };
    } else if (this.redeemed.has(code)) {
      answer = { idempotency_key: key, ok: false, error: { code: 'already_redeemed', message: 'already redeemed' } };
    } else {
      this.redeemed.set(code, key);
      answer = {
        idempotency_key: key,
        ok: true,
        redemption: {
          idempotency_key: key,
          voucher_id: crypto.randomUUID(),
          code5: code,
          amount: 5000,
          currency: 'RWF',
          redeemed_at: row.captured_at,
          offline: row.offline ?? false,
          replayed: false,
        },
      };
    }
    this.stored.set(key, answer);
    return answer;
  }
}

let db: StationDb;
let server: FakeStation;
let clock: number;
const now = () => clock;
const options = { now, random: () => 0 };

function queue(code: string, extra: Partial<NewRedemption> = {}) {
  return enqueueRedemption(
    db,
    {
      station_id: STATION,
      operator_id: OPERATOR,
      code5: code,
      amount: null,
      verified: false,
      captured_at: new Date(clock).toISOString(),
      offline: true,
      ...extra,
    },
    clock++,
  );
}

const states = async () => (await db.outbox.orderBy('created_at').toArray()).map((r) => `${r.code5}:${r.state}`);

beforeEach(async () => {
  db = new StationDb(`test-${crypto.randomUUID()}`);
  server = new FakeStation();
  clock = Date.parse('2026-11-24T10:00:00Z');
});
afterEach(async () => {
  await db.delete();
});

describe('the outbox survives', () => {
  it('a reload: rows written by one instance are read by the next', async () => {
    await queue('AAAA1');
    const name = db.name;
    db.close();
    const reopened = new StationDb(name);
    expect((await pendingRows(reopened)).map((r) => r.code5)).toEqual(['AAAA1']);
    db = reopened;
  });
});

describe('syncing', () => {
  it('sends the operator’s rows oldest first, in one request, and marks each synced', async () => {
    for (const code of ['AAAA1', 'AAAA2', 'AAAA3']) await queue(code);
    const report = await syncBatch(db, server.transport, OPERATOR, options);
    expect(report).toEqual({ sent: 3, synced: 3, attention: 0, retrying: 0 });
    expect(server.requests.map((rows) => rows.map((r) => r.code))).toEqual([['AAAA1', 'AAAA2', 'AAAA3']]);
    expect(await states()).toEqual(['AAAA1:synced', 'AAAA2:synced', 'AAAA3:synced']);
    const [first] = await db.outbox.orderBy('created_at').toArray();
    expect(first?.redemption?.code5).toBe('AAAA1');
    expect(await syncBatch(db, server.transport, OPERATOR, options)).toMatchObject({ sent: 0 });
  });

  it('sends the QR token when there is one, and the key, capture time and offline flag', async () => {
    const row = await queue('AAAA1', { token: 'EM1.AAAA1.rest-of-token', verified: true, amount: 5000 });
    await syncBatch(db, server.transport, OPERATOR, options);
    expect(server.requests[0]).toEqual([
      { token: 'EM1.AAAA1.rest-of-token', idempotency_key: row.id, captured_at: row.captured_at, offline: true },
    ]);
  });

  it('a crash after the server answered and before the answer was written: the replay redeems nothing twice', async () => {
    await queue('AAAA1');
    await expect(
      syncBatch(db, server.transport, OPERATOR, {
        ...options,
        beforeWrite: () => {
          throw new Error('the tab died here');
        },
      }),
    ).rejects.toThrow('the tab died');
    expect(await states()).toEqual(['AAAA1:pending']); // the answer was lost with the tab
    const report = await syncBatch(db, server.transport, OPERATOR, options);
    expect(report.synced).toBe(1);
    const [row] = await db.outbox.toArray();
    expect(row?.redemption?.replayed).toBe(true); // the server's stored first answer
    expect(server.redeemed.size).toBe(1);
  });

  it('duplicate answers, and answers for rows not sent, change nothing', async () => {
    await queue('AAAA1');
    await queue('AAAA2');
    const doubled: SyncTransport = async (rows) => {
      const { results } = await server.transport(rows);
      const stray = { idempotency_key: crypto.randomUUID(), ok: false as const, error: { code: 'void', message: 'x' } };
      return { results: [...results, ...results, stray] };
    };
    expect(await syncBatch(db, doubled, OPERATOR, options)).toEqual({ sent: 2, synced: 2, attention: 0, retrying: 0 });
    expect(await db.outbox.count()).toBe(2);
    expect(await states()).toEqual(['AAAA1:synced', 'AAAA2:synced']);
  });

  it('two tabs sending the same row at once: both get the one redemption, it is written once', async () => {
    await queue('AAAA1');
    const [a, b] = await Promise.all([
      syncBatch(db, server.transport, OPERATOR, options),
      syncBatch(db, server.transport, OPERATOR, options),
    ]);
    expect(server.requests).toHaveLength(2); // both tabs read the row as pending
    expect(server.redeemed.size).toBe(1);
    expect(a.synced + b.synced).toBe(1); // the second answer finds the row settled
    const [row] = await db.outbox.toArray();
    expect(row?.state).toBe('synced');
  });

  it('a refusal needs attention with the server’s reason, and is not sent again', async () => {
    server.redeemed.set('AAAA1', 'another station');
    server.unknown.add('ZZZZ9');
    await queue('AAAA1');
    await queue('ZZZZ9');
    await queue('AAAA2');
    expect(await syncBatch(db, server.transport, OPERATOR, options)).toEqual({
      sent: 3,
      synced: 1,
      attention: 2,
      retrying: 0,
    });
    const rows = await db.outbox.orderBy('created_at').toArray();
    expect(rows.map((r) => [r.state, r.error?.code])).toEqual([
      ['attention', 'already_redeemed'],
      ['attention', 'not_found'],
      ['synced', undefined],
    ]);
    clock += 3600_000;
    expect((await syncBatch(db, server.transport, OPERATOR, options)).sent).toBe(0);
  });

  it('a failed request keeps every row and backs off 5 s, 10 s, 20 s before trying again', async () => {
    await queue('AAAA1');
    let down = true;
    const flaky: SyncTransport = (rows) =>
      down ? Promise.reject(Object.assign(new Error('offline'), { code: 'network' })) : server.transport(rows);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const report = await syncBatch(db, flaky, OPERATOR, options);
      expect(report).toMatchObject({ sent: 1, retrying: 1, error: 'network' });
      const [row] = await db.outbox.toArray();
      if (!row) throw new Error('the row is gone');
      waits.push(row.next_attempt_at - clock);
      // Not due yet: nothing is sent before the wait is over.
      expect((await syncBatch(db, flaky, OPERATOR, options)).sent).toBe(0);
      clock = row.next_attempt_at;
    }
    expect(waits).toEqual([5_000, 10_000, 20_000]);
    down = false;
    expect(await syncBatch(db, flaky, OPERATOR, options)).toMatchObject({ sent: 1, synced: 1 });
    const [row] = await db.outbox.toArray();
    expect(row?.failures).toBe(0);
    expect(server.requests).toHaveLength(1); // the failed attempts never reached the server
  });

  it('a row-level server failure is retried, not settled', async () => {
    await queue('AAAA1');
    const busy: SyncTransport = async (rows) => ({
      results: rows.map((r) => ({
        idempotency_key: r.idempotency_key,
        ok: false as const,
        error: { code: 'internal', message: 'x' },
      })),
    });
    expect(await syncBatch(db, busy, OPERATOR, options)).toMatchObject({ retrying: 1 });
    expect(await states()).toEqual(['AAAA1:pending']);
  });

  it('leaves another operator’s rows for that operator', async () => {
    await queue('AAAA1', { operator_id: 'a0000000-0000-4000-8000-000000000006' });
    expect((await syncBatch(db, server.transport, OPERATOR, options)).sent).toBe(0);
    expect(await states()).toEqual(['AAAA1:pending']);
  });
});

describe('the runner', () => {
  it('sends 250 rows in batches of at most 100, oldest first, and empties the queue', async () => {
    const codes = Array.from({ length: 250 }, (_, i) => `C${String(i).padStart(4, '0')}`);
    for (const code of codes) await queue(code);
    const runner = new SyncRunner(db, server.transport, () => OPERATOR, options);
    expect(await runner.sync()).toEqual({ sent: 250, synced: 250, attention: 0, retrying: 0 });
    expect(server.requests.map((rows) => rows.length)).toEqual([100, 100, 50]);
    expect(server.requests.flat().map((r) => r.code)).toEqual(codes);
    expect(await pendingRows(db)).toEqual([]);
  });

  it('when the network comes back, rows waiting out a backoff go at once; each at most once per run', async () => {
    await queue('AAAA1');
    await queue('AAAA2');
    const offline: SyncTransport = () => Promise.reject(Object.assign(new Error('offline'), { code: 'network' }));
    await syncBatch(db, offline, OPERATOR, options); // both now wait 5 s
    const runner = new SyncRunner(db, server.transport, () => OPERATOR, options);
    expect((await runner.sync()).sent).toBe(0); // still in backoff
    expect(await runner.sync({ now: true })).toEqual({ sent: 2, synced: 2, attention: 0, retrying: 0 });

    await queue('AAAA3');
    const failing: SyncTransport = async (rows) => ({
      results: rows.map((r) => ({
        idempotency_key: r.idempotency_key,
        ok: false as const,
        error: { code: 'internal', message: 'x' },
      })),
    });
    const calls: number[] = [];
    const counting = new SyncRunner(
      db,
      (rows) => (calls.push(rows.length), failing(rows)),
      () => OPERATOR,
      options,
    );
    expect(await counting.sync({ now: true })).toMatchObject({ sent: 1, retrying: 1 });
    expect(calls).toEqual([1]); // not re-sent in a loop within the run
  });

  it('asked three times at once, sends once', async () => {
    await queue('AAAA1');
    const runner = new SyncRunner(db, server.transport, () => OPERATOR, options);
    const reports = await Promise.all([runner.sync(), runner.sync(), runner.sync()]);
    expect(server.requests).toHaveLength(1);
    expect(reports[0]).toBe(reports[2]);
  });

  it('does nothing while no operator is signed in', async () => {
    await queue('AAAA1');
    const runner = new SyncRunner(db, server.transport, () => undefined, options);
    expect((await runner.sync()).sent).toBe(0);
  });
});
