/**
 * Today's redemptions at this station: the server's record when online (every operator),
 * this device's synced rows when not.
 */
import type { THistoryResponse } from '@easymo/contracts';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { syncedSince } from '../db/outbox.ts';
import { db } from '../db/station-db.ts';
import { useOnline } from '../hooks.ts';
import { formatTime, startOfKigaliDay } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { fetchHistory } from '../station/api.ts';

type Item = { key: string; code5: string; amount: number | null; at: string; offline: boolean; ok: boolean };

export function HistoryScreen() {
  const { t, rwf, language } = useI18n();
  const online = useOnline();
  const since = startOfKigaliDay();
  const [server, setServer] = useState<THistoryResponse | undefined>();
  const local = useLiveQuery(() => syncedSince(db, since), [since], []);

  useEffect(() => {
    if (!online) return;
    let active = true;
    fetchHistory().then(
      (h) => active && setServer(h),
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, [online]);

  const items: Item[] = server
    ? server.items
        .filter((i) => Date.parse(i.received_at) >= since)
        .map((i) => ({
          key: i.idempotency_key,
          code5: i.code5,
          amount: i.amount,
          at: i.captured_at,
          offline: i.offline,
          ok: i.result_code === 'redeemed',
        }))
    : local.map((r) => ({
        key: r.id,
        code5: r.code5,
        amount: r.redemption?.amount ?? r.amount,
        at: r.captured_at,
        offline: r.offline,
        ok: true,
      }));
  const redeemed = items.filter((i) => i.ok);
  const total = redeemed.reduce((sum, i) => sum + (i.amount ?? 0), 0);

  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{t('history_title')}</h2>
      {items.length === 0 ? (
        <p className="empty">{t('history_empty')}</p>
      ) : (
        <>
          <p className="big-text" data-testid="history-total">
            {t('history_total', { count: redeemed.length, amount: rwf(total) })}
          </p>
          <ul className="rows" data-testid="history-list">
            {items.map((i) => (
              <li key={i.key} className={i.ok ? '' : 'muted'}>
                <span className="code">{i.code5}</span> · {i.amount !== null ? rwf(i.amount) : '—'} ·{' '}
                {formatTime(i.at, language)}
                {i.offline ? ' · ⏳' : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
