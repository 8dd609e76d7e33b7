import type { MessageKey } from '../i18n/catalogs.ts';
import type { useI18n } from '../i18n/i18n.tsx';

const KNOWN = new Set([
  'not_found',
  'already_redeemed',
  'void',
  'expired',
  'wrong_station',
  'not_yet_valid',
  'capture_rejected',
  'too_many_attempts',
  'forged',
  'malformed',
  'idempotency_conflict',
  'invalid_request',
  'forbidden',
]);

/** The operator's sentence for a refusal code (an API error code, or forged/malformed/max_*). */
export function reasonText(
  { t, rwf }: ReturnType<typeof useI18n>,
  reason: string,
  extra: { retryAfterSeconds?: number; limitMax?: number } = {},
): string {
  if (reason === 'max_count') return t('limit_max_count', { max: extra.limitMax ?? '' });
  if (reason === 'max_total') return t('limit_max_total', { max: rwf(extra.limitMax ?? 0) });
  if (reason === 'max_age') return t('limit_max_age');
  if (reason === 'no_config') return t('no_config');
  if (!KNOWN.has(reason)) return t('reason_unknown');
  return t(`reason_${reason}` as MessageKey, {
    minutes: Math.max(1, Math.ceil((extra.retryAfterSeconds ?? 60) / 60)),
  });
}
