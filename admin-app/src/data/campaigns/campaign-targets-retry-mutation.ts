import { callFunction } from '@easymo/client';
import { ZRetryTargetsResponse, type TRetryTargetsRequest } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { campaignKeys, campaignPath } from './keys.ts';

/** `POST /admin/campaigns/:id/targets/retry`: failed targets (these, or every failed one) back to the queue. */
export function retryCampaignTargets({ id, request }: { id: string; request: TRetryTargetsRequest }) {
  return callFunction(supabase, campaignPath(id, 'targets/retry'), ZRetryTargetsResponse, {
    method: 'POST',
    body: request,
  });
}

export function useCampaignTargetsRetryMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: retryCampaignTargets,
    onSuccess: (_result, { id }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: campaignKeys.detail(id) }),
        queryClient.invalidateQueries({ queryKey: campaignKeys.estimate(id) }),
        queryClient.invalidateQueries({ queryKey: campaignKeys.targets(id) }),
        queryClient.invalidateQueries({ queryKey: campaignKeys.lists() }),
      ]),
  });
}
