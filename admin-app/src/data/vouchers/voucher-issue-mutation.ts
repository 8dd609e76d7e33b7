import { callFunction } from '@easymo/client';
import { ZIssueVoucherResponse, type TIssueVoucherRequest, type TIssueVoucherResponse } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { vouchersKeys } from './keys.ts';

/** `POST /admin/vouchers`: issue one voucher (and send its card unless `send` is false). */
export function issueVoucher(request: TIssueVoucherRequest): Promise<TIssueVoucherResponse> {
  return callFunction(supabase, 'admin/vouchers', ZIssueVoucherResponse, { method: 'POST', body: request });
}

export function useVoucherIssueMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: issueVoucher,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: vouchersKeys.lists() }),
  });
}
