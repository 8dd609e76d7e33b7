import { callFunction } from '@easymo/client';
import { ZOptOutResponse, type TOptOutRequest, type TOptOutResponse } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { auditKeys } from '../audit/keys.ts';
import { settingsKeys } from './keys.ts';

/** `POST /admin/opt-outs`: put a number on the opt-out list (the server stores its hash). */
export function addOptOut(body: TOptOutRequest): Promise<TOptOutResponse> {
  return callFunction(supabase, 'admin/opt-outs', ZOptOutResponse, { method: 'POST', body });
}

export function useOptOutAddMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: addOptOut,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
      return queryClient.invalidateQueries({ queryKey: settingsKeys.all });
    },
  });
}
