import { callFunction } from '@easymo/client';
import { ZVoucherDetail, type TVoucherDetail } from '@easymo/contracts';
import { useQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { vouchersKeys } from './keys.ts';

/** `GET /admin/vouchers/:id`: the voucher, its event timeline, its audit rows, signed card and QR links. */
export function fetchVoucher(id: string): Promise<TVoucherDetail> {
  return callFunction(supabase, `admin/vouchers/${encodeURIComponent(id)}`, ZVoucherDetail);
}

export function useVoucherQuery(id: string) {
  return useQuery({ queryKey: vouchersKeys.detail(id), queryFn: () => fetchVoucher(id) });
}
