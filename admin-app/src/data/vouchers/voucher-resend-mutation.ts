import { callFunction } from '@easymo/client';
import { ZResendVoucherResponse, type TResendVoucherResponse } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { vouchersKeys } from './keys.ts';

/** `POST /admin/vouchers/:id/resend`: send the card on WhatsApp again (the route takes no body). */
export function resendVoucher(id: string): Promise<TResendVoucherResponse> {
  return callFunction(supabase, `admin/vouchers/${encodeURIComponent(id)}/resend`, ZResendVoucherResponse, {
    method: 'POST',
  });
}

export function useVoucherResendMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: resendVoucher,
    onSuccess: (_data, id) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: vouchersKeys.detail(id) }),
        queryClient.invalidateQueries({ queryKey: vouchersKeys.lists() }),
      ]),
  });
}
