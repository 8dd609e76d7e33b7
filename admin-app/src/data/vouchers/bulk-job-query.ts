import { callFunction } from '@easymo/client';
import { ZBulkJob, type TBulkJob } from '@easymo/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { supabase } from '../../lib/supabase.ts';
import { vouchersKeys } from './keys.ts';

/** `GET /admin/vouchers/bulk/:id`: how far the scheduler has got with a bulk job. */
export function fetchBulkJob(id: string): Promise<TBulkJob> {
  return callFunction(supabase, `admin/vouchers/bulk/${encodeURIComponent(id)}`, ZBulkJob);
}

export function isBulkJobFinished(job: TBulkJob | undefined): boolean {
  return job?.status === 'done' || job?.status === 'failed';
}

/** Polls every second until the job is done or failed, then refreshes the voucher list once. */
export function useBulkJobQuery(id: string) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: vouchersKeys.bulkJob(id),
    queryFn: () => fetchBulkJob(id),
    refetchInterval: (q) => (isBulkJobFinished(q.state.data) ? false : 1000),
    staleTime: 0,
  });
  const status = query.data?.status;
  const processed = query.data?.processed;
  useEffect(() => {
    // Issued rows show in the list as the job goes, not only at its end.
    if (processed) void queryClient.invalidateQueries({ queryKey: vouchersKeys.lists() });
  }, [queryClient, processed, status]);
  return query;
}
