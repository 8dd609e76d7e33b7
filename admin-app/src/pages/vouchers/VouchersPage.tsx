/**
 * Vouchers: the filtered list with totals and keyset pages, one voucher in a drawer,
 * issuing one or many (CSV), and the CSV export of the filtered set. Everything that
 * defines the view is in the URL (filters, sort, page, open voucher, bulk job), so it
 * survives a reload and can be shared.
 */
import { ApiError } from '@easymo/client';
import { useCallback, useMemo, useState } from 'react';
import { EmptyState, ErrorNotice, Loading } from '../../components/states.tsx';
import { useToast } from '../../components/Toaster.tsx';
import { useStationsQuery } from '../../data/stations/stations-query.ts';
import { fetchVouchersCsv } from '../../data/vouchers/vouchers-export.ts';
import { useVouchersQuery } from '../../data/vouchers/vouchers-query.ts';
import { errorMessage } from '../../lib/errors.ts';
import { formatCount, formatRwf } from '../../lib/format.ts';
import { useUrlState } from '../../lib/url-state.ts';
import { useCan } from '../../shell/access.tsx';
import { BulkIssueDialog } from './BulkIssueDialog.tsx';
import { IssueVoucherDialog } from './IssueVoucherDialog.tsx';
import {
  backStack,
  dirOf,
  filterOf,
  hasFilters,
  isUuid,
  kigaliToday,
  listQueryOf,
  sortOf,
  VOUCHER_URL_KEYS,
  type VoucherSort,
  type VoucherUrl,
} from './url.ts';
import { VoucherDrawer, type StationNames } from './VoucherDrawer.tsx';
import { VoucherFilters } from './VoucherFilters.tsx';
import { VouchersTable } from './VouchersTable.tsx';

