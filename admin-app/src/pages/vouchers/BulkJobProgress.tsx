/** A bulk job as the scheduler works through it: a progress bar, counts, and the rows the database refused. */
import { ErrorNotice, Loading } from '../../components/states.tsx';
import { isBulkJobFinished, useBulkJobQuery } from '../../data/vouchers/bulk-job-query.ts';
import { formatCount, formatDateTime } from '../../lib/format.ts';
import { RowErrorsTable } from './RowErrorsTable.tsx';

const STATUS_TEXT = {
  queued: 'Waiting to start',
  running: 'Issuing',
  done: 'Done',
  failed: 'Stopped',
} as const;

export function BulkJobProgress({ jobId }: { jobId: string }) {
  const job = useBulkJobQuery(jobId);
  if (job.isPending) return <Loading label="Loading the job…" />;
  if (job.isError) return <ErrorNotice error={job.error} onRetry={() => void job.refetch()} />;
  const { status, total, processed, issued, sent, errors } = job.data;
  const finished = isBulkJobFinished(job.data);

  return (
    <section className="bulk-progress" aria-labelledby="bulk-progress-title" data-testid="bulk-progress">
      <div className="row-between">
        <h3 id="bulk-progress-title">Bulk issue</h3>
        <span className={`chip bulk-${status}`} data-testid="bulk-status">
          {STATUS_TEXT[status]}
        </span>
      </div>
      <progress max={Math.max(total, 1)} value={processed} aria-label="Rows processed" />
      <p data-testid="bulk-counts">
        {formatCount(processed)} of {formatCount(total)} rows processed · {formatCount(issued)} issued ·{' '}
        {formatCount(sent)} sent
      </p>
      <p className="muted" role="status">
        {finished
          ? status === 'done'
            ? `Finished ${formatDateTime(job.data.finished_at)}: ${formatCount(issued)} ${issued === 1 ? 'voucher' : 'vouchers'} issued.`
            : 'The job stopped before the end; the rows below say why.'
          : 'You can close this window: the job goes on, and the list fills as it does.'}
      </p>
      {errors.length > 0 && <RowErrorsTable errors={errors} caption="Rows not issued" testId="bulk-errors" />}
    </section>
  );
}
