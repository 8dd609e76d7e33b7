/**
 * Query keys for vouchers. Every mutation invalidates through these, so a change shows
 * in the list, its totals and the open voucher at once.
 */
import type { TListVouchersQuery } from '@easymo/contracts';

export const vouchersKeys = {
  all: ['vouchers'] as const,
  lists: () => [...vouchersKeys.all, 'list'] as const,
  list: (query: TListVouchersQuery) => [...vouchersKeys.lists(), query] as const,
  details: () => [...vouchersKeys.all, 'detail'] as const,
  detail: (id: string) => [...vouchersKeys.details(), id] as const,
  bulkJob: (id: string) => [...vouchersKeys.all, 'bulk-job', id] as const,
  /** The stations a voucher can be filtered by or scoped to. */
};
