/** The foot of a keyset-paged table: how many rows are shown, and "Load more" while the server has more. */
import { formatCount } from '../lib/format.ts';

export function Pager({
  shown,
  testId,
  pages,
}: {
  shown: number;
  /** `data-testid` of the count. */
  testId: string;
  /** The infinite query's paging state. */
  pages: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
}) {
  return (
    <div className="pager">
      <span className="muted" data-testid={testId}>
        {formatCount(shown)} shown
      </span>
      {pages.hasNextPage && (
        <button
          type="button"
          className="secondary"
          disabled={pages.isFetchingNextPage}
          onClick={() => void pages.fetchNextPage()}
        >
          {pages.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}
