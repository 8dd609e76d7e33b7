/** Query keys for insurance quotes: the queue by filter, one quote with its documents and history. */
import type { TListQuotesQuery } from '@easymo/contracts';

export const quoteKeys = {
  all: ['insurance-quotes'] as const,
  lists: () => [...quoteKeys.all, 'list'] as const,
  list: (query: Omit<TListQuotesQuery, 'cursor'>) => [...quoteKeys.lists(), query] as const,
  details: () => [...quoteKeys.all, 'detail'] as const,
  detail: (id: string) => [...quoteKeys.details(), id] as const,
};

/** `admin/insurance-quotes/<id>` with the id encoded, and an optional sub-path. */
export function quotePath(id: string, rest = ''): string {
  return `admin/insurance-quotes/${encodeURIComponent(id)}${rest ? `/${rest}` : ''}`;
}
