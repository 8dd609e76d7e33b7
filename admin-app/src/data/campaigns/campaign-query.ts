import { callFunction } from '@easymo/client';
import { ZCampaign, type TCampaign } from '@easymo/contracts';
import { useQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { campaignKeys, campaignPath } from './keys.ts';

/** `GET /admin/campaigns/:id`: one campaign with its progress (null for roles that may not see targets). */
export function fetchCampaign(id: string): Promise<TCampaign> {
  return callFunction(supabase, campaignPath(id), ZCampaign);
}

/**
 * How often an open campaign is read again: every few seconds while it sends, less
 * often while paused (receipts of messages already sent still arrive), never once it is
 * done or still a draft.
 */
export function campaignPollInterval(campaign: TCampaign | undefined): number | false {
  if (campaign?.status === 'running') return 3_000;
  if (campaign?.status === 'paused') return 10_000;
  return false;
}

export function useCampaignQuery(id: string) {
  return useQuery({
    queryKey: campaignKeys.detail(id),
    queryFn: () => fetchCampaign(id),
    refetchInterval: (q) => campaignPollInterval(q.state.data),
    staleTime: 0,
  });
}
