import { callFunction } from '@easymo/client';
import { ZListQuotesResponse, type TListQuotesQuery, type TListQuotesResponse } from '@easymo/contracts';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { toSearch } from '../vouchers/search.ts';
import { quoteKeys } from './keys.ts';

/** `GET /admin/insurance-quotes`: one keyset page of the queue (pending first, oldest submission first). */
export function fetchQuotes(query: TListQuotesQuery): Promise<TListQuotesResponse> {
  return callFunction(supabase, `admin/insurance-quotes${toSearch(query)}`, ZListQuotesResponse);
}

/** The filtered queue, a page at a time: "Load more" appends the next keyset page. */
export function useQuotesQuery(query: Omit<TListQuotesQuery, 'cursor'>) {
  return useInfiniteQuery({
    queryKey: quoteKeys.list(query),
    queryFn: ({ pageParam }) => fetchQuotes({ ...query, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
    // New requests arrive from WhatsApp while support works the queue.
    refetchInterval: 30_000,
  });
}
