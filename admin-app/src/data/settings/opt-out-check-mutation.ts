import { callFunction } from '@easymo/client';
import { ZOptOutResponse, type TOptOutRequest, type TOptOutResponse } from '@easymo/contracts';
import { useMutation } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';

/**
 * `POST /admin/opt-outs/check`: is this number on the list? A POST (the number stays out
 * of URLs and logs) that changes nothing, so nothing is invalidated.
 */
export function checkOptOut(body: TOptOutRequest): Promise<TOptOutResponse> {
  return callFunction(supabase, 'admin/opt-outs/check', ZOptOutResponse, { method: 'POST', body });
}

export function useOptOutCheckMutation() {
  return useMutation({ mutationFn: checkOptOut });
}
