import { callFunction } from '@easymo/client';
import { ZCampaignEstimate, type TCampaignEstimate } from '@easymo/contracts';
import { useQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { campaignKeys, campaignPath } from './keys.ts';

/** `GET /admin/campaigns/:id/estimate`: targets per country and how long sending them takes if started now. */
export function fetchCampaignEstimate(id: string): Promise<TCampaignEstimate> {
  return callFunction(supabase, campaignPath(id, 'estimate'), ZCampaignEstimate);
}

export function useCampaignEstimateQuery(id: string, enabled: boolean) {
  return useQuery({
    queryKey: campaignKeys.estimate(id),
    queryFn: () => fetchCampaignEstimate(id),
    enabled,
    staleTime: 0,
  });
}
