/**
 * The audit log: every change to audited tables, newest first, filtered in the URL
 * (table, actor, action, days, target), older pages loaded on request. Each entry opens
 * to its before/after diff. Above it, the hash chain's state from the server: verified
 * up to its head, or the first broken row and why.
 */
import { AUDITED_TABLES, type TAuditEntry, type TAuditQuery } from '@easymo/contracts';
import { Fragment, useId, useState, type FormEvent } from 'react';
import { DiffViewer } from '../../components/DiffViewer.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/states.tsx';
import { useAuditQuery } from '../../data/audit/audit-query.ts';
import { useAuditVerifyQuery } from '../../data/audit/audit-verify-query.ts';
import { formatCount, formatDateTime } from '../../lib/format.ts';
import { useUrlState, type UrlState } from '../../lib/url-state.ts';

const FILTER_KEYS = ['table', 'actor', 'action', 'from', 'to', 'target'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type Filters = UrlState<FilterKey>;

const ACTIONS = ['insert', 'update', 'delete'] as const;
const ACTION_LABEL: Record<string, string> = { insert: 'Created', update: 'Changed', delete: 'Deleted' };
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Days are Kigali days: from its first instant, to (inclusive) the first instant of the next. */
function kigaliDayStart(day: string): string {
  return new Date(`${day}T00:00:00+02:00`).toISOString();
}

export function toAuditQuery(filters: Filters): Omit<TAuditQuery, 'cursor'> {
  const query: Omit<TAuditQuery, 'cursor'> = {};
  if (filters.table && (AUDITED_TABLES as readonly string[]).includes(filters.table)) {
    query.table = filters.table as (typeof AUDITED_TABLES)[number];
  }
  if (filters.actor) query.actor = filters.actor;
  if (filters.action && (ACTIONS as readonly string[]).includes(filters.action)) {
    query.action = filters.action as (typeof ACTIONS)[number];
  }
  if (filters.target) query.target_id = filters.target;
  if (filters.from && DAY.test(filters.from)) query.from = kigaliDayStart(filters.from);
  if (filters.to && DAY.test(filters.to)) {
    query.to = new Date(new Date(kigaliDayStart(filters.to)).getTime() + DAY_MS).toISOString();
  }
  return query;
}

export function AuditPage() {
  const [filters, setFilters] = useUrlState(FILTER_KEYS);
  const query = toAuditQuery(filters);
  const audit = useAuditQuery(query);
  const entries = audit.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Object.keys(filters).length > 0;

  return (
    <div className="page">
      <header className="page-head">
        <h1>Audit log</h1>
        <span className="muted">Every change to vouchers, campaigns, settings, roles and operators, newest first.</span>
      </header>

      <ChainStatus />

      <AuditFilters key={JSON.stringify(filters)} filters={filters} onApply={(next) => setFilters(next)} />

      {audit.isPending ? (
        <Loading label="Loading the audit log…" />
      ) : audit.isError ? (
        <ErrorNotice error={audit.error} onRetry={() => void audit.refetch()} />
      ) : entries.length === 0 ? (
        <EmptyState title={filtered ? 'No entry matches these filters' : 'The audit log is empty'}>
          {filtered && (
            <button type="button" className="link" onClick={() => setFilters(clearAll)}>
              Clear the filters
            </button>
          )}
        </EmptyState>
      ) : (
        <section className="card" aria-label="Audit entries">
          <AuditTable entries={entries} onTarget={(table, target) => setFilters({ ...clearAll, table, target })} />
          <div className="pager">
            <span className="muted" data-testid="audit-count">
              {formatCount(entries.length)} {entries.length === 1 ? 'entry' : 'entries'}
              {audit.hasNextPage ? ' so far' : ''}
            </span>
            {audit.hasNextPage ? (
              <button
                type="button"
                className="secondary"
                disabled={audit.isFetchingNextPage}
                onClick={() => void audit.fetchNextPage()}
              >
                {audit.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
              </button>
            ) : (
              <span className="muted">End of the log.</span>
            )}
          </div>
        </section>
      )}
    </div>
  );
}

const clearAll: Filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined]));

function AuditFilters({ filters, onApply }: { filters: Filters; onApply: (next: Filters) => void }) {
  const id = useId();
  const [draft, setDraft] = useState<Filters>(filters);
  const set = (key: FilterKey, value: string) => setDraft((d) => ({ ...d, [key]: value.trim() || undefined }));
  const badRange = draft.from && draft.to && draft.from > draft.to;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (badRange) return;
    onApply({ ...clearAll, ...draft });
  }

  // Choices from lists apply at once; typed text applies with the button (or Enter).
  function choose(key: FilterKey, value: string) {
    const next = { ...draft, [key]: value || undefined };
    setDraft(next);
    if (!(next.from && next.to && next.from > next.to)) onApply({ ...clearAll, ...next });
  }

  return (
    <form className="filters card" onSubmit={submit} aria-label="Filter the audit log">
      <label>
        Table
        <select value={draft.table ?? ''} onChange={(e) => choose('table', e.target.value)}>
          <option value="">All tables</option>
          {AUDITED_TABLES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        Action
        <select value={draft.action ?? ''} onChange={(e) => choose('action', e.target.value)}>
          <option value="">Any action</option>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {ACTION_LABEL[a]} ({a})
            </option>
          ))}
        </select>
      </label>
      <label>
        Actor email
        <input
          type="search"
          placeholder="someone@easymo…"
          value={draft.actor ?? ''}
          onChange={(e) => set('actor', e.target.value)}
        />
      </label>
      <label>
        Target id
        <input type="search" value={draft.target ?? ''} onChange={(e) => set('target', e.target.value)} />
      </label>
      <label>
        From
        <input
          type="date"
          value={draft.from ?? ''}
          aria-invalid={badRange ? true : undefined}
          aria-describedby={`${id}-range`}
          onChange={(e) => choose('from', e.target.value)}
        />
      </label>
      <label>
        To
        <input
          type="date"
          value={draft.to ?? ''}
          aria-invalid={badRange ? true : undefined}
          aria-describedby={`${id}-range`}
          onChange={(e) => choose('to', e.target.value)}
        />
      </label>
      <div className="filter-actions">
        <button type="submit">Apply</button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setDraft({});
            onApply(clearAll);
          }}
        >
          Clear
        </button>
      </div>
      <span id={`${id}-range`} className="field-error filter-message">
        {badRange ? '"From" must be on or before "To".' : ''}
      </span>
    </form>
  );
}

