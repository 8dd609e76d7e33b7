import { callFunction } from '@easymo/client';
import { ZCampaign, type TCampaign, type TCampaignAction } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { auditKeys } from '../audit/keys.ts';
import { campaignKeys, campaignPath } from './keys.ts';

/**
 * `POST /admin/campaigns/:id/{start,pause,resume,finish}`: move the campaign along its
 * machine. A move the machine does not allow from the current status is a 409.
 */
export function runCampaignAction({ id, action }: { id: string; action: TCampaignAction }): Promise<TCampaign> {
  return callFunction(supabase, campaignPath(id, action), ZCampaign, { method: 'POST' });
}

export function useCampaignActionMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: runCampaignAction,
    onSuccess: (campaign) => {
      queryClient.setQueryData(campaignKeys.detail(campaign.id), campaign);
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
      void queryClient.invalidateQueries({ queryKey: campaignKeys.estimate(campaign.id) });
      void queryClient.invalidateQueries({ queryKey: campaignKeys.targets(campaign.id) });
      return queryClient.invalidateQueries({ queryKey: campaignKeys.lists() });
    },
    // A 409 means someone else moved it: show what it is now.
    onError: (_error, { id }) => queryClient.invalidateQueries({ queryKey: campaignKeys.detail(id) }),
  });
}
