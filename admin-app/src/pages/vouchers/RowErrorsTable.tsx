/** Rows of a bulk CSV with their problems: in the file's check, and refused by the database during the job. */
import type { TBulkRowError } from '@easymo/contracts';

export function RowErrorsTable({
  errors,
  caption,
  hideCaption = false,
  testId,
  rowTestId,
}: {
  errors: TBulkRowError[];
  caption: string;
  hideCaption?: boolean;
  testId: string;
  rowTestId?: string;
}) {
  return (
    <div className="csv-errors">
      <table className="table compact" data-testid={testId}>
        <caption className={hideCaption ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Line
            </th>
            <th scope="col">Column</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {errors.map((error, i) => (
            <tr key={`${error.line}-${error.column}-${i}`} data-testid={rowTestId}>
              <td className="num">{error.line}</td>
              <td>{error.column || <span className="muted">(whole row)</span>}</td>
              <td>{error.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
