/**
 * One insurance quote under review: the driver and how long they have waited, the
 * documents (reviewers only: the docs bucket's policy) beside the OCR snapshot, the
 * decision (reviewers, while pending) or the decision taken, and the quote's history.
 */
import type { TQuoteDetail, TQuoteHistoryEntry } from '@easymo/contracts';
import { CHANGE_REASONS, reviewWait } from '@easymo/domain';
import { Link, useParams } from 'wouter';
import { EmptyState, ErrorNotice, Loading } from '../../components/states.tsx';
import { useQuoteQuery } from '../../data/insurance/quote-query.ts';
import { formatDateTime, formatRwf } from '../../lib/format.ts';
import { useCan } from '../../shell/access.tsx';
import { DecisionPanel } from './DecisionPanel.tsx';
import { DocumentViewer } from './DocumentViewer.tsx';
import { HISTORY_EVENT_LABELS, QUOTE_STATUS_LABELS, WAIT_TITLES } from './labels.ts';
import './insurance.css';

export function QuotePage() {
  const { id = '' } = useParams<{ id: string }>();
  const detail = useQuoteQuery(id);

  return (
    <div className="page quote-page">
      <p>
        <Link href="/insurance">← Insurance quotes</Link>
      </p>
      {detail.isPending ? (
        <Loading label="Loading the quote…" />
      ) : detail.isError ? (
        <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />
      ) : (
        <QuoteReview detail={detail.data} />
      )}
    </div>
  );
}

function QuoteReview({ detail }: { detail: TQuoteDetail }) {
  const { quote } = detail;
  const canDecide = useCan('quotes.review');
  const wait = quote.status === 'pending' ? reviewWait(new Date(quote.submitted_at), new Date()) : null;

  return (
    <>
      <header className="page-head">
        <h1>{quote.driver?.name ?? 'Unknown driver'}</h1>
        <span className="muted">{quote.driver?.msisdn}</span>
        <span className={`chip quote-${quote.status}`} data-testid="quote-status">
          {QUOTE_STATUS_LABELS[quote.status]}
        </span>
        {wait && (
          <span className={`chip wait-${wait.level}`} title={WAIT_TITLES[wait.level]}>
            waiting {wait.label}
          </span>
        )}
      </header>
      <p className="muted">
        Submitted {formatDateTime(quote.submitted_at)}
        {quote.submitted_at !== quote.created_at && ` (first on ${formatDateTime(quote.created_at)})`}
      </p>

      <div className="quote-layout">
        <div className="quote-documents">
          {detail.documents === null ? (
            <section className="card" aria-label="Documents" data-testid="documents-hidden">
              <h2>Documents</h2>
              <p className="muted">
                {quote.documents_count} {quote.documents_count === 1 ? 'document' : 'documents'} uploaded. Drivers’
                identity papers are visible to super admins and support only.
              </p>
            </section>
          ) : (
            <DocumentViewer documents={detail.documents} />
          )}
        </div>
        <div className="quote-side">
          <OcrSnapshot ocr={detail.ocr} />
          {quote.status === 'pending' ? (
            canDecide ? (
              // A new submission is a new decision: the form starts empty again.
              <DecisionPanel key={quote.submitted_at} quote={quote} />
            ) : (
              <section className="card" aria-label="Decision" data-testid="decision-readonly">
                <h2>Decision</h2>
                <p className="muted">Waiting for support. Your role can read quotes but not decide them.</p>
              </section>
            )
          ) : (
            <DecisionTaken detail={detail} />
          )}
          <History entries={detail.history} />
          <p>
            <Link href={`/audit?table=insurance_quotes&target=${encodeURIComponent(quote.id)}`}>
              This quote in the audit log
            </Link>
          </p>
        </div>
      </div>
    </>
  );
}

function OcrSnapshot({ ocr }: { ocr: TQuoteDetail['ocr'] }) {
  const entries = Object.entries(ocr ?? {});
  return (
    <section className="card" aria-label="OCR snapshot" data-testid="ocr-snapshot">
      <h2>Read from the documents</h2>
      {entries.length === 0 ? (
        <p className="muted">No OCR snapshot: compare with the documents by eye.</p>
      ) : (
        <dl className="facts ocr-facts">
          {entries.map(([key, value]) => (
            <div key={key}>
              <dt>{key.replace(/_/g, ' ')}</dt>
              <dd>{ocrValue(key, value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

function ocrValue(key: string, value: unknown): string {
  if (key === 'confidence' && typeof value === 'number' && value >= 0 && value <= 1)
    return `${Math.round(value * 100)}%`;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function DecisionTaken({ detail }: { detail: TQuoteDetail }) {
  const { quote } = detail;
  const by = quote.reviewed_by_email ?? 'an admin';
  return (
    <section className="card" aria-label="Decision" data-testid="decision-taken">
      <h2>Decision</h2>
      {quote.status === 'approved' ? (
        <p>
          Approved on {formatDateTime(quote.approved_at)} by {by}:{' '}
          <strong>{quote.premium === null ? '–' : formatRwf(quote.premium)}</strong> with{' '}
          <strong>{quote.insurer}</strong>.
          {quote.reviewer_comment && <span className="muted"> Note: {quote.reviewer_comment}</span>}
        </p>
      ) : (
        <>
          <p>
            Sent back by {by}: <strong>{quote.change_reason ? CHANGE_REASONS[quote.change_reason] : ''}</strong>.
          </p>
          <blockquote className="reviewer-comment">{quote.reviewer_comment}</blockquote>
          <p className="muted">Waiting for the driver to resubmit on WhatsApp.</p>
        </>
      )}
    </section>
  );
}

function History({ entries }: { entries: TQuoteHistoryEntry[] }) {
  return (
    <section className="card" aria-label="History" data-testid="quote-history">
      <h2>History</h2>
      {entries.length === 0 ? (
        <EmptyState title="No history">The audit log holds nothing for this quote.</EmptyState>
      ) : (
        <ol className="quote-history">
          {entries.map((entry, index) => (
            <li key={index} data-event={entry.event}>
              <strong>{HISTORY_EVENT_LABELS[entry.event]}</strong>{' '}
              <span className="muted">
                {formatDateTime(entry.at)} ·{' '}
                {entry.actor_email ?? (entry.actor_kind === 'service' ? 'WhatsApp' : entry.actor_kind)}
              </span>
              {entry.event === 'approved' && (
                <div>
                  {entry.premium === null ? '–' : formatRwf(entry.premium)} with {entry.insurer}
                </div>
              )}
              {entry.change_reason && <div>{CHANGE_REASONS[entry.change_reason]}</div>}
              {entry.comment && entry.event !== 'edited' && <div className="muted">“{entry.comment}”</div>}
              {entry.documents_added.length > 0 && (
                <div className="muted">
                  {entry.event === 'submitted' ? 'Documents: ' : 'New documents: '}
                  {entry.documents_added.map((path) => path.split('/').at(-1)).join(', ')}
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