/** Hands a text to the browser as a downloaded file. */
function download(text: string, fileName: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function VouchersPage() {
  const [url, setUrl] = useUrlState(VOUCHER_URL_KEYS);
  const toast = useToast();
  const canIssue = useCan('vouchers.issue');
  const [issuing, setIssuing] = useState(false);
  const [exporting, setExporting] = useState(false);

  const query = useMemo(() => listQueryOf(url), [url]);
  const list = useVouchersQuery(query);
  const stationList = useStationsQuery({});
  const stations = useMemo(
    () => (stationList.data ? [...stationList.data.items].sort((a, b) => a.name.localeCompare(b.name)) : null),
    [stationList.data],
  );
  const stationNames: StationNames = useMemo(() => new Map((stations ?? []).map((s) => [s.id, s])), [stations]);

  const sort = sortOf(url);
  const dir = dirOf(url);
  const back = backStack(url);

  // A filter or sort change starts again at the first page (useUrlState drops the cursor).
  const onFilter = useCallback((patch: VoucherUrl) => setUrl({ ...patch, back: undefined }), [setUrl]);
  const onSort = (column: VoucherSort) =>
    setUrl({
      sort: column === 'issued_at' ? undefined : column,
      dir: column === sort ? (dir === 'desc' ? 'asc' : undefined) : undefined,
      back: undefined,
    });
  const openVoucher = useCallback((id: string) => setUrl({ voucher: id }, { keepCursor: true }), [setUrl]);
  const voucherId = url.voucher && isUuid(url.voucher) ? url.voucher : undefined;
  const closeVoucher = useCallback(() => {
    setUrl({ voucher: undefined }, { keepCursor: true });
    // Back to the row it was opened from, so keyboard users keep their place.
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`tr[data-voucher-id="${voucherId}"]`)?.focus());
  }, [setUrl, voucherId]);
  const setBulk = useCallback((value: string | undefined) => setUrl({ bulk: value }, { keepCursor: true }), [setUrl]);

  function next(cursor: string) {
    setUrl({ cursor, back: url.cursor ? [...back, url.cursor].join('.') : url.back });
  }
  function previous() {
    const stack = [...back];
    const cursor = stack.pop();
    setUrl({ cursor, back: stack.join('.') || undefined });
  }

  async function exportCsv() {
    setExporting(true);
    try {
      const csv = await fetchVouchersCsv(filterOf(url));
      download(csv, `vouchers-${kigaliToday()}.csv`, 'text/csv;charset=utf-8');
    } catch (error) {
      toast.show('error', `Export failed: ${errorMessage(error)}`);
    } finally {
      setExporting(false);
    }
  }

  const bulkJob = url.bulk && isUuid(url.bulk) ? url.bulk : null;
  const badCursor = list.error instanceof ApiError && list.error.code === 'invalid_request' && Boolean(url.cursor);

  return (
    <div className="page vouchers-page">
      <header className="page-head">
        <h1>Vouchers</h1>
        <div className="actions">
          <button type="button" className="secondary" disabled={exporting} onClick={() => void exportCsv()}>
            {exporting ? 'Exporting…' : 'Export CSV'}
          </button>
          {canIssue && (
            <>
              <button type="button" className="secondary" onClick={() => setBulk('new')}>
                Bulk issue (CSV)
              </button>
              <button type="button" onClick={() => setIssuing(true)}>
                Issue voucher
              </button>
            </>
          )}
        </div>
      </header>

      <VoucherFilters url={url} stations={stations} onChange={onFilter} />

      {list.isPending ? (
        <Loading label="Loading vouchers…" />
      ) : list.isError ? (
        badCursor ? (
          <div role="alert" className="card error-card">
            <p>This page position no longer applies (the link is old or was made for another sort).</p>
            <button type="button" className="secondary" onClick={() => setUrl({ cursor: undefined, back: undefined })}>
              Go to the first page
            </button>
          </div>
        ) : (
          <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
        )
      ) : (
        <section className="card vouchers-card" aria-label="Vouchers">
          <div className="row-between vouchers-summary">
            <p className="totals" data-testid="vouchers-totals" aria-live="polite">
              <strong data-testid="vouchers-count">{formatCount(list.data.totals.count)}</strong>{' '}
              {list.data.totals.count === 1 ? 'voucher' : 'vouchers'} ·{' '}
              <strong data-testid="vouchers-amount">{formatRwf(list.data.totals.amount)}</strong>
              {hasFilters(url) && <span className="muted"> (filtered)</span>}
            </p>
            {list.isFetching && <span className="muted">Updating…</span>}
          </div>
          {list.data.items.length === 0 ? (
            <EmptyState title={hasFilters(url) ? 'No voucher matches these filters' : 'No vouchers yet'}>
              {url.cursor
                ? 'This page is empty.'
                : hasFilters(url)
                  ? 'Change or clear the filters to see more.'
                  : canIssue
                    ? 'Issue one, or many from a CSV file.'
                    : null}
            </EmptyState>
          ) : (
            <VouchersTable
              items={list.data.items}
              sort={sort}
              dir={dir}
              onSort={onSort}
              selectedId={voucherId}
              onOpen={openVoucher}
              stations={stationNames}
              busy={list.isPlaceholderData}
            />
          )}
          <nav className="pager" aria-label="Pages">
            <button type="button" className="secondary" disabled={!url.cursor} onClick={previous}>
              Previous
            </button>
            <button
              type="button"
              className="secondary"
              disabled={!list.data.next_cursor || list.isPlaceholderData}
              onClick={() => list.data.next_cursor && next(list.data.next_cursor)}
            >
              Next
            </button>
          </nav>
        </section>
      )}

      {canIssue && (
        <IssueVoucherDialog
          open={issuing}
          stations={stations}
          onClose={() => setIssuing(false)}
          onIssued={(id) => {
            setIssuing(false);
            openVoucher(id);
          }}
        />
      )}

      {canIssue && (
        <BulkIssueDialog
          open={Boolean(url.bulk)}
          jobId={bulkJob}
          onClose={() => setBulk(undefined)}
          onStarted={(id) => setBulk(id)}
          onAnother={() => setBulk('new')}
        />
      )}
      {/* Last, so its focus wins over a dialog that closes in the same update. */}
      {voucherId && <VoucherDrawer key={voucherId} id={voucherId} stations={stationNames} onClose={closeVoucher} />}
    </div>
  );
}
