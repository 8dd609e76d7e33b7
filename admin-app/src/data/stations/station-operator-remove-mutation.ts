import { callFunction } from '@easymo/client';
import { ZStationDetail, type TStationDetail } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { auditKeys } from '../audit/keys.ts';
import { stationKeys } from './keys.ts';

/** `DELETE /admin/stations/:id/operators/:userId`: the assignment stays, inactive. */
export function removeOperator({ stationId, userId }: { stationId: string; userId: string }): Promise<TStationDetail> {
  return callFunction(
    supabase,
    `admin/stations/${encodeURIComponent(stationId)}/operators/${encodeURIComponent(userId)}`,
    ZStationDetail,
    { method: 'DELETE' },
  );
}

export function useStationOperatorRemoveMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeOperator,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
      return queryClient.invalidateQueries({ queryKey: stationKeys.all });
    },
  });
}
