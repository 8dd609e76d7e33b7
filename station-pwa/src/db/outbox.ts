/** Outbox reads and writes (see station-db.ts for what is stored and why). */
import type { StationDb, OutboxRow } from './station-db.ts';

export type NewRedemption = Pick<
  OutboxRow,
  'station_id' | 'operator_id' | 'code5' | 'token' | 'amount' | 'verified' | 'captured_at' | 'offline'
>;

/** Queues a redemption; resolves once it is durably stored. Its id is the idempotency key. */
export async function enqueueRedemption(
  db: StationDb,
  redemption: NewRedemption,
  now = Date.now(),
): Promise<OutboxRow> {
  const row: OutboxRow = {
    ...redemption,
    id: crypto.randomUUID(),
    state: 'pending',
    failures: 0,
    next_attempt_at: now,
    created_at: now,
  };
  await db.outbox.add(row);
  return row;
}

/** Rows not answered yet, oldest first. */
export function pendingRows(db: StationDb): Promise<OutboxRow[]> {
  return db.outbox.where('[state+created_at]').between(['pending', -Infinity], ['pending', Infinity]).toArray();
}

/** Rows the server refused for good, oldest first. */
export function attentionRows(db: StationDb): Promise<OutboxRow[]> {
  return db.outbox.where('[state+created_at]').between(['attention', -Infinity], ['attention', Infinity]).toArray();
}

/** Synced rows since `since` (epoch ms), newest first: today's list. */
export async function syncedSince(db: StationDb, since: number): Promise<OutboxRow[]> {
  const rows = await db.outbox.where('[state+created_at]').between(['synced', since], ['synced', Infinity]).toArray();
  return rows.reverse();
}

/** An operator has seen a refusal: it leaves "needs attention" (the row is kept). */
export async function dismissAttention(db: StationDb, id: string): Promise<void> {
  await db.outbox
    .where('id')
    .equals(id)
    .and((row) => row.state === 'attention')
    .modify({ state: 'dismissed' as const });
}
