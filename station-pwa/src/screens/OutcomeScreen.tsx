/** Success, queued or refused: readable at arm's length (colour, icon and words). */
import { useEffect } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { reasonText } from './reasons.ts';

export type Outcome =
  | { kind: 'success'; code5: string; amount: number }
  | { kind: 'queued'; code5: string }
  | { kind: 'refused'; reason: string; retryAfterSeconds?: number; limitMax?: number };

const ICONS = { success: '✓', queued: '⏳', refused: '✕' } as const;

export function OutcomeScreen({ outcome, onNext }: { outcome: Outcome; onNext: () => void }) {
  const i18n = useI18n();
  const { t, rwf } = i18n;
  useEffect(() => {
    navigator.vibrate?.(outcome.kind === 'refused' ? [80, 60, 80] : 60);
  }, [outcome.kind]);
  return (
    <section className={`outcome outcome-${outcome.kind}`} role="alert" data-testid={`outcome-${outcome.kind}`}>
      <div className="icon" aria-hidden="true">
        {ICONS[outcome.kind]}
      </div>
      {outcome.kind === 'success' && (
        <>
          <h2>{t('success_title')}</h2>
          <p className="big-text">{t('success_body', { amount: rwf(outcome.amount), code: outcome.code5 })}</p>
        </>
      )}
      {outcome.kind === 'queued' && (
        <>
          <h2>{t('queued_title')}</h2>
          <p className="big-text">{t('queued_body', { code: outcome.code5 })}</p>
        </>
      )}
      {outcome.kind === 'refused' && (
        <>
          <h2>{t('refused_title')}</h2>
          <p className="big-text" data-testid="refusal-reason" data-reason={outcome.reason}>
            {reasonText(i18n, outcome.reason, outcome)}
          </p>
        </>
      )}
      <button type="button" className="big" onClick={onNext} autoFocus>
        {t('next_voucher')}
      </button>
    </section>
  );
}
