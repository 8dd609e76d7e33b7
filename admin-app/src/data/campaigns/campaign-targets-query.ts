import { callFunction } from '@easymo/client';
import { ZListTargetsResponse, type TListTargetsQuery, type TListTargetsResponse } from '@easymo/contracts';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { toSearch } from '../vouchers/search.ts';
import { campaignKeys, campaignPath } from './keys.ts';

/** `GET /admin/campaigns/:id/targets`: one keyset page of the filtered targets. */
export function fetchCampaignTargets(id: string, query: TListTargetsQuery): Promise<TListTargetsResponse> {
  return callFunction(supabase, `${campaignPath(id, 'targets')}${toSearch(query)}`, ZListTargetsResponse);
}

/** The filtered targets, a page at a time: "Load more" appends the next keyset page. */
export function useCampaignTargetsQuery(id: string, query: Omit<TListTargetsQuery, 'cursor'>, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: campaignKeys.targetList(id, query),
    queryFn: ({ pageParam }) => fetchCampaignTargets(id, { ...query, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
    enabled,
  });
}
