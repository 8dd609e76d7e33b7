/**
 * The filter bar. Selects and dates apply at once; the search box and the campaign id
 * apply after a short pause in typing (and only once they make sense), so the URL and
 * the request follow without a request per key press.
 */
import { VOUCHER_STATUSES } from '@easymo/domain';
import { useCallback, useEffect, useState } from 'react';
import type { TStation } from '@easymo/contracts';
import { STATUS_LABELS } from './labels.ts';
import { hasFilters, isUuid, type VoucherUrl } from './url.ts';

type FilterPatch = Partial<Record<'status' | 'station' | 'campaign' | 'from' | 'to' | 'q', string | undefined>>;

const SEARCH_DELAY_MS = 350;

/**
 * A text box bound to a URL value: what is typed is committed after `delay` ms when it
 * passes `accept`; a change of the URL from elsewhere (Back, Clear, a link) replaces it.
 */
function useDebouncedValue(
  value: string | undefined,
  commit: (next: string | undefined) => void,
  accept: (text: string) => boolean,
): [string, (text: string) => void] {
  const [draft, setDraft] = useState(value ?? '');
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    if ((value ?? '') !== draft.trim()) setDraft(value ?? '');
  }
  useEffect(() => {
    const next = draft.trim();
    if (next === (value ?? '') || !accept(next)) return;
    const timer = setTimeout(() => commit(next || undefined), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft, value, commit, accept]);
  return [draft, setDraft];
}

const anyText = () => true;
const emptyOrUuid = (text: string) => text === '' || isUuid(text);

export function VoucherFilters({
  url,
  stations,
  onChange,
}: {
  url: VoucherUrl;
  /** Null hides the station filter (no station list to choose from). */
  stations: TStation[] | null;
  /** Must keep its identity between renders. */
  onChange: (patch: FilterPatch) => void;
}) {
  const commitQ = useCallback((next: string | undefined) => onChange({ q: next }), [onChange]);
  const commitCampaign = useCallback((next: string | undefined) => onChange({ campaign: next }), [onChange]);
  const [q, setQ] = useDebouncedValue(url.q, commitQ, anyText);
  const [campaign, setCampaign] = useDebouncedValue(url.campaign, commitCampaign, emptyOrUuid);
  const campaignError = campaign.trim() && !isUuid(campaign.trim()) ? 'not a campaign id (a UUID)' : null;

  return (
    <form
      className="filters voucher-filters"
      role="search"
      aria-label="Filter vouchers"
      onSubmit={(e) => e.preventDefault()}
    >
      <label className="filter-search">
        Code or phone
        <input
          type="search"
          value={q}
          maxLength={32}
          placeholder="e.g. 7KX2P or 0788…"
          onChange={(event) => setQ(event.target.value)}
        />
      </label>
      <label>
        Status
        <select value={url.status ?? ''} onChange={(event) => onChange({ status: event.target.value || undefined })}>
          <option value="">All</option>
          {VOUCHER_STATUSES.map((status) => (
            <option key={status} value={status}>
              {STATUS_LABELS[status]}
            </option>
          ))}
        </select>
      </label>
      {stations && (
        <label>
          Station
          <select
            value={url.station ?? ''}
            onChange={(event) => onChange({ station: event.target.value || undefined })}
          >
            <option value="">All stations</option>
            {stations.map((station) => (
              <option key={station.id} value={station.id}>
                {station.name} ({station.engencode})
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Issued from
        <input
          type="date"
          value={url.from ?? ''}
          max={url.to}
          onChange={(event) => onChange({ from: event.target.value || undefined })}
        />
      </label>
      <label>
        Issued to
        <input
          type="date"
          value={url.to ?? ''}
          min={url.from}
          onChange={(event) => onChange({ to: event.target.value || undefined })}
        />
      </label>
      <label className="filter-campaign">
        Campaign id
        <input
          value={campaign}
          spellCheck={false}
          onChange={(event) => setCampaign(event.target.value)}
          aria-invalid={campaignError ? true : undefined}
          aria-describedby={campaignError ? 'campaign-filter-error' : undefined}
        />
        {campaignError && (
          <span className="field-error" id="campaign-filter-error">
            {campaignError}
          </span>
        )}
      </label>
      {hasFilters(url) && (
        <button
          type="button"
          className="link"
          onClick={() =>
            onChange({
              q: undefined,
              status: undefined,
              station: undefined,
              from: undefined,
              to: undefined,
              campaign: undefined,
            })
          }
        >
          Clear filters
        </button>
      )}
    </form>
  );
}
