/**
 * What a checked CSV would issue, for the preview: the server's dry run gives the count
 * of good rows and every problem; the amounts are summed here from the rows it found no
 * problem with (grouped by currency, since a file may mix them).
 */
import type { TBulkRowError } from '@easymo/contracts';
import { parseCsv } from '@easymo/domain';

export interface CsvTotal {
  currency: string;
  amount: number;
}

/**
 * The total amount per currency of the rows without a problem, or null when this
 * reading does not find `expectedRows` good rows (then no total is shown rather than a wrong one).
 */
export function goodRowTotals(csv: string, errors: TBulkRowError[], expectedRows: number): CsvTotal[] | null {
  if (expectedRows === 0) return [];
  const { records } = parseCsv(csv);
  const [header, ...rows] = records;
  if (!header) return null;
  const columns = header.fields.map((field) => field.trim().toLowerCase());
  const amountAt = columns.indexOf('amount');
  const currencyAt = columns.indexOf('currency');
  if (amountAt < 0) return null;
  const bad = new Set(errors.map((error) => error.line));
  const totals = new Map<string, number>();
  let counted = 0;
  for (const row of rows) {
    if (bad.has(row.line)) continue;
    const amount = Number(row.fields[amountAt]?.trim());
    if (!Number.isFinite(amount)) return null;
    const currency = (currencyAt < 0 ? '' : (row.fields[currencyAt]?.trim().toUpperCase() ?? '')) || 'RWF';
    // Cents, so 0.1 + 0.2 adds up.
    totals.set(currency, (totals.get(currency) ?? 0) + Math.round(amount * 100));
    counted++;
  }
  if (counted !== expectedRows) return null;
  return [...totals].map(([currency, cents]) => ({ currency, amount: cents / 100 }));
}
