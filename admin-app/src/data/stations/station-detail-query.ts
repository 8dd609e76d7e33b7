import { callFunction } from '@easymo/client';
import { ZStationDetail, type TStationDetail } from '@easymo/contracts';
import { useQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { stationKeys } from './keys.ts';

/** `GET /admin/stations/:id`: one station with its operators (current and former). */
export function fetchStation(id: string): Promise<TStationDetail> {
  return callFunction(supabase, `admin/stations/${encodeURIComponent(id)}`, ZStationDetail);
}

export function useStationQuery(id: string | undefined) {
  return useQuery({
    queryKey: stationKeys.detail(id ?? ''),
    queryFn: () => fetchStation(id ?? ''),
    enabled: Boolean(id),
  });
}
