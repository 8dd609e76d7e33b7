/** Always visible: online or offline, how many redemptions wait, and for how long the oldest has. */
import { useLiveQuery } from 'dexie-react-hooks';
import { pendingRows } from '../db/outbox.ts';
import { db } from '../db/station-db.ts';
import { useNow, useOnline } from '../hooks.ts';
import { formatAge } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function SyncBadge({ onOpen }: { onOpen: () => void }) {
  const { t } = useI18n();
  const online = useOnline();
  const now = useNow();
  const pending = useLiveQuery(() => pendingRows(db), [], []);
  const oldest = pending[0];
  return (
    <button
      type="button"
      className={`sync-badge ${online ? 'is-online' : 'is-offline'}`}
      data-testid="sync-badge"
      data-pending={pending.length}
      onClick={onOpen}
    >
      <span className="dot" aria-hidden="true" />
      <span>{online ? t('online') : t('offline')}</span>
      <span aria-hidden="true">·</span>
      <span data-testid="pending-count">
        {pending.length === 0 ? t('all_synced') : t('pending_count', { count: pending.length })}
      </span>
      {oldest && <span className="muted">({t('oldest_pending', { age: formatAge(now - oldest.created_at) })})</span>}
    </button>
  );
}
