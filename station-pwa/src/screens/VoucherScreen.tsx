/** What the pump display shows for a presented voucher, with one clear Redeem button. */
import type { VoucherStatus } from '@easymo/domain';
import { formatDateTime } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/catalogs.ts';
import { shownFacts, type Shown } from '../station/judge.ts';

export function VoucherScreen({
  judgement,
  busy,
  onRedeem,
  onCancel,
}: {
  judgement: Shown;
  busy: boolean;
  onRedeem: () => void;
  onCancel: () => void;
}) {
  const { t, rwf, language } = useI18n();
  const { code5: code, amount, expiresAt: expires } = shownFacts(judgement);
  const online = judgement.kind === 'online' ? judgement.voucher : undefined;
  const status: VoucherStatus | undefined = online?.status;
  const masked = online?.masked_msisdn;
  const redeemable = online?.redeemable ?? true;
  const note = online
    ? online.reason === 'already_redeemed'
      ? t('redeemed_here_already')
      : undefined
    : judgement.kind === 'offline_verified'
      ? t('verified_offline')
      : t('unverified_offline');

  return (
    <section className="voucher" aria-labelledby="voucher-title">
      <h2 id="voucher-title">
        {t('voucher')} <span className="code">{code}</span>
      </h2>
      <dl className="facts">
        {amount !== null && (
          <div>
            <dt>{t('amount')}</dt>
            <dd className="amount" data-testid="amount">
              {rwf(amount)}
            </dd>
          </div>
        )}
        {status && (
          <div>
            <dt>{t('status')}</dt>
            <dd data-testid="status">{t(`status_${status}` as MessageKey)}</dd>
          </div>
        )}
        <div>
          <dt>{t('expires')}</dt>
          <dd>{expires ? formatDateTime(expires, language) : t('no_expiry')}</dd>
        </div>
        {masked && (
          <div>
            <dt>{t('driver')}</dt>
            <dd>{masked}</dd>
          </div>
        )}
      </dl>
      {note && (
        <p className={judgement.kind === 'offline_unverified' ? 'warning' : 'muted'} role="note">
          {note}
        </p>
      )}
      <div className="row">
        {redeemable && (
          <button type="button" className="big" onClick={onRedeem} disabled={busy} autoFocus>
            {busy
              ? t('redeeming')
              : amount !== null
                ? t('redeem', { amount: rwf(amount) })
                : t('redeem_unknown_amount')}
          </button>
        )}
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          {redeemable ? t('cancel') : t('back')}
        </button>
      </div>
    </section>
  );
}
