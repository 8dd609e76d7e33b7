/**
 * A campaign's targets: status filter and number search in the URL (`?status=failed&q=788`),
 * newest activity first, a keyset page at a time ("Load more"). Each row says why it
 * failed (WhatsApp's code and message) or what it waits for and when it is tried next.
 * Failed targets can be put back in the queue, one or all, while the campaign runs or
 * is paused.
 */
import type { TCampaignTarget } from '@easymo/contracts';
import { CAMPAIGN_TARGET_STATUSES, type CampaignTargetStatus } from '@easymo/domain';
import { useCallback, useEffect, useState } from 'react';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { Pager } from '../../components/Pager.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/states.tsx';
import { useToast } from '../../components/Toaster.tsx';
import { useCampaignTargetsQuery } from '../../data/campaigns/campaign-targets-query.ts';
import { useCampaignTargetsRetryMutation } from '../../data/campaigns/campaign-targets-retry-mutation.ts';
import { errorMessage } from '../../lib/errors.ts';
import { formatCount, formatDateTime } from '../../lib/format.ts';
import { TARGET_STATUS_LABELS, waitingText } from './labels.ts';

export const TARGET_URL_KEYS = ['status', 'q'] as const;
export type TargetsUrl = Partial<Record<(typeof TARGET_URL_KEYS)[number], string>>;

const PAGE_SIZE = 50;
const NUMBER = /^\+?\d{2,15}$/;

/** The search as the API takes it: digits (and a leading +), spaces and dashes dropped. */
function numberQuery(text: string): string {
  return text.replace(/[\s().-]/g, '');
}

export function isTargetStatus(value: string | undefined): value is CampaignTargetStatus {
  return (CAMPAIGN_TARGET_STATUSES as readonly string[]).includes(value ?? '');
}

