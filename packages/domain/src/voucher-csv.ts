/**
 * Bulk voucher issue from CSV: parsing (RFC 4180: quoted fields, doubled quotes, line
 * breaks inside quotes, CRLF, a UTF-8 BOM) and checking every row, so a dry run can list
 * every problem with its line and column before anything is issued.
 *
 * Columns (header row required, any order, case-insensitive): msisdn, amount, and
 * optionally currency (RWF), expires_at (a date, meaning the end of that day in Kigali,
 * or an instant with an offset), station (the ENGEN code of the only station that may
 * redeem it), name (the driver's name, for new drivers), note.
 */
import { normalizeMsisdn } from './msisdn.ts';

export const VOUCHER_CSV_MAX_ROWS = 10_000;
export const VOUCHER_CSV_COLUMNS = ['msisdn', 'amount', 'currency', 'expires_at', 'station', 'name', 'note'] as const;
const REQUIRED = ['msisdn', 'amount'] as const;
const MAX_AMOUNT = 10_000_000;

export interface VoucherCsvRow {
  /** The CSV line the row starts on (1 is the header). */
  line: number;
  msisdn: string;
  amount: number;
  currency: string;
  expires_at: string | null;
  station_scope: string | null;
  name: string | null;
  note: string | null;
}

export interface CsvProblem {
  line: number;
  column: string;
  message: string;
}

/** Records of a CSV text, each with the line it starts on; an unclosed quote is a problem. */
export function parseCsv(text: string): { records: { line: number; fields: string[] }[]; problem?: CsvProblem } {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const endRecord = () => {
    fields.push(field);
    // A blank line is no record.
    if (fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (quoted) {
      if (char === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
      fieldStarted = false;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += char;
      fieldStarted = true;
    }
  }
  if (quoted) return { records, problem: { line: recordLine, column: '', message: 'a quoted field is never closed' } };
  if (field !== '' || fields.length > 0) endRecord();
  return { records };
}

/** Kigali has no daylight saving: UTC+2 all year. */
const KIGALI_OFFSET = '+02:00';

function parseExpiry(value: string, now: Date): { value?: string; problem?: string } {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59${KIGALI_OFFSET}`) : undefined;
  const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
    ? new Date(value)
    : undefined;
  const parsed = date ?? instant;
  if (!parsed || Number.isNaN(parsed.getTime()))
    return { problem: 'not a date (YYYY-MM-DD) or an instant with an offset' };
  if (parsed <= now) return { problem: 'is in the past' };
  return { value: parsed.toISOString() };
}

function parseAmount(value: string): { value?: number; problem?: string } {
  if (!/^\d+(\.\d{1,2})?$/.test(value)) return { problem: 'not an amount (digits, at most 2 decimals)' };
  const amount = Number(value);
  if (amount <= 0) return { problem: 'must be more than 0' };
  if (amount > MAX_AMOUNT) return { problem: `must be at most ${MAX_AMOUNT.toLocaleString('en')}` };
  return { value: amount };
}

/**
 * Every valid row and every problem. `stations` maps ENGEN codes to station ids (only
 * active stations should be in it). A CSV with problems must not be issued.
 */
export function checkVoucherCsv(
  text: string,
  options: { stations: ReadonlyMap<string, string>; now?: Date },
): { rows: VoucherCsvRow[]; problems: CsvProblem[]; records: number } {
  const now = options.now ?? new Date();
  const problems: CsvProblem[] = [];
  const { records, problem } = parseCsv(text);
  if (problem) problems.push(problem);
  const [header, ...data] = records;
  if (!header) return { rows: [], problems: [{ line: 1, column: '', message: 'the CSV is empty' }], records: 0 };

  const columns = header.fields.map((f) => f.trim().toLowerCase());
  const known = new Set<string>(VOUCHER_CSV_COLUMNS);
  columns.forEach((column, i) => {
    if (!known.has(column)) {
      problems.push({
        line: header.line,
        column: column || `column ${i + 1}`,
        message: `unknown column (use ${VOUCHER_CSV_COLUMNS.join(', ')})`,
      });
    } else if (columns.indexOf(column) !== i) {
      problems.push({ line: header.line, column, message: 'this column appears twice' });
    }
  });
  for (const column of REQUIRED) {
    if (!columns.includes(column)) problems.push({ line: header.line, column, message: 'this column is required' });
  }
  if (problems.some((p) => p.line === header.line)) return { rows: [], problems, records: data.length };
  if (data.length === 0) problems.push({ line: 2, column: '', message: 'there are no rows under the header' });
  if (data.length > VOUCHER_CSV_MAX_ROWS) {
    problems.push({
      line: data[VOUCHER_CSV_MAX_ROWS]?.line ?? 0,
      column: '',
      message: `at most ${VOUCHER_CSV_MAX_ROWS.toLocaleString('en')} rows per upload (this one has ${data.length.toLocaleString('en')})`,
    });
    return { rows: [], problems, records: data.length };
  }

  const rows: VoucherCsvRow[] = [];
  for (const record of data) {
    const cell = (column: string) => {
      const at = columns.indexOf(column);
      return at < 0 ? '' : (record.fields[at] ?? '').trim();
    };
    const problem = (column: string, message: string) => problems.push({ line: record.line, column, message });
    const before = problems.length;
    if (record.fields.length !== columns.length) {
      problem('', `has ${record.fields.length} fields; the header has ${columns.length}`);
      continue;
    }
    const msisdn = normalizeMsisdn(cell('msisdn'));
    if (!msisdn) problem('msisdn', cell('msisdn') ? 'not a phone number (e.g. +250788123456)' : 'is empty');
    const amount = parseAmount(cell('amount'));
    if (amount.problem) problem('amount', cell('amount') ? amount.problem : 'is empty');
    const currency = cell('currency').toUpperCase() || 'RWF';
    if (!/^[A-Z]{3}$/.test(currency)) problem('currency', 'not a 3-letter currency code');
    const expiry = cell('expires_at') ? parseExpiry(cell('expires_at'), now) : {};
    if (expiry.problem) problem('expires_at', expiry.problem);
    const engencode = cell('station').toUpperCase();
    const station = engencode ? options.stations.get(engencode) : undefined;
    if (engencode && !station) problem('station', `no active station has the ENGEN code ${engencode}`);
    const name = cell('name');
    if (name.length > 100) problem('name', 'at most 100 characters');
    const note = cell('note');
    if (note.length > 500) problem('note', 'at most 500 characters');
    if (problems.length > before || !msisdn || amount.value === undefined) continue;
    rows.push({
      line: record.line,
      msisdn,
      amount: amount.value,
      currency,
      expires_at: expiry.value ?? null,
      station_scope: station ?? null,
      name: name || null,
      note: note || null,
    });
  }
  return { rows, problems, records: data.length };
}
