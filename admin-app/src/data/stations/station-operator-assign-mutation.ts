import { callFunction } from '@easymo/client';
import { ZStationDetail, type TAssignOperatorRequest, type TStationDetail } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { auditKeys } from '../audit/keys.ts';
import { stationKeys } from './keys.ts';

/**
 * `POST /admin/stations/:id/operators`: assign an account by email. When they work at
 * another station the answer is 409 `conflict` unless `move` is true.
 */
export function assignOperator({
  stationId,
  body,
}: {
  stationId: string;
  body: TAssignOperatorRequest;
}): Promise<TStationDetail> {
  return callFunction(supabase, `admin/stations/${encodeURIComponent(stationId)}/operators`, ZStationDetail, {
    method: 'POST',
    body,
  });
}

export function useStationOperatorAssignMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: assignOperator,
    // A move also changes the other station's operators: refresh every station.
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
      return queryClient.invalidateQueries({ queryKey: stationKeys.all });
    },
  });
}
