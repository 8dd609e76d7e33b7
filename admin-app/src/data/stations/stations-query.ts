import { callFunction } from '@easymo/client';
import { ZListStationsResponse, type TListStationsQuery, type TListStationsResponse } from '@easymo/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { stationKeys } from './keys.ts';

/** `GET /admin/stations?q=&status=`: every station matching, with its redemption activity. */
export function fetchStations(query: TListStationsQuery): Promise<TListStationsResponse> {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.status) params.set('status', query.status);
  const search = params.toString();
  return callFunction(supabase, `admin/stations${search ? `?${search}` : ''}`, ZListStationsResponse);
}

export function useStationsQuery(query: TListStationsQuery) {
  // Keep the previous list on screen while a new search loads, so the table does not blink.
  return useQuery({
    queryKey: stationKeys.list(query),
    queryFn: () => fetchStations(query),
    placeholderData: keepPreviousData,
  });
}