function splitDiff(diff: unknown): { before: unknown; after: unknown } {
  if (typeof diff !== 'object' || diff === null) return { before: null, after: null };
  const d = diff as { before?: unknown; after?: unknown };
  return { before: d.before ?? null, after: d.after ?? null };
}

function AuditTable({
  entries,
  onTarget,
}: {
  entries: TAuditEntry[];
  onTarget: (table: string, target: string) => void;
}) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((all) => {
      const next = new Set(all);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <table className="table audit-table">
      <thead>
        <tr>
          <th scope="col">When (Kigali)</th>
          <th scope="col">Who</th>
          <th scope="col">Action</th>
          <th scope="col">Table</th>
          <th scope="col">Target</th>
          <th scope="col">
            <span className="visually-hidden">Changes</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => {
          const expanded = open.has(entry.id);
          const { before, after } = splitDiff(entry.diff);
          return (
            <Fragment key={entry.id}>
              <tr data-testid="audit-entry" className={expanded ? 'audit-open' : undefined}>
                <td>
                  {formatDateTime(entry.created_at)}
                  {entry.seq !== null && <div className="muted">#{entry.seq}</div>}
                </td>
                <td>
                  {entry.actor_email ?? <span className="muted">{entry.actor_kind}</span>}
                  {entry.actor_email && entry.actor_kind !== 'user' && <div className="muted">{entry.actor_kind}</div>}
                </td>
                <td>
                  <span className={`chip action-${entry.action}`}>{ACTION_LABEL[entry.action] ?? entry.action}</span>
                </td>
                <td>{entry.target_table}</td>
                <td className="audit-target">
                  {entry.target_id ? (
                    <button
                      type="button"
                      className="link"
                      title="Show only this target's entries"
                      onClick={() => onTarget(entry.target_table, entry.target_id ?? '')}
                    >
                      <code>{entry.target_id}</code>
                    </button>
                  ) : (
                    <span className="muted">–</span>
                  )}
                </td>
                <td className="num">
                  <button
                    type="button"
                    className="secondary"
                    aria-expanded={expanded}
                    aria-controls={`diff-${entry.id}`}
                    onClick={() => toggle(entry.id)}
                  >
                    {expanded ? 'Hide changes' : 'Show changes'}
                  </button>
                </td>
              </tr>
              {expanded && (
                <tr className="audit-diff-row">
                  <td colSpan={6} id={`diff-${entry.id}`}>
                    <DiffViewer before={before} after={after} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

function ChainStatus() {
  const verify = useAuditVerifyQuery();
  const again = (
    <button type="button" className="secondary" disabled={verify.isFetching} onClick={() => void verify.refetch()}>
      {verify.isFetching ? 'Verifying…' : 'Verify again'}
    </button>
  );

  if (verify.isPending) {
    return (
      <section className="card chain" aria-label="Audit chain">
        <Loading label="Verifying the audit chain…" />
      </section>
    );
  }
  if (verify.isError) {
    return (
      <section className="card chain chain-broken" aria-label="Audit chain">
        <ErrorNotice error={verify.error} />
        {again}
      </section>
    );
  }
  const v = verify.data;
  if (v.ok) {
    return (
      <section className="card chain chain-ok" aria-label="Audit chain" data-testid="chain-status">
        <div>
          <h2>
            <span aria-hidden="true">✓ </span>Chain verified
          </h2>
          <p>
            All {formatCount(v.rows_checked)} {v.rows_checked === 1 ? 'row links' : 'rows link'} to the one before: no
            entry was changed or removed.
            {v.head && (
              <>
                {' '}
                Head <strong>#{v.head.seq}</strong> <code title={v.head.hash}>{v.head.hash.slice(0, 16)}…</code>
              </>
            )}
          </p>
          <p className="muted">Checked {formatDateTime(v.checked_at)}</p>
        </div>
        {again}
      </section>
    );
  }
  return (
    <section className="card chain chain-broken" role="alert" aria-label="Audit chain" data-testid="chain-status">
      <div>
        <h2>
          <span aria-hidden="true">✗ </span>Chain broken
          {v.first_broken_seq !== null && <> at row #{v.first_broken_seq}</>}
        </h2>
        <p>
          <strong>{v.problem ?? 'A row does not match the hash chain.'}</strong>
        </p>
        <p>
          The log may have been altered from this row on ({formatCount(v.rows_checked)} rows checked).
          {v.first_broken_id && (
            <>
              {' '}
              Row id <code>{v.first_broken_id}</code>.
            </>
          )}
        </p>
        <p className="muted">Checked {formatDateTime(v.checked_at)}</p>
      </div>
      {again}
    </section>
  );
}
