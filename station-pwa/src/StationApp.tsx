/**
 * The signed-in station: loads its config (cached for offline use), keeps the outbox
 * syncing, and walks the operator through present → check → redeem → outcome.
 */
import type { TStationConfig } from '@easymo/contracts';
import { offlineRefusal } from '@easymo/domain';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CodeEntry } from './components/CodeEntry.tsx';
import { SyncBadge } from './components/SyncBadge.tsx';
import { UpdatePrompt } from './components/UpdatePrompt.tsx';
import { enqueueRedemption, pendingRows } from './db/outbox.ts';
import { db } from './db/station-db.ts';
import { useI18n } from './i18n/i18n.tsx';
import { HistoryScreen } from './screens/HistoryScreen.tsx';
import { OutcomeScreen, type Outcome } from './screens/OutcomeScreen.tsx';
import { QueueScreen } from './screens/QueueScreen.tsx';
import { SettingsScreen } from './screens/SettingsScreen.tsx';
import type { Operator } from './session.ts';
import { VoucherScreen } from './screens/VoucherScreen.tsx';
import { fetchConfig, isNetworkError, lookup, syncTransport } from './station/api.ts';
import { cachedConfig, saveConfig } from './station/config.ts';
import { judgePresented, shownFacts, type Presented, type Shown } from './station/judge.ts';
import { SyncRunner, type SyncReport } from './sync/sync-engine.ts';

const ScanScreen = lazy(() => import('./screens/ScanScreen.tsx'));

type Tab = 'home' | 'queue' | 'history' | 'settings';
type Flow =
  | { step: 'idle' }
  | { step: 'scan' }
  | { step: 'checking' }
  | { step: 'voucher'; presented: Presented; capturedAt: string; judgement: Shown }
  | { step: 'redeeming'; presented: Presented; capturedAt: string; judgement: Shown }
  | { step: 'outcome'; outcome: Outcome };

/** What the scanned QR holds: a voucher token (checked on the device before anything else). */
const fromScan = (text: string): Presented => ({ token: text.trim() });

