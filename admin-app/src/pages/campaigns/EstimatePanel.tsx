/**
 * The pre-flight estimate: where the targets still to send are (country, time zone, the
 * quiet window that holds there), and how long sending them takes at the throttle's rate
 * if started now. A throttle of 0 pauses all sending, so there is no finish time then.
 */
import type { TCampaignEstimate } from '@easymo/contracts';
import { ErrorNotice, Loading } from '../../components/states.tsx';
import { useCampaignEstimateQuery } from '../../data/campaigns/campaign-estimate-query.ts';
import { formatCount, formatDateTime } from '../../lib/format.ts';
import { countryName } from '../settings/QuietHoursEditor.tsx';
import { formatDuration } from './labels.ts';

/** The estimate stops at a year (domain CAMPAIGN_ESTIMATE_MAX_MINUTES): that many minutes means "more than a year". */
const MAX_MINUTES = 365 * 1440;

export function EstimatePanel({ campaignId, started }: { campaignId: string; started: boolean }) {
  const estimate = useCampaignEstimateQuery(campaignId, true);
  return (
    <section className="card campaign-estimate" aria-labelledby="estimate-title" data-testid="campaign-estimate">
      <div className="row-between">
        <h2 id="estimate-title">{started ? 'Estimate for the rest' : 'Pre-flight estimate'}</h2>
        <button
          type="button"
          className="link"
          disabled={estimate.isFetching}
          onClick={() => void estimate.refetch()}
          aria-label="Recalculate the estimate"
        >
          {estimate.isFetching ? 'Calculating…' : 'Recalculate'}
        </button>
      </div>
      {estimate.isPending ? (
        <Loading label="Calculating…" />
      ) : estimate.isError ? (
        <ErrorNotice error={estimate.error} onRetry={() => void estimate.refetch()} />
      ) : (
        <EstimateView estimate={estimate.data} />
      )}
    </section>
  );
}

function quietText(window: TCampaignEstimate['by_country'][number]['quiet_hours']): string {
  return window ? `${window.start} → ${window.end}` : 'None';
}

export function EstimateView({ estimate }: { estimate: TCampaignEstimate }) {
  const { pending, per_minute, minutes, finishes_at, quiet_minutes, by_country } = estimate;
  return (
    <>
      {pending === 0 ? (
        <p className="muted" data-testid="estimate-summary">
          No target is waiting to be sent.
        </p>
      ) : minutes === null ? (
        <p className="notice warning-notice" role="status" data-testid="estimate-summary">
          Sending is paused (throttle 0): nothing goes out until the send throttle is raised in Settings.
        </p>
      ) : (
        <p data-testid="estimate-summary">
          {formatCount(pending)} {pending === 1 ? 'target' : 'targets'} at up to {formatCount(per_minute)} a minute:{' '}
          <strong data-testid="estimate-duration">
            {minutes >= MAX_MINUTES ? 'more than a year' : `about ${formatDuration(minutes)}`}
          </strong>
          {finishes_at && minutes < MAX_MINUTES && (
            <>
              , finishing around <strong data-testid="estimate-finish">{formatDateTime(finishes_at)}</strong> (Kigali
              time)
            </>
          )}
          .
          {quiet_minutes > 0 && (
            <span className="muted">
              {' '}
              That includes {formatDuration(quiet_minutes)} waiting for quiet hours to end.
            </span>
          )}
        </p>
      )}
      {by_country.length > 0 && (
        <table className="table compact" data-testid="estimate-countries">
          <caption className="visually-hidden">Targets still to send, by country</caption>
          <thead>
            <tr>
              <th scope="col">Country</th>
              <th scope="col" className="num">
                Targets
              </th>
              <th scope="col">Time zone</th>
              <th scope="col">Quiet hours (local time)</th>
            </tr>
          </thead>
          <tbody>
            {by_country.map((row) => (
              <tr key={row.country} data-testid="estimate-country">
                <td>{row.country === 'other' ? 'Other countries' : `${countryName(row.country)} (${row.country})`}</td>
                <td className="num">{formatCount(row.targets)}</td>
                <td>{row.time_zone}</td>
                <td>{quietText(row.quiet_hours)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted estimate-note">
        About: the estimate counts the throttle, shared with every other send, and quiet hours, but not WhatsApp&apos;s
        own slow-downs or retries.
      </p>
    </>
  );
}
