/** The station config: fetched when online, kept in IndexedDB for offline use. */
import type { TStationConfig } from '@easymo/contracts';
import type { StationDb } from '../db/station-db.ts';

export async function cachedConfig(db: StationDb, operatorId: string): Promise<TStationConfig | undefined> {
  const row = await db.meta.get('config');
  // Another operator's config (a shared tablet) is not this one's station.
  return row && row.value.operator.id === operatorId ? row.value : undefined;
}

export async function saveConfig(db: StationDb, config: TStationConfig): Promise<void> {
  await db.meta.put({ key: 'config', value: config, saved_at: Date.now() });
}
