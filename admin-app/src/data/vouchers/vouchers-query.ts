import { callFunction } from '@easymo/client';
import { ZListVouchersResponse, type TListVouchersQuery, type TListVouchersResponse } from '@easymo/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { vouchersKeys } from './keys.ts';
import { toSearch } from './search.ts';

/** `GET /admin/vouchers`: one keyset page of the filtered, sorted set, and totals over all of it. */
export function fetchVouchers(query: TListVouchersQuery): Promise<TListVouchersResponse> {
  return callFunction(supabase, `admin/vouchers${toSearch(query)}`, ZListVouchersResponse);
}

export function useVouchersQuery(query: TListVouchersQuery) {
  // The previous page stays on screen (marked busy) while the next one loads.
  return useQuery({
    queryKey: vouchersKeys.list(query),
    queryFn: () => fetchVouchers(query),
    placeholderData: keepPreviousData,
  });
}
