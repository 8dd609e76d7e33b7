/**
 * Progress by target status: a bar split into each group (read, delivered, sent, failed,
 * opted out, pending), and the counts beside it. The bar is a picture of the counts for
 * those who can see it; the counts are the text everyone gets.
 */
import type { TCampaignProgress } from '@easymo/contracts';
import { formatCount, formatPercent } from '../../lib/format.ts';
import { PROGRESS_GROUPS, PROGRESS_LABELS, progressCounts, type ProgressCounts } from './labels.ts';

export function ProgressBar({ counts, label }: { counts: ProgressCounts; label: string }) {
  const summary = `${label}: ${formatCount(counts.handled)} of ${formatCount(counts.total)} targets handled`;
  return (
    <div className="campaign-bar" role="img" aria-label={summary} title={summary}>
      {counts.total === 0 ? (
        <span className="campaign-bar-empty" />
      ) : (
        PROGRESS_GROUPS.filter((group) => counts[group] > 0).map((group) => (
          <span key={group} className={`campaign-bar-part part-${group}`} style={{ flexGrow: counts[group] }} />
        ))
      )}
    </div>
  );
}

export function CampaignProgress({ progress, polling }: { progress: TCampaignProgress; polling: boolean }) {
  const counts = progressCounts(progress);
  return (
    <section className="card campaign-progress" aria-labelledby="campaign-progress-title">
      <div className="row-between">
        <h2 id="campaign-progress-title">Progress</h2>
        <span className="muted" data-testid="progress-handled">
          {formatCount(counts.handled)} of {formatCount(counts.total)} handled (
          {formatPercent(counts.total === 0 ? null : counts.handled / counts.total)})
          {polling && <span className="visually-hidden"> · updates every few seconds</span>}
        </span>
      </div>
      <ProgressBar counts={counts} label="Progress" />
      <ul className="campaign-legend" aria-label="Targets by status">
        {PROGRESS_GROUPS.map((group) => (
          <li key={group}>
            <span className={`legend-swatch part-${group}`} aria-hidden="true" />
            {PROGRESS_LABELS[group]} <strong data-testid={`progress-${group}`}>{formatCount(counts[group])}</strong>
          </li>
        ))}
      </ul>
      {counts.pending > 0 && (progress.queued_throttled ?? 0) > 0 && (
        <p className="muted">
          Of the pending, {formatCount(progress.queued_throttled ?? 0)} wait for the send throttle or WhatsApp to allow
          more.
        </p>
      )}
    </section>
  );
}
