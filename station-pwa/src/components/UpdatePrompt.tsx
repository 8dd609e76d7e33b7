/** A new version is waiting: offered, but never while a redemption is open. */
import { useI18n } from '../i18n/i18n.tsx';
import { applyUpdate, dismissUpdate, useUpdateReady } from '../pwa.ts';

export function UpdatePrompt({ busy }: { busy: boolean }) {
  const { t } = useI18n();
  const ready = useUpdateReady();
  if (!ready || busy) return null;
  return (
    <div className="update-prompt" role="status" data-testid="update-prompt">
      <span>{t('update_ready')}</span>
      <button type="button" onClick={applyUpdate}>
        {t('update_now')}
      </button>
      <button type="button" className="secondary" onClick={dismissUpdate}>
        {t('update_later')}
      </button>
    </div>
  );
}
