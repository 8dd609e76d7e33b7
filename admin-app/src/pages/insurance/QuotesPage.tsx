/**
 * Insurance quotes: the review queue. Pending quotes come first, each oldest submission
 * first, with how long the driver has waited against the 24-hour SLA; filters (status,
 * insurer, driver number) live in the URL. A quote opens on its own review page.
 */
import { ZDriverNumberSearch, type TListQuotesQuery, type TQuoteStatus } from '@easymo/contracts';
import { INSURERS, reviewWait } from '@easymo/domain';
import { useCallback, useMemo } from 'react';
import { Link, useLocation } from 'wouter';
import { Pager } from '../../components/Pager.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/states.tsx';
import { useQuotesQuery } from '../../data/insurance/quotes-query.ts';
import { formatCount, formatDateTime, formatRwf } from '../../lib/format.ts';
import { useUrlState } from '../../lib/url-state.ts';
import { QUOTE_STATUS_LABELS, WAIT_TITLES } from './labels.ts';
import './insurance.css';

const URL_KEYS = ['status', 'insurer', 'q'] as const;
const STATUSES = Object.keys(QUOTE_STATUS_LABELS) as TQuoteStatus[];

const isStatus = (value: string | undefined): value is TQuoteStatus =>
  (STATUSES as readonly string[]).includes(value ?? '');

export function QuotesPage() {
  const [url, setUrl] = useUrlState(URL_KEYS);
  const [, navigate] = useLocation();
  const search = useCallback((q: string) => setUrl({ q }), [setUrl]);
  const typed = url.q?.trim() ?? '';
  // The contract's own check: the server would refuse anything else with a 400.
  const badSearch = typed !== '' && !ZDriverNumberSearch.safeParse(typed).success;

  const query = useMemo(() => {
    const out: Omit<TListQuotesQuery, 'cursor'> = {};
    if (isStatus(url.status)) out.status = url.status;
    if (url.insurer) out.insurer = url.insurer.slice(0, 80);
    if (typed && !badSearch) out.q = typed;
    return out;
  }, [url, typed, badSearch]);
  const quotes = useQuotesQuery(query);
  const filtered = Object.keys(query).length > 0;
  const items = quotes.data?.pages.flatMap((page) => page.items) ?? [];
  const counts = quotes.data?.pages[0]?.counts;
  const now = new Date();

  return (
    <div className="page quotes-page">
      <header className="page-head">
        <h1>Insurance quotes</h1>
        {counts && (
          <span className="muted" data-testid="quotes-counts">
            {formatCount(counts.pending)} pending · {formatCount(counts.needs_changes)} waiting for the driver ·{' '}
            {formatCount(counts.approved)} approved
          </span>
        )}
      </header>

      <form
        className="filters card"
        role="search"
        aria-label="Filter quotes"
        onSubmit={(event) => event.preventDefault()}
      >
        <SearchBox label="Driver number" placeholder="e.g. 0788 100 002" value={url.q ?? ''} onChange={search} />
        <label>
          Status
          <select value={url.status ?? ''} onChange={(event) => setUrl({ status: event.target.value })}>
            <option value="">All (pending first)</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {QUOTE_STATUS_LABELS[status]}
                {counts ? ` (${formatCount(counts[status])})` : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Insurer
          <select value={url.insurer ?? ''} onChange={(event) => setUrl({ insurer: event.target.value })}>
            <option value="">Any</option>
            {INSURERS.map((insurer) => (
              <option key={insurer} value={insurer}>
                {insurer}
              </option>
            ))}
          </select>
        </label>
        {(filtered || badSearch) && (
          <button
            type="button"
            className="link"
            onClick={() => setUrl({ status: undefined, insurer: undefined, q: undefined })}
          >
            Clear filters
          </button>
        )}
      </form>
      {badSearch && (
        <p className="field-error" role="alert">
          Search by at least 3 digits of the driver’s number.
        </p>
      )}

      {quotes.isPending ? (
        <Loading label="Loading quotes…" />
      ) : quotes.isError ? (
        <ErrorNotice error={quotes.error} onRetry={() => void quotes.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filtered ? 'No quote matches' : 'No insurance quotes yet'}>
          {filtered
            ? 'Try another number, or clear the filters.'
            : 'Requests drivers send on WhatsApp appear here, oldest first.'}
        </EmptyState>
      ) : (
        <section className="card table-card" aria-label="Quotes" aria-busy={quotes.isFetching}>
          <div className="table-scroll">
            <table className="table quotes-table" data-testid="quotes-table">
              <caption className="visually-hidden">
                Insurance quotes, pending first, oldest submission first. Open one to review it.
              </caption>
              <thead>
                <tr>
                  <th scope="col">Driver</th>
                  <th scope="col">Status</th>
                  <th scope="col">Submitted</th>
                  <th scope="col">Waiting</th>
                  <th scope="col">Insurer</th>
                  <th scope="col" className="num">
                    Premium
                  </th>
                  <th scope="col" className="num">
                    Documents
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((quote) => {
                  const wait = quote.status === 'pending' ? reviewWait(new Date(quote.submitted_at), now) : null;
                  return (
                    <tr
                      key={quote.id}
                      className="clickable"
                      data-testid="quote-row"
                      data-status={quote.status}
                      onClick={() => navigate(`/insurance/${quote.id}`)}
                    >
                      <td>
                        <Link
                          href={`/insurance/${quote.id}`}
                          className="row-link"
                          onClick={(event) => event.stopPropagation()}
                        >
                          {quote.driver?.name ?? 'Unknown driver'}
                        </Link>
                        <div className="muted">{quote.driver?.msisdn ?? '–'}</div>
                      </td>
                      <td>
                        <span className={`chip quote-${quote.status}`}>{QUOTE_STATUS_LABELS[quote.status]}</span>
                      </td>
                      <td>{formatDateTime(quote.submitted_at)}</td>
                      <td>
                        {wait ? (
                          <span
                            className={`chip wait-${wait.level}`}
                            title={WAIT_TITLES[wait.level]}
                            data-testid="quote-wait"
                          >
                            {wait.label}
                          </span>
                        ) : (
                          <span className="muted">–</span>
                        )}
                      </td>
                      <td>{quote.insurer ?? <span className="muted">–</span>}</td>
                      <td className="num">{quote.premium === null ? '–' : formatRwf(quote.premium)}</td>
                      <td className="num">{formatCount(quote.documents_count)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager shown={items.length} testId="quotes-shown" pages={quotes} />
        </section>
      )}
    </div>
  );
}
