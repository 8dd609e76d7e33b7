import { callFunction } from '@easymo/client';
import { ZStationDetail, type TStationDetail, type TUpdateStationRequest } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { stationKeys } from './keys.ts';

/** `PATCH /admin/stations/:id`: the fields that changed (409 `conflict` when the engencode is taken). */
export function updateStation({ id, patch }: { id: string; patch: TUpdateStationRequest }): Promise<TStationDetail> {
  return callFunction(supabase, `admin/stations/${encodeURIComponent(id)}`, ZStationDetail, {
    method: 'PATCH',
    body: patch,
  });
}

export function useStationUpdateMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateStation,
    onSuccess: (detail) => {
      queryClient.setQueryData(stationKeys.detail(detail.station.id), detail);
      return queryClient.invalidateQueries({ queryKey: stationKeys.all });
    },
  });
}
