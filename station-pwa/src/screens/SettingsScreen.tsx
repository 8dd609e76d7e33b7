/** Language, who and where, sign out (blocked while redemptions wait), and the queue as a file. */
import type { TStationConfig } from '@easymo/contracts';
import { useLiveQuery } from 'dexie-react-hooks';
import { db } from '../db/station-db.ts';
import { LANGUAGES, type Language } from '../i18n/catalogs.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { supabase } from '../supabase.ts';

/** Every unsettled row (waiting or refused) as JSON, for the programme's support team. */
async function exportQueue(config: TStationConfig | undefined) {
  const rows = await db.outbox.where('state').anyOf('pending', 'attention').toArray();
  const file = new Blob(
    [JSON.stringify({ exported_at: new Date().toISOString(), station: config?.station ?? null, rows }, null, 2)],
    { type: 'application/json' },
  );
  const link = document.createElement('a');
  link.href = URL.createObjectURL(file);
  link.download = `easymo-queue-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

export function SettingsScreen({ config }: { config: TStationConfig | undefined }) {
  const { t, language, setLanguage } = useI18n();
  const unsynced = useLiveQuery(() => db.outbox.where('state').equals('pending').count(), [], 0);
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">{t('settings_title')}</h2>
      <label>
        {t('language')}
        <select value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
          {LANGUAGES.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      {config && (
        <dl className="facts">
          <div>
            <dt>{t('station')}</dt>
            <dd data-testid="station-name">{config.station.name}</dd>
          </div>
          <div>
            <dt>{t('operator')}</dt>
            <dd>{config.operator.email}</dd>
          </div>
        </dl>
      )}
      {unsynced > 0 && (
        <p className="warning" role="alert">
          {t('sign_out_blocked', { count: unsynced })}
        </p>
      )}
      <div className="row">
        <button type="button" className="secondary" onClick={() => void exportQueue(config)}>
          {t('export_queue')}
        </button>
        <button
          type="button"
          className="big secondary"
          disabled={unsynced > 0}
          onClick={() => void supabase.auth.signOut()}
        >
          {t('sign_out')}
        </button>
      </div>
    </section>
  );
}
