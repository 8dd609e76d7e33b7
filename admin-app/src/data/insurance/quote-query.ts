import { callFunction } from '@easymo/client';
import { ZQuoteDetail, type TQuoteDetail } from '@easymo/contracts';
import { useQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { quoteKeys, quotePath } from './keys.ts';

/** `GET /admin/insurance-quotes/:id`: the quote, its documents (signed URLs for reviewers), OCR and history. */
export function fetchQuote(id: string): Promise<TQuoteDetail> {
  return callFunction(supabase, quotePath(id), ZQuoteDetail);
}

export function useQuoteQuery(id: string) {
  return useQuery({
    queryKey: quoteKeys.detail(id),
    queryFn: () => fetchQuote(id),
    // Document URLs are signed for a few minutes: fetch fresh ones before they lapse.
    refetchInterval: (q) => Math.max(30, (q.state.data?.urls_expire_in ?? 300) - 60) * 1000,
    refetchOnWindowFocus: true,
  });
}
