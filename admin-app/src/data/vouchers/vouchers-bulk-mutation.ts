import { callFunction } from '@easymo/client';
import { ZBulkDryRunResponse, ZBulkJob, type TBulkDryRunResponse, type TBulkJob } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { vouchersKeys } from './keys.ts';

export interface BulkOptions {
  campaign_id: string | null;
  send: boolean;
}

/** `POST /admin/vouchers/bulk` with `dry_run`: every bad row of the CSV; nothing changes. */
export function checkBulkCsv(csv: string, options: BulkOptions): Promise<TBulkDryRunResponse> {
  return callFunction(supabase, 'admin/vouchers/bulk', ZBulkDryRunResponse, {
    method: 'POST',
    body: { csv, dry_run: true, ...options },
  });
}

/** `POST /admin/vouchers/bulk`: start the job (the server refuses a CSV with any bad row). */
export function startBulkIssue(csv: string, options: BulkOptions): Promise<TBulkJob> {
  return callFunction(supabase, 'admin/vouchers/bulk', ZBulkJob, {
    method: 'POST',
    body: { csv, dry_run: false, ...options },
  });
}

export function useVouchersBulkCheckMutation() {
  return useMutation({
    mutationFn: ({ csv, options }: { csv: string; options: BulkOptions }) => checkBulkCsv(csv, options),
  });
}

export function useVouchersBulkIssueMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ csv, options }: { csv: string; options: BulkOptions }) => startBulkIssue(csv, options),
    onSuccess: (job) => queryClient.setQueryData(vouchersKeys.bulkJob(job.id), job),
  });
}
