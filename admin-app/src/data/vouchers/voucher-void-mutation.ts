import { callFunction } from '@easymo/client';
import { ZVoidVoucherResponse, type TVoidVoucherRequest } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { vouchersKeys } from './keys.ts';

/** `POST /admin/vouchers/:id/void`: cancel a voucher that was not redeemed, with the reason on record. */
export function voidVoucher({ id, ...request }: TVoidVoucherRequest & { id: string }) {
  return callFunction(supabase, `admin/vouchers/${encodeURIComponent(id)}/void`, ZVoidVoucherResponse, {
    method: 'POST',
    body: request,
  });
}

export function useVoucherVoidMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: voidVoucher,
    onSuccess: (_data, { id }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: vouchersKeys.detail(id) }),
        queryClient.invalidateQueries({ queryKey: vouchersKeys.lists() }),
      ]),
  });
}
