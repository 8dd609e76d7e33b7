import { callFunction } from '@easymo/client';
import {
  ZQuoteDetail,
  type TApproveQuoteRequest,
  type TQuoteDetail,
  type TRequestQuoteChangesRequest,
} from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { auditKeys } from '../audit/keys.ts';
import { dashboardKeys } from '../dashboard/keys.ts';
import { quoteKeys, quotePath } from './keys.ts';

export type QuoteDecision =
  | { id: string; decision: 'approve'; body: TApproveQuoteRequest }
  | { id: string; decision: 'request-changes'; body: TRequestQuoteChangesRequest };

/**
 * `POST /admin/insurance-quotes/:id/approve` or `/request-changes`. A quote someone else
 * decided meanwhile is a 409 `conflict`; the quote is refetched either way.
 */
export function decideQuote({ id, decision, body }: QuoteDecision): Promise<TQuoteDetail> {
  return callFunction(supabase, quotePath(id, decision), ZQuoteDetail, { method: 'POST', body });
}

export function useQuoteDecisionMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: decideQuote,
    onSuccess: (detail) => queryClient.setQueryData(quoteKeys.detail(detail.quote.id), detail),
    onSettled: (_data, _error, { id }) => {
      void queryClient.invalidateQueries({ queryKey: quoteKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: quoteKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
      void queryClient.invalidateQueries({ queryKey: dashboardKeys.all });
    },
  });
}
