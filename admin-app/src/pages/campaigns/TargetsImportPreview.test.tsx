import type { TImportTargetsResponse } from '@easymo/contracts';
import { expect, test, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { TargetsImportPreview } from './TargetsImportPreview.tsx';

// A weekend-promo file (variables name, station, discount) with four bad rows, as the API checks it.
const CHECKED: TImportTargetsResponse = {
  dry_run: true,
  problem: null,
  accepted: 3,
  opted_out: 1,
  rejected: [
    { line: 3, value: 'not-a-number', code: 'invalid_msisdn', reason: 'not a phone number' },
    { line: 5, value: '+250788000001', code: 'duplicate', reason: 'the same number as line 2' },
    { line: 6, value: '+250788000006', code: 'missing_variable', reason: 'no value for "station"' },
    { line: 7, value: '', code: 'invalid_msisdn', reason: 'no number' },
  ],
  by_country: { RW: 2, MT: 1 },
  sample: [
    { line: 2, msisdn: '+250788000001', vars: { name: 'Jean', station: 'Kacyiru', discount: '10%' }, opted_out: false },
    { line: 4, msisdn: '+35679000004', vars: { name: 'Maria', station: 'Valletta', discount: '5%' }, opted_out: false },
    { line: 8, msisdn: '+250788000008', vars: { name: 'Eric', station: 'Remera', discount: '10%' }, opted_out: true },
  ],
};

test('every rejected row is listed with its line, value and reason, and the good rows can still be imported', async () => {
  const onImport = vi.fn();
  const screen = await render(<TargetsImportPreview result={CHECKED} onImport={onImport} />);

  const rows = screen.getByTestId('import-rejection');
  await expect.element(rows.nth(3)).toBeInTheDocument();
  expect(rows.elements()).toHaveLength(4);
  for (const [i, rejection] of CHECKED.rejected.entries()) {
    const cells = rows.nth(i).getByRole('cell');
    await expect.element(cells.nth(0)).toHaveTextContent(String(rejection.line));
    await expect.element(cells.nth(1)).toHaveTextContent(rejection.value || '(empty)');
    await expect.element(cells.nth(2)).toHaveTextContent(rejection.reason);
  }
  await expect.element(rows.nth(1)).toHaveAttribute('data-code', 'duplicate');

  await expect.element(screen.getByTestId('import-accepted')).toHaveTextContent('3');
  await expect.element(screen.getByTestId('import-opted-out')).toHaveTextContent('1');
  await expect.element(screen.getByTestId('import-rejected')).toHaveTextContent('4');
  await expect.element(screen.getByTestId('import-countries')).toHaveTextContent('Rwanda: 2');
  await expect.element(screen.getByTestId('import-countries')).toHaveTextContent('Malta: 1');
  await expect
    .element(screen.getByTestId('import-summary'))
    .toHaveTextContent('4 rows are rejected and will not be imported; the other 3 rows will be.');
  await expect.element(screen.getByTestId('import-summary')).toHaveTextContent('1 number has opted out');

  // The sample shows the personal variables as they will be stored, and the opted-out row.
  const sample = screen.getByTestId('import-sample');
  await expect.element(sample.getByRole('columnheader', { name: 'station' })).toBeVisible();
  await expect.element(screen.getByTestId('import-sample-row').nth(2)).toHaveTextContent('Yes: never messaged');

  const button = screen.getByRole('button', { name: 'Import 3 targets' });
  await expect.element(button).toBeEnabled();
  await expect.element(button).toHaveAccessibleDescription(/the other 3 rows will be/);
  await button.click();
  expect(onImport).toHaveBeenCalledOnce();
});

test('a problem with the whole file imports nothing and says where it is', async () => {
  const onImport = vi.fn();
  const result: TImportTargetsResponse = {
    ...CHECKED,
    problem: { line: 1, message: 'no column for the template variable "discount"' },
    accepted: 0,
    opted_out: 0,
    rejected: [],
    by_country: {},
    sample: [],
  };
  const screen = await render(<TargetsImportPreview result={result} onImport={onImport} />);
  await expect
    .element(screen.getByRole('alert'))
    .toHaveTextContent(
      'Nothing can be imported from this file: line 1: no column for the template variable "discount".',
    );
  await expect.element(screen.getByTestId('import-accepted')).not.toBeInTheDocument();
  const button = screen.getByRole('button', { name: /^Import/ });
  await expect.element(button).toBeDisabled();
  await button.click({ force: true });
  expect(onImport).not.toHaveBeenCalled();
});

test('a file whose every row is rejected cannot be imported', async () => {
  const result: TImportTargetsResponse = {
    ...CHECKED,
    accepted: 0,
    opted_out: 0,
    by_country: {},
    sample: [],
  };
  const screen = await render(<TargetsImportPreview result={result} onImport={vi.fn()} />);
  await expect.element(screen.getByTestId('import-summary')).toHaveTextContent('No row can be imported');
  await expect.element(screen.getByRole('button', { name: 'Import 0 targets' })).toBeDisabled();
  expect(screen.getByTestId('import-rejection').elements()).toHaveLength(4);
});

test('the answer of the import says what was stored and lists the rows left out, with nothing more to press', async () => {
  const screen = await render(<TargetsImportPreview result={{ ...CHECKED, dry_run: false }} />);
  await expect.element(screen.getByRole('heading', { name: 'Imported' })).toBeVisible();
  await expect
    .element(screen.getByTestId('import-summary'))
    .toHaveTextContent('3 targets were imported; 4 rejected rows were left out.');
  await expect.element(screen.getByRole('table', { name: 'Rows not imported' })).toBeVisible();
  expect(screen.getByRole('button').elements()).toHaveLength(0);
});
