/**
 * The check of a targets CSV (a dry run), or the answer of the import itself. Unlike a
 * bulk voucher file, a campaign goes out to the good rows: the accepted rows are imported
 * and every rejected row is listed with its line and reason and left out. A problem with
 * the file as a whole (no msisdn column, a template variable without a column) imports
 * nothing.
 */
import type { TImportTargetsResponse, TTargetRejection } from '@easymo/contracts';
import { formatCount } from '../../lib/format.ts';
import { countryName } from '../settings/QuietHoursEditor.tsx';

const REJECTION_LABELS: Record<TTargetRejection['code'], string> = {
  invalid_msisdn: 'Not a phone number',
  duplicate: 'Duplicate',
  missing_variable: 'Missing value',
  too_long: 'Too long',
  already_imported: 'Already a target',
};

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

export function RejectedRowsTable({ rows, caption }: { rows: TTargetRejection[]; caption: string }) {
  return (
    <div className="csv-errors">
      <table className="table compact" data-testid="import-rejected-rows">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Line
            </th>
            <th scope="col">Number as written</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={`${row.line}-${i}`} data-testid="import-rejection" data-code={row.code}>
              <td className="num">{row.line}</td>
              <td>{row.value ? <code>{row.value}</code> : <span className="muted">(empty)</span>}</td>
              <td>
                <span className="chip rejection-code">{REJECTION_LABELS[row.code]}</span> {row.reason}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TargetsImportPreview({
  result,
  importing = false,
  onImport,
}: {
  result: TImportTargetsResponse;
  importing?: boolean;
  /** Omitted once the file is imported (the answer has no further step). */
  onImport?: () => void;
}) {
  const { problem, accepted, opted_out: optedOut, rejected, by_country: byCountry, sample } = result;
  const imported = !result.dry_run;
  const columns = [...new Set(sample.flatMap((row) => Object.keys(row.vars)))];
  const countries = Object.entries(byCountry).sort((a, b) => b[1] - a[1]);
  const blocked = problem !== null || accepted === 0;

  return (
    <section className="csv-preview targets-preview" aria-labelledby="targets-preview-title">
      <h3 id="targets-preview-title">{imported ? 'Imported' : 'Check of the file'}</h3>
      {problem ? (
        <p className="error" role="alert" id="targets-preview-blocked" data-testid="import-problem">
          Nothing can be imported from this file: {problem.line > 0 ? `line ${problem.line}: ` : ''}
          {problem.message}. Fix the file and choose it again.
        </p>
      ) : (
        <>
          <dl className="csv-counts">
            <dt>{imported ? 'Imported' : 'Accepted rows'}</dt>
            <dd data-testid="import-accepted">{formatCount(accepted)}</dd>
            <dt>Of these, opted out</dt>
            <dd data-testid="import-opted-out">{formatCount(optedOut)}</dd>
            <dt>Rejected rows</dt>
            <dd data-testid="import-rejected">{formatCount(rejected.length)}</dd>
            {countries.length > 0 && (
              <>
                <dt>By country</dt>
                <dd data-testid="import-countries">
                  {countries.map(([code, n]) => (
                    <span key={code} className="chip">
                      {code === 'other' ? 'Other' : countryName(code)}: {formatCount(n)}
                    </span>
                  ))}
                </dd>
              </>
            )}
          </dl>
          <p
            className={imported ? 'csv-clean' : rejected.length > 0 || accepted === 0 ? 'error' : 'csv-clean'}
            role="status"
            id="targets-preview-summary"
            data-testid="import-summary"
          >
            {imported
              ? `${plural(accepted, 'target was', 'targets were')} imported${rejected.length > 0 ? `; ${plural(rejected.length, 'rejected row was', 'rejected rows were')} left out` : ''}.`
              : accepted === 0
                ? 'No row can be imported: every row is rejected.'
                : rejected.length > 0
                  ? `${plural(rejected.length, 'row is', 'rows are')} rejected and will not be imported; the other ${plural(accepted, 'row', 'rows')} will be.`
                  : `Every row is good: ${plural(accepted, 'target', 'targets')} will be imported.`}
            {optedOut > 0 &&
              ` ${plural(optedOut, 'number has', 'numbers have')} opted out: ${optedOut === 1 ? 'it is' : 'they are'} kept as opted out and never messaged.`}
          </p>
        </>
      )}

      {rejected.length > 0 && (
        <RejectedRowsTable rows={rejected} caption={imported ? 'Rows not imported' : 'Rejected rows (not imported)'} />
      )}

      {!problem && sample.length > 0 && (
        <div className="table-scroll">
          <table className="table compact" data-testid="import-sample">
            <caption>{imported ? 'First imported rows' : 'First rows as they will be stored'}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Line
                </th>
                <th scope="col">Number</th>
                {columns.map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
                <th scope="col">Opted out</th>
              </tr>
            </thead>
            <tbody>
              {sample.map((row) => (
                <tr key={row.line} data-testid="import-sample-row">
                  <td className="num">{row.line}</td>
                  <td>{row.msisdn}</td>
                  {columns.map((column) => (
                    <td key={column}>{row.vars[column] ?? ''}</td>
                  ))}
                  <td>{row.opted_out ? 'Yes: never messaged' : 'No'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {onImport && !imported && (
        <div className="dialog-actions">
          <button
            type="button"
            disabled={blocked || importing}
            aria-describedby={problem ? 'targets-preview-blocked' : 'targets-preview-summary'}
            onClick={onImport}
          >
            {importing ? 'Importing…' : `Import ${plural(accepted, 'target', 'targets')}`}
          </button>
        </div>
      )}
    </section>
  );
}
