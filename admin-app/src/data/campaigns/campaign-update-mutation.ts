import { callFunction } from '@easymo/client';
import { ZCampaign, type TCampaign, type TUpdateCampaignRequest } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { campaignKeys, campaignPath } from './keys.ts';

/** `PATCH /admin/campaigns/:id`: change a draft's name, template or options. */
export function updateCampaign({ id, patch }: { id: string; patch: TUpdateCampaignRequest }): Promise<TCampaign> {
  return callFunction(supabase, campaignPath(id), ZCampaign, { method: 'PATCH', body: patch });
}

export function useCampaignUpdateMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateCampaign,
    onSuccess: (campaign) => {
      queryClient.setQueryData(campaignKeys.detail(campaign.id), campaign);
      // The template decides which CSV columns count; the throttle bucket and quiet hours the estimate.
      void queryClient.invalidateQueries({ queryKey: campaignKeys.estimate(campaign.id) });
      return queryClient.invalidateQueries({ queryKey: campaignKeys.lists() });
    },
  });
}
