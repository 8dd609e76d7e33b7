/** The outbox as the operator sees it: waiting rows, and refusals that need a look. */
import { useLiveQuery } from 'dexie-react-hooks';
import { attentionRows, dismissAttention, pendingRows, syncedSince } from '../db/outbox.ts';
import { db, type OutboxRow } from '../db/station-db.ts';
import { useNow } from '../hooks.ts';
import { formatAge, formatTime, startOfKigaliDay } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { reasonText } from './reasons.ts';

export function QueueScreen({
  syncing,
  lastError,
  onSync,
}: {
  syncing: boolean;
  lastError: string | undefined;
  onSync: () => void;
}) {
  const i18n = useI18n();
  const { t, rwf, language } = i18n;
  const now = useNow();
  const pending = useLiveQuery(() => pendingRows(db), [], undefined);
  const attention = useLiveQuery(() => attentionRows(db), [], undefined);
  const since = startOfKigaliDay(now);
  const synced = useLiveQuery(() => syncedSince(db, since), [since], []);
  if (!pending || !attention) return <p aria-busy="true">{t('loading')}</p>;

  const describe = (row: OutboxRow) => (
    <>
      <span className="code">{row.code5}</span>
      {row.amount !== null && <span> · {rwf(row.amount)}</span>}
      <span className="muted">
        {' '}
        · {row.token ? t('scanned') : t('typed')} · {t('captured', { time: formatTime(row.captured_at, language) })}
      </span>
    </>
  );

  return (
    <section aria-labelledby="queue-title">
      <h2 id="queue-title">{t('queue_title')}</h2>
      <div className="row">
        <button type="button" className="big" onClick={onSync} disabled={syncing || pending.length === 0}>
          {syncing ? t('syncing') : t('sync_now')}
        </button>
      </div>
      {lastError && pending.length > 0 && (
        <p className="warning" role="status">
          {lastError === 'unauthorized' ? t('session_expired') : t('sync_failed', { reason: lastError })}
        </p>
      )}
      {pending.length === 0 && attention.length === 0 && <p className="empty">{t('queue_empty')}</p>}
      {attention.length > 0 && (
        <>
          <h3>{t('queue_attention')}</h3>
          <ul className="rows" data-testid="attention-list">
            {attention.map((row) => (
              <li key={row.id} className="row-attention" data-code={row.code5} data-reason={row.error?.code}>
                <div>{describe(row)}</div>
                <div className="reason">{reasonText(i18n, row.error?.code ?? 'unknown')}</div>
                <button type="button" className="secondary" onClick={() => void dismissAttention(db, row.id)}>
                  {t('dismiss')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {pending.length > 0 && (
        <>
          <h3>{t('queue_pending')}</h3>
          <ul className="rows" data-testid="pending-list">
            {pending.map((row) => (
              <li key={row.id} data-code={row.code5}>
                {describe(row)}
                <span className="muted"> · {formatAge(now - row.created_at)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {synced.length > 0 && (
        <>
          <h3>{t('queue_synced')}</h3>
          <ul className="rows" data-testid="synced-list">
            {synced.slice(0, 50).map((row) => (
              <li key={row.id} data-code={row.code5}>
                {describe({ ...row, amount: row.redemption?.amount ?? row.amount })}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
