/** The `station` function, typed by its contracts. */
import { ApiError, callFunction } from '@easymo/client';
import {
  ZHistoryResponse,
  ZLookupResponse,
  ZStationConfig,
  ZSyncResponse,
  type THistoryResponse,
  type TLookupResponse,
  type TStationConfig,
} from '@easymo/contracts';
import type { SyncTransport } from '../sync/sync-engine.ts';
import { supabase } from '../supabase.ts';

export { ApiError };

export const fetchConfig = (): Promise<TStationConfig> => callFunction(supabase, 'station/config', ZStationConfig);

export const lookup = (presented: { code: string } | { token: string }): Promise<TLookupResponse> =>
  callFunction(supabase, 'station/lookup', ZLookupResponse, { method: 'POST', body: presented });

export const fetchHistory = (): Promise<THistoryResponse> =>
  callFunction(supabase, 'station/history?limit=200', ZHistoryResponse);

/** supabase-js attaches the operator's current token, refreshing it first when it expired. */
export const syncTransport: SyncTransport = (rows) =>
  callFunction(supabase, 'station/sync', ZSyncResponse, { method: 'POST', body: { rows } });

/** True when the request never reached the server (offline, DNS, a dropped connection). */
export const isNetworkError = (error: unknown) => error instanceof ApiError && error.code === 'network';
