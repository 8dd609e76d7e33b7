/**
 * Filters, sort and page position live in the URL's query string, so a view can be
 * shared, bookmarked and reloaded, and the Back button undoes a filter change.
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'wouter';

export type UrlState<K extends string> = Partial<Record<K, string>>;

/**
 * The query-string values of `keys` and a setter. Setting a filter drops the page
 * cursor (`cursor`), because a cursor from another filter points nowhere useful.
 */
export function useUrlState<K extends string>(
  keys: readonly K[],
): [UrlState<K>, (patch: UrlState<K>, options?: { keepCursor?: boolean }) => void] {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => {
    const out: UrlState<K> = {};
    for (const key of keys) {
      const value = params.get(key);
      if (value !== null && value !== '') out[key] = value;
    }
    return out;
    // keys is a constant list per page
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params]);

  const update = useCallback(
    (patch: UrlState<K>, options: { keepCursor?: boolean } = {}) => {
      setParams((current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(patch) as [K, string | undefined][]) {
          if (value === undefined || value === '') next.delete(key);
          else next.set(key, value);
        }
        if (!options.keepCursor && !('cursor' in patch)) next.delete('cursor');
        return next;
      });
    },
    [setParams],
  );
  return [state, update];
}
