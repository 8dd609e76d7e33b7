import { callFunction } from '@easymo/client';
import { ZListCampaignsResponse, type TListCampaignsQuery, type TListCampaignsResponse } from '@easymo/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { toSearch } from '../vouchers/search.ts';
import { campaignKeys } from './keys.ts';

/** `GET /admin/campaigns?status=&q=`: every campaign matching, newest first, with its progress. */
export function fetchCampaigns(query: TListCampaignsQuery): Promise<TListCampaignsResponse> {
  return callFunction(supabase, `admin/campaigns${toSearch(query)}`, ZListCampaignsResponse);
}

export function useCampaignsQuery(query: TListCampaignsQuery) {
  return useQuery({
    queryKey: campaignKeys.list(query),
    queryFn: () => fetchCampaigns(query),
    placeholderData: keepPreviousData,
    // Running campaigns move while the list is open.
    refetchInterval: (q) => (q.state.data?.items.some((c) => c.status === 'running') ? 10_000 : false),
  });
}
