import type { TBulkDryRunResponse } from '@easymo/contracts';
import { expect, test, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { goodRowTotals } from './bulk-csv.ts';
import { CsvPreview } from './CsvPreview.tsx';

// A file as e2e/api/vouchers-bulk.test.ts sends it, with the server's dry-run answer.
const CSV = [
  'msisdn,amount,expires_at,station,note',
  '+250788000001,5000,,,ok',
  'not-a-number,5000,,,',
  '+250788000003,-1,,,',
  '+250788000004,100,2020-01-01,,',
  '+250788000005,100,,NOWHERE-01,',
  '+250788000006,100,,KGL-KNB-08,inactive station',
  '+250788000007,100,,kgl-kcy-01,lower case code is fine',
].join('\n');

const BAD: TBulkDryRunResponse = {
  rows: 7,
  valid: 2,
  errors: [
    { line: 3, column: 'msisdn', message: 'not a phone number (e.g. +250788123456)' },
    { line: 4, column: 'amount', message: 'not an amount (digits, at most 2 decimals)' },
    { line: 5, column: 'expires_at', message: 'is in the past' },
    { line: 6, column: 'station', message: 'no active station has the ENGEN code NOWHERE-01' },
    { line: 7, column: 'station', message: 'no active station has the ENGEN code KGL-KNB-08' },
  ],
};

async function setup(result: TBulkDryRunResponse, csv = CSV) {
  const onIssue = vi.fn();
  const screen = await render(
    <CsvPreview result={result} totals={goodRowTotals(csv, result.errors, result.valid)} onIssue={onIssue} />,
  );
  return { screen, onIssue };
}

test('every bad row is listed with its line, column and message, and nothing can be issued', async () => {
  const { screen, onIssue } = await setup(BAD);

  const rows = screen.getByTestId('csv-error');
  await expect.element(rows.nth(4)).toBeInTheDocument();
  expect(rows.elements()).toHaveLength(5);
  for (const [i, error] of BAD.errors.entries()) {
    const cells = rows.nth(i).getByRole('cell');
    await expect.element(cells.nth(0)).toHaveTextContent(String(error.line));
    await expect.element(cells.nth(1)).toHaveTextContent(error.column);
    await expect.element(cells.nth(2)).toHaveTextContent(error.message);
  }

  await expect.element(screen.getByTestId('preview-rows')).toHaveTextContent('7');
  await expect.element(screen.getByTestId('preview-valid')).toHaveTextContent('2');
  await expect.element(screen.getByTestId('preview-bad')).toHaveTextContent('5');
  // The two good rows: 5,000 (line 2) and 100 (line 8).
  await expect.element(screen.getByTestId('preview-amount')).toHaveTextContent('5,100 RWF');

  await expect.element(screen.getByRole('alert')).toHaveTextContent('Fix the file and choose it again');
  const issue = screen.getByRole('button', { name: /^Issue/ });
  await expect.element(issue).toBeDisabled();
  await expect.element(issue).toHaveAccessibleDescription(/Fix the file and choose it again/);
  await issue.click({ force: true });
  expect(onIssue).not.toHaveBeenCalled();
});

test('a row with two problems is one bad row; a problem with the whole row says so', async () => {
  const csv = 'msisdn,amount\n+250788000001,10.50\nbad,-3\n+250788000002,20,extra\n+250788000003,30.25\n';
  const result: TBulkDryRunResponse = {
    rows: 4,
    valid: 2,
    errors: [
      { line: 3, column: 'msisdn', message: 'not a phone number (e.g. +250788123456)' },
      { line: 3, column: 'amount', message: 'not an amount (digits, at most 2 decimals)' },
      { line: 4, column: '', message: 'has 3 fields; the header has 2' },
    ],
  };
  const { screen } = await setup(result, csv);
  expect(screen.getByTestId('csv-error').elements()).toHaveLength(3);
  await expect.element(screen.getByTestId('preview-bad')).toHaveTextContent('2');
  await expect
    .element(screen.getByTestId('csv-error').nth(2))
    .toHaveTextContent('4(whole row)has 3 fields; the header has 2');
  await expect.element(screen.getByTestId('preview-amount')).toHaveTextContent('40.75 RWF');
  await expect.element(screen.getByRole('button', { name: /^Issue/ })).toBeDisabled();
});

test('a clean file shows its counts and total, and the issue action works once', async () => {
  const csv = 'msisdn,amount,currency\n+250788000001,1000,\n+250788000002,2500,rwf\n+250788000003,12,USD\n';
  const { screen, onIssue } = await setup({ rows: 3, valid: 3, errors: [] }, csv);

  await expect.element(screen.getByTestId('csv-errors')).not.toBeInTheDocument();
  await expect.element(screen.getByRole('status')).toHaveTextContent('Every row is good: 3 vouchers will be issued.');
  await expect.element(screen.getByTestId('preview-rows')).toHaveTextContent('3');
  await expect.element(screen.getByTestId('preview-valid')).toHaveTextContent('3');
  await expect.element(screen.getByTestId('preview-bad')).toHaveTextContent('0');
  await expect.element(screen.getByTestId('preview-amount')).toHaveTextContent('3,500 RWF + 12 USD');

  const issue = screen.getByRole('button', { name: 'Issue 3 vouchers' });
  await expect.element(issue).toBeEnabled();
  await issue.click();
  expect(onIssue).toHaveBeenCalledTimes(1);
});

test('a file with a header and no rows cannot be issued', async () => {
  const { screen } = await setup(
    { rows: 0, valid: 0, errors: [{ line: 2, column: '', message: 'there are no rows under the header' }] },
    'msisdn,amount\n',
  );
  await expect.element(screen.getByTestId('csv-error')).toHaveTextContent('there are no rows under the header');
  await expect.element(screen.getByRole('button', { name: /^Issue/ })).toBeDisabled();
});
