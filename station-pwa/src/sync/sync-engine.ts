/**
 * Replays the outbox to the server (DESIGN.md, offline redemption protocol, step 3).
 *
 * The app does this itself, not Workbox background sync: each send carries the
 * operator's current token (supabase-js refreshes it), and the answers land in the
 * outbox. Rows go oldest first, up to 100 per request (`station/sync`), each under its
 * idempotency key: a row sent twice (a crash between the answer and the write below, two
 * tabs, a lost response) gets the server's stored first answer again, so nothing is ever
 * redeemed twice and nothing is dropped. Failures back off per row (domain rules).
 */
import { SYNC_MAX_ROWS, type TRedeemRequest, type TSyncResponse } from '@easymo/contracts';
import { backoffMs, judgeSyncAnswer } from '@easymo/domain';
import { pendingRows } from '../db/outbox.ts';
import type { OutboxRow, StationDb } from '../db/station-db.ts';

/** Sends rows to `station/sync`; throws `{ code }` (an ApiError) when the request fails as a whole. */
export type SyncTransport = (rows: TRedeemRequest[]) => Promise<TSyncResponse>;

export interface SyncReport {
  sent: number;
  synced: number;
  attention: number;
  retrying: number;
  /** Why the last request failed as a whole (network, unauthorized, …), if it did. */
  error?: string;
}

export interface SyncOptions {
  now?: () => number;
  random?: () => number;
  /** Test seam: runs after the server answered, before the answers are written. */
  beforeWrite?: () => void | Promise<void>;
  /** Send rows still waiting out their backoff too (the network just came back, or a tap). */
  ignoreBackoff?: boolean;
  /** Rows already tried in this run: skipped, and the rows sent now are added. */
  tried?: Set<string>;
}

export function requestFor(row: OutboxRow): TRedeemRequest {
  return {
    ...(row.token ? { token: row.token } : { code: row.code5 }),
    idempotency_key: row.id,
    captured_at: row.captured_at,
    offline: row.offline,
  };
}

/** One request: the operator's due rows, oldest first. Resolves with what happened. */
export async function syncBatch(
  db: StationDb,
  send: SyncTransport,
  operatorId: string,
  options: SyncOptions = {},
): Promise<SyncReport> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const due = (await pendingRows(db))
    .filter((row) => row.operator_id === operatorId && !options.tried?.has(row.id))
    .filter((row) => options.ignoreBackoff || row.next_attempt_at <= now())
    .slice(0, SYNC_MAX_ROWS);
  for (const row of due) options.tried?.add(row.id);
  const report: SyncReport = { sent: due.length, synced: 0, attention: 0, retrying: 0 };
  if (due.length === 0) return report;

  let answers: Map<string, TSyncResponse['results'][number]> | undefined;
  try {
    const response = await send(due.map(requestFor));
    answers = new Map();
    // One answer per key; a duplicate or an answer for a row not sent is ignored.
    for (const result of response.results) {
      if (result.idempotency_key && !answers.has(result.idempotency_key)) answers.set(result.idempotency_key, result);
    }
  } catch (error) {
    report.error = (error as { code?: string }).code ?? 'network';
  }
  await options.beforeWrite?.();

  await db.transaction('rw', db.outbox, async () => {
    for (const sent of due) {
      // Re-read: another tab may have settled it meanwhile; a settled row never changes.
      const row = await db.outbox.get(sent.id);
      if (!row || row.state !== 'pending') continue;
      const answer = answers?.get(row.id);
      const failures = row.failures + 1;
      if (answer?.ok) {
        await db.outbox.update(row.id, {
          state: 'synced',
          redemption: answer.redemption,
          error: undefined,
          settled_at: now(),
          failures: 0,
        });
        report.synced += 1;
        continue;
      }
      // A request that failed as a whole never settles a row: it is kept and retried.
      const verdict = answer
        ? judgeSyncAnswer({ ok: false, code: answer.error.code }, failures, random())
        : ({ kind: 'retry', delayMs: backoffMs(failures, random()) } as const);
      if (verdict.kind === 'attention') {
        await db.outbox.update(row.id, { state: 'attention', error: answer?.error, settled_at: now() });
        report.attention += 1;
      } else if (verdict.kind === 'retry') {
        await db.outbox.update(row.id, {
          failures,
          next_attempt_at: now() + verdict.delayMs,
          ...(answer ? { error: answer.error } : {}),
        });
        report.retrying += 1;
      }
    }
  });
  return report;
}

/**
 * Runs syncs one at a time (a timer, the online event and a tap may all ask at once) and,
 * across tabs, under a Web Lock. `sync()` sends batch after batch until nothing is due.
 */
export class SyncRunner {
  private running: Promise<SyncReport> | undefined;

  constructor(
    private readonly db: StationDb,
    private readonly send: SyncTransport,
    private readonly operatorId: () => string | undefined,
    private readonly options: SyncOptions = {},
  ) {}

  /** `now`: also rows waiting out a backoff (the network came back, or the operator asked). */
  sync({ now = false }: { now?: boolean } = {}): Promise<SyncReport> {
    this.running ??= this.withLock(() => this.drain(now)).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drain(ignoreBackoff: boolean): Promise<SyncReport> {
    const total: SyncReport = { sent: 0, synced: 0, attention: 0, retrying: 0 };
    const operator = this.operatorId();
    if (!operator) return total;
    // Each row at most once per run: one that fails waits for its backoff, not the next batch.
    const tried = new Set<string>();
    for (;;) {
      const batch = await syncBatch(this.db, this.send, operator, { ...this.options, ignoreBackoff, tried });
      total.sent += batch.sent;
      total.synced += batch.synced;
      total.attention += batch.attention;
      total.retrying += batch.retrying;
      if (batch.error) total.error = batch.error;
      // Stop when nothing is left to try, or the server cannot be reached.
      if (batch.sent === 0 || batch.error) return total;
    }
  }

  private withLock<T>(run: () => Promise<T>): Promise<T> {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    return locks ? (locks.request('easymo-station-sync', run) as Promise<T>) : run();
  }

  /**
   * Syncs now, then every `intervalMs`, when the device comes online (backoffs forgotten:
   * they were waiting for exactly that) and when the app is shown again. Nothing is tried
   * while the browser knows it is offline, so failures there cost no backoff.
   */
  start(intervalMs = 15_000): () => void {
    const kick = (now = false) => {
      if (navigator.onLine) void this.sync({ now }).catch(() => undefined);
    };
    const onOnline = () => kick(true);
    const onVisible = () => {
      if (document.visibilityState === 'visible') kick();
    };
    kick(true);
    const timer = setInterval(kick, intervalMs);
    window.addEventListener('online', onOnline);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', onOnline);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }
}
