import { en, type MessageKey } from '../i18n/catalogs.ts';
import type { useI18n } from '../i18n/i18n.tsx';

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
  const key = `reason_${reason}`;
  if (!(key in en)) return t('reason_unknown');
  return t(key as MessageKey, {
    minutes: Math.max(1, Math.ceil((extra.retryAfterSeconds ?? 60) / 60)),
  });
}
