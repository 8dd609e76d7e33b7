import { callFunction } from '@easymo/client';
import { ZCampaign, type TCampaign, type TCreateCampaignRequest } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { campaignKeys } from './keys.ts';

/** `POST /admin/campaigns`: a new draft. */
export function createCampaign(body: TCreateCampaignRequest): Promise<TCampaign> {
  return callFunction(supabase, 'admin/campaigns', ZCampaign, { method: 'POST', body });
}

export function useCampaignCreateMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createCampaign,
    onSuccess: (campaign) => {
      queryClient.setQueryData(campaignKeys.detail(campaign.id), campaign);
      return queryClient.invalidateQueries({ queryKey: campaignKeys.lists() });
    },
  });
}
