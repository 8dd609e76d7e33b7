import { callFunction } from '@easymo/client';
import { ZAuditResponse, type TAuditQuery, type TAuditResponse } from '@easymo/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { auditKeys } from './keys.ts';

/** `GET /admin/audit?…`: one keyset page, newest first; `next_cursor` is null on the last page. */
export function fetchAudit(query: TAuditQuery): Promise<TAuditResponse> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return callFunction(supabase, `admin/audit${search ? `?${search}` : ''}`, ZAuditResponse);
}

/** The pages loaded so far for these filters; `fetchNextPage` follows the cursor ("Load more"). */
export function useAuditQuery(filters: Omit<TAuditQuery, 'cursor'>) {
  return useInfiniteQuery({
    queryKey: auditKeys.list(filters),
    queryFn: ({ pageParam }) => fetchAudit({ ...filters, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
