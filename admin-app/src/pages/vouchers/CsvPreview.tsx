/**
 * The dry run of a bulk CSV: how many rows are good and what they add up to, and every
 * problem with its line and column. Nothing can be issued from a file with a problem:
 * the person fixes the file and chooses it again, so what is issued is exactly the file.
 */
import type { TBulkDryRunResponse } from '@easymo/contracts';
import { formatCount, formatRwf } from '../../lib/format.ts';
import type { CsvTotal } from './bulk-csv.ts';
import { RowErrorsTable } from './RowErrorsTable.tsx';

export function CsvPreview({
  result,
  totals,
  issuing = false,
  onIssue,
}: {
  result: TBulkDryRunResponse;
  /** The amounts of the good rows per currency; null when unknown. */
  totals: CsvTotal[] | null;
  issuing?: boolean;
  onIssue: () => void;
}) {
  const badLines = new Set(result.errors.map((error) => error.line)).size;
  const clean = result.errors.length === 0;
  const blocked = !clean || result.valid === 0;
  const amount =
    totals === null
      ? '–'
      : totals.length === 0
        ? formatRwf(0)
        : totals.map((t) => formatRwf(t.amount, t.currency)).join(' + ');

  return (
    <section className="csv-preview" aria-labelledby="csv-preview-title">
      <h3 id="csv-preview-title">Check of the file</h3>
      <dl className="csv-counts">
        <dt>Rows</dt>
        <dd data-testid="preview-rows">{formatCount(result.rows)}</dd>
        <dt>Good rows</dt>
        <dd data-testid="preview-valid">{formatCount(result.valid)}</dd>
        <dt>Rows with problems</dt>
        <dd data-testid="preview-bad">{formatCount(badLines)}</dd>
        <dt>Amount of the good rows</dt>
        <dd data-testid="preview-amount">{amount}</dd>
      </dl>

      {clean ? (
        result.valid > 0 ? (
          <p className="csv-clean" role="status">
            Every row is good: {formatCount(result.valid)} {result.valid === 1 ? 'voucher' : 'vouchers'} will be issued.
          </p>
        ) : (
          <p className="error" role="alert">
            The file has no rows to issue.
          </p>
        )
      ) : (
        <>
          <p className="error" role="alert" id="csv-preview-blocked">
            {formatCount(result.errors.length)} {result.errors.length === 1 ? 'problem' : 'problems'} in{' '}
            {formatCount(badLines)} {badLines === 1 ? 'row' : 'rows'}. Nothing is issued from this file. Fix the file
            and choose it again.
          </p>
          <RowErrorsTable
            errors={result.errors}
            caption="Problems in the file"
            hideCaption
            testId="csv-errors"
            rowTestId="csv-error"
          />
        </>
      )}

      <div className="dialog-actions">
        <button
          type="button"
          disabled={blocked || issuing}
          aria-describedby={clean ? undefined : 'csv-preview-blocked'}
          onClick={onIssue}
        >
          {issuing ? 'Starting…' : `Issue ${formatCount(result.valid)} ${result.valid === 1 ? 'voucher' : 'vouchers'}`}
        </button>
      </div>
    </section>
  );
}