export function StationApp({ operator }: { operator: Operator }) {
  const { t } = useI18n();
  const operatorId = operator.id;
  const [config, setConfig] = useState<TStationConfig | undefined>();
  const [configError, setConfigError] = useState<string | undefined>();
  const [tab, setTab] = useState<Tab>('home');
  const [flow, setFlow] = useState<Flow>({ step: 'idle' });
  const [syncing, setSyncing] = useState(false);
  const [lastSync, setLastSync] = useState<SyncReport | undefined>();
  // A second tap before the button disables must not queue a second row (another key).
  const redeeming = useRef(false);

  // The config: the cached copy at once, then the server's when reachable.
  useEffect(() => {
    let active = true;
    void cachedConfig(db, operatorId).then((cached) => active && cached && setConfig((c) => c ?? cached));
    fetchConfig().then(
      async (fresh) => {
        await saveConfig(db, fresh);
        if (active) setConfig(fresh);
      },
      (error: unknown) => {
        if (active && !isNetworkError(error)) setConfigError((error as { code?: string }).code ?? 'unknown');
      },
    );
    void navigator.storage?.persist?.();
    return () => {
      active = false;
    };
  }, [operatorId]);

  const runner = useMemo(() => new SyncRunner(db, syncTransport, () => operatorId), [operatorId]);
  const sync = useCallback(async () => {
    setSyncing(true);
    try {
      const report = await runner.sync({ now: true });
      setLastSync(report);
      return report;
    } finally {
      setSyncing(false);
    }
  }, [runner]);
  useEffect(() => runner.start(), [runner]);

  async function present(presented: Presented) {
    if (!config) {
      setFlow({ step: 'outcome', outcome: { kind: 'refused', reason: 'no_config' } });
      return;
    }
    const capturedAt = new Date().toISOString();
    setFlow({ step: 'checking' });
    const judgement = await judgePresented(presented, config, lookup, new Date());
    if (judgement.kind === 'refused') {
      setFlow({ step: 'outcome', outcome: judgement });
    } else {
      setFlow({ step: 'voucher', presented, capturedAt, judgement });
    }
  }

  async function redeem() {
    if (flow.step !== 'voucher' || !config || redeeming.current) return;
    redeeming.current = true;
    try {
      await redeemShown(flow, config);
    } finally {
      redeeming.current = false;
    }
  }

  async function redeemShown(flow: Extract<Flow, { step: 'voucher' }>, config: TStationConfig) {
    const { presented, capturedAt, judgement } = flow;
    setFlow({ ...flow, step: 'redeeming' });
    const offline = judgement.kind !== 'online';
    const { code5, amount } = shownFacts(judgement);
    if (offline) {
      const refusal = offlineRefusal(await pendingRows(db), amount, config.offline, new Date());
      if (refusal) {
        const limitMax = refusal === 'max_count' ? config.offline.max_count : config.offline.max_total;
        setFlow({ step: 'outcome', outcome: { kind: 'refused', reason: refusal, limitMax } });
        return;
      }
    }
    // Durable first: the row exists before the screen says anything.
    const row = await enqueueRedemption(db, {
      station_id: config.station.id,
      operator_id: operatorId,
      code5,
      ...('token' in presented ? { token: presented.token } : {}),
      amount,
      verified: judgement.kind !== 'offline_unverified',
      captured_at: capturedAt,
      offline,
    });
    if (!offline) {
      // A sync already under way may have started before this row existed: ask twice.
      const first = await sync();
      if ((await db.outbox.get(row.id))?.state === 'pending' && !first.error) await sync();
    }
    const settled = await db.outbox.get(row.id);
    let outcome: Outcome;
    if (settled?.state === 'synced' && settled.redemption) {
      outcome = { kind: 'success', code5: settled.redemption.code5, amount: settled.redemption.amount };
    } else if (settled?.state === 'attention') {
      outcome = { kind: 'refused', reason: settled.error?.code ?? 'unknown' };
    } else {
      outcome = { kind: 'queued', code5 };
    }
    setFlow({ step: 'outcome', outcome });
  }

  const busy = flow.step !== 'idle' && flow.step !== 'outcome';
  const reset = () => setFlow({ step: 'idle' });

  return (
    <div className="app">
      <header className="top">
        <h1>{config?.station.name ?? t('app_name')}</h1>
        <SyncBadge onOpen={() => setTab('queue')} />
      </header>
      <UpdatePrompt busy={busy} />
      <main className="screen">
        {configError && (
          <p className="error" role="alert">
            {configError === 'forbidden' ? t('reason_forbidden') : t('reason_unknown')}
          </p>
        )}
        {tab === 'home' && (
          <>
            {flow.step === 'idle' && (
              <div className="home">
                <button type="button" className="scan-button" onClick={() => setFlow({ step: 'scan' })}>
                  <span aria-hidden="true">⌗</span> {t('scan')}
                </button>
                <CodeEntry onSubmit={(code) => void present({ code })} />
              </div>
            )}
            {flow.step === 'scan' && (
              <Suspense fallback={<p aria-busy="true">{t('camera_starting')}</p>}>
                <ScanScreen onScanned={(text) => void present(fromScan(text))} onCancel={reset} />
              </Suspense>
            )}
            {flow.step === 'checking' && <p aria-busy="true">{t('checking')}</p>}
            {(flow.step === 'voucher' || flow.step === 'redeeming') && (
              <VoucherScreen
                judgement={flow.judgement}
                busy={flow.step === 'redeeming'}
                onRedeem={() => void redeem()}
                onCancel={reset}
              />
            )}
            {flow.step === 'outcome' && <OutcomeScreen outcome={flow.outcome} onNext={reset} />}
          </>
        )}
        {tab === 'queue' && <QueueScreen syncing={syncing} lastError={lastSync?.error} onSync={() => void sync()} />}
        {tab === 'history' && <HistoryScreen />}
        {tab === 'settings' && <SettingsScreen config={config} />}
      </main>
      <nav className="tabs" aria-label="Main">
        {(['home', 'queue', 'history', 'settings'] as const).map((id) => (
          <button
            key={id}
            type="button"
            aria-current={tab === id ? 'page' : undefined}
            disabled={busy && id !== 'home'}
            onClick={() => setTab(id)}
          >
            {t(`nav_${id}`)}
          </button>
        ))}
      </nav>
    </div>
  );
}
