/**
 * What the station keeps on the device, in IndexedDB (Dexie), and why:
 *
 * - `outbox`: every redemption the operator confirms, written **before** the screen says
 *   anything, so a crash, a reload or an app update never loses one. Its `id` is the
 *   idempotency key the server stores the answer under, so sending a row twice is
 *   harmless. Rows are never deleted by syncing: a synced row keeps the server's answer
 *   (today's list shows it), a refused one waits under "needs attention".
 * - `meta`: the station config last fetched (station, operator, QR public key, offline
 *   limits), so QR codes verify and limits apply while offline.
 *
 * IndexedDB survives reloads and app updates; `navigator.storage.persist()` (asked at
 * start) keeps the browser from evicting it under storage pressure.
 */
import type { TRedemption, TStationConfig } from '@easymo/contracts';
import Dexie, { type EntityTable } from 'dexie';

/**
 * pending: not answered yet · synced: redeemed · attention: refused for good, an operator
 * must look · dismissed: a refusal the operator has seen.
 */
export type OutboxState = 'pending' | 'synced' | 'attention' | 'dismissed';

export interface OutboxRow {
  /** The idempotency key (a v4 uuid made on the device). */
  id: string;
  station_id: string;
  operator_id: string;
  /** The code as printed (from the QR, or typed and normalised). */
  code5: string;
  /** The signed QR token, when scanned. */
  token?: string;
  /** Known when a verified QR or an online lookup said so; null for a typed code offline. */
  amount: number | null;
  /** True when the code was checked before queueing (QR signature offline, or a lookup online). */
  verified: boolean;
  /** Device time of the scan or entry (the server judges a late redemption by it). */
  captured_at: string;
  /** Captured while the device was offline. */
  offline: boolean;
  state: OutboxState;
  /** Failed sends in a row (network, server), for the backoff. */
  failures: number;
  /** Epoch ms before which the row is not sent again. */
  next_attempt_at: number;
  /** Epoch ms when queued: the FIFO order. */
  created_at: number;
  /** Epoch ms when it was synced or refused. */
  settled_at?: number;
  redemption?: TRedemption;
  error?: { code: string; message: string };
}

export interface MetaRow {
  key: 'config';
  value: TStationConfig;
  saved_at: number;
}

export class StationDb extends Dexie {
  outbox!: EntityTable<OutboxRow, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;

  constructor(name = 'easymo-station') {
    super(name);
    this.version(1).stores({
      outbox: 'id, state, created_at, [state+created_at], operator_id',
      meta: 'key',
    });
  }
}

/** The app's one database. */
export const db = new StationDb();