export function TargetsTable({
  campaignId,
  url,
  onFilter,
  canRetry,
  failed,
}: {
  campaignId: string;
  url: TargetsUrl;
  /** Must keep its identity between renders. */
  onFilter: (patch: TargetsUrl) => void;
  /** The campaign is running or paused and the role runs campaigns. */
  canRetry: boolean;
  /** Failed targets in the whole campaign (from its progress). */
  failed: number;
}) {
  const toast = useToast();
  const status = isTargetStatus(url.status) ? url.status : undefined;
  const q = url.q && NUMBER.test(url.q) ? url.q : undefined;
  const targets = useCampaignTargetsQuery(
    campaignId,
    { limit: PAGE_SIZE, ...(status ? { status } : {}), ...(q ? { q } : {}) },
    true,
  );
  const retry = useCampaignTargetsRetryMutation();
  const [retryingAll, setRetryingAll] = useState(false);
  const items = targets.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = status !== undefined || q !== undefined;

  function retryTargets(targetIds: string[] | undefined, done?: () => void) {
    retry.mutate(
      { id: campaignId, request: targetIds ? { target_ids: targetIds } : {} },
      {
        onSuccess: ({ retried }) => {
          toast.show(
            'success',
            retried === 0
              ? 'No failed target to retry'
              : `${formatCount(retried)} ${retried === 1 ? 'target' : 'targets'} back in the queue`,
          );
          done?.();
        },
        onError: (error) => {
          toast.show('error', `Not retried: ${errorMessage(error)}`);
          done?.();
        },
      },
    );
  }

  return (
    <section className="card campaign-targets" aria-labelledby="targets-title">
      <div className="row-between">
        <h2 id="targets-title">Targets</h2>
        {canRetry && failed > 0 && (
          <button type="button" className="secondary" disabled={retry.isPending} onClick={() => setRetryingAll(true)}>
            Retry failed ({formatCount(failed)})
          </button>
        )}
      </div>
      <form
        className="filters targets-filters"
        role="search"
        aria-label="Filter targets"
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          Status
          <select value={status ?? ''} onChange={(event) => onFilter({ status: event.target.value || undefined })}>
            <option value="">All</option>
            {CAMPAIGN_TARGET_STATUSES.map((s) => (
              <option key={s} value={s}>
                {TARGET_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <NumberSearch value={url.q} onChange={onFilter} />
        {filtered && (
          <button type="button" className="link" onClick={() => onFilter({ status: undefined, q: undefined })}>
            Clear filters
          </button>
        )}
      </form>

      {targets.isPending ? (
        <Loading label="Loading targets…" />
      ) : targets.isError ? (
        <ErrorNotice error={targets.error} onRetry={() => void targets.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filtered ? 'No target matches these filters' : 'No targets yet'}>
          {filtered ? 'Change or clear the filters to see more.' : null}
        </EmptyState>
      ) : (
        <>
          <div className="table-scroll">
            <table className="table compact targets-table" aria-busy={targets.isFetching} data-testid="targets-table">
              <caption className="visually-hidden">Targets, newest activity first</caption>
              <thead>
                <tr>
                  <th scope="col">Number</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Attempts
                  </th>
                  <th scope="col">Error</th>
                  <th scope="col">Waiting for</th>
                  <th scope="col">Sent</th>
                  <th scope="col">Last change</th>
                  {canRetry && (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {items.map((target) => (
                  <TargetRow
                    key={target.id}
                    target={target}
                    canRetry={canRetry}
                    busy={retry.isPending}
                    onRetry={() => retryTargets([target.id])}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <Pager shown={items.length} testId="targets-shown" pages={targets} />
        </>
      )}

      <ConfirmDialog
        open={retryingAll}
        title="Retry every failed target?"
        confirmLabel={`Retry ${formatCount(failed)} failed`}
        busy={retry.isPending}
        onConfirm={() => retryTargets(undefined, () => setRetryingAll(false))}
        onClose={() => setRetryingAll(false)}
      >
        <p>
          {formatCount(failed)} failed {failed === 1 ? 'target goes' : 'targets go'} back in the queue and{' '}
          {failed === 1 ? 'is' : 'are'} sent again, within quiet hours and the throttle. Numbers that opted out since
          are skipped.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function TargetRow({
  target,
  canRetry,
  busy,
  onRetry,
}: {
  target: TCampaignTarget;
  canRetry: boolean;
  busy: boolean;
  onRetry: () => void;
}) {
  const waiting = waitingText(target.waiting_for);
  return (
    <tr data-testid="target-row" data-status={target.status}>
      <td>
        <span className="target-number">{target.msisdn}</span>
      </td>
      <td>
        <span className={`chip target-${target.status}`}>{TARGET_STATUS_LABELS[target.status]}</span>
      </td>
      <td className="num">{formatCount(target.attempts)}</td>
      <td>
        {target.error_code || target.error_message ? (
          <span data-testid="target-error">
            {target.error_code && <code>{target.error_code}</code>} {target.error_message}
          </span>
        ) : (
          <span className="muted">–</span>
        )}
      </td>
      <td>
        {waiting ? (
          <span data-testid="target-waiting">
            {waiting}
            {target.next_attempt_at && (
              <span className="muted"> · next try {formatDateTime(target.next_attempt_at)}</span>
            )}
          </span>
        ) : target.next_attempt_at ? (
          <span className="muted">next try {formatDateTime(target.next_attempt_at)}</span>
        ) : (
          <span className="muted">–</span>
        )}
      </td>
      <td>{formatDateTime(target.sent_at)}</td>
      <td>{formatDateTime(target.last_update_at)}</td>
      {canRetry && (
        <td className="num">
          {target.status === 'failed' && (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              aria-label={`Retry ${target.msisdn}`}
              onClick={onRetry}
            >
              Retry
            </button>
          )}
        </td>
      )}
    </tr>
  );
}

/** The number search: committed to the URL after a pause in typing, once it is digits of a number. */
function NumberSearch({ value, onChange }: { value: string | undefined; onChange: (patch: TargetsUrl) => void }) {
  const [text, setText] = useState(value ?? '');
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    // The URL changed without typing (Back, Clear): show what it says.
    setSeen(value);
    setText(value ?? '');
  }
  const next = numberQuery(text.trim());
  const invalid = next !== '' && !NUMBER.test(next);
  const commit = useCallback((q: string | undefined) => onChange({ q }), [onChange]);
  useEffect(() => {
    if (invalid || next === (value ?? '')) return;
    const timer = setTimeout(() => commit(next || undefined), 350);
    return () => clearTimeout(timer);
  }, [next, invalid, value, commit]);

  return (
    <label>
      Number
      <input
        type="search"
        inputMode="tel"
        value={text}
        placeholder="e.g. 250788"
        aria-invalid={invalid ? true : undefined}
        aria-describedby="targets-q-help"
        onChange={(event) => setText(event.target.value)}
      />
      <span id="targets-q-help" className={invalid ? 'field-error' : 'muted'}>
        {invalid ? 'digits of a phone number (2 to 15)' : 'part of the number, in international form'}
      </span>
    </label>
  );
}
