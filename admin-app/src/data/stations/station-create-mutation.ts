import { callFunction } from '@easymo/client';
import { ZStationDetail, type TCreateStationRequest, type TStationDetail } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { stationKeys } from './keys.ts';

/** `POST /admin/stations`: a new station (409 `conflict` when the engencode is taken). */
export function createStation(body: TCreateStationRequest): Promise<TStationDetail> {
  return callFunction(supabase, 'admin/stations', ZStationDetail, { method: 'POST', body });
}

export function useStationCreateMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createStation,
    onSuccess: (detail) => {
      queryClient.setQueryData(stationKeys.detail(detail.station.id), detail);
      return queryClient.invalidateQueries({ queryKey: stationKeys.lists() });
    },
  });
}
