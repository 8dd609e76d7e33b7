import { callFunction } from '@easymo/client';
import { ZOptOutResponse, type TOptOutRequest, type TOptOutResponse } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { auditKeys } from '../audit/keys.ts';
import { settingsKeys } from './keys.ts';

/** `POST /admin/opt-outs/remove`: take a number off the opt-out list. */
export function removeOptOut(body: TOptOutRequest): Promise<TOptOutResponse> {
  return callFunction(supabase, 'admin/opt-outs/remove', ZOptOutResponse, { method: 'POST', body });
}

export function useOptOutRemoveMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeOptOut,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
      return queryClient.invalidateQueries({ queryKey: settingsKeys.all });
    },
  });
}
