/**
 * A campaign's targets from CSV: one row per recipient, a phone number and a value for
 * each of the template's variables. Unlike a voucher upload, a campaign goes out to the
 * good rows: a bad row is rejected with its line and reason and the rest stay. Only a
 * problem with the file itself (empty, columns missing, too long, broken quoting) stops
 * the whole upload. Opt-outs are marked by the server, which knows who said STOP.
 *
 * Columns (header row required, any order, case-insensitive): msisdn (or phone), then a
 * column for every template variable. Columns that are not template variables are
 * ignored, so an export from a spreadsheet can be uploaded as it is.
 */
import { countryOf, normalizeMsisdn } from './msisdn.ts';
import { parseCsv } from './voucher-csv.ts';

export const CAMPAIGN_CSV_MAX_ROWS = 50_000;
/** WhatsApp refuses a template parameter much longer than this; better to say so here. */
export const CAMPAIGN_CSV_MAX_VALUE_LENGTH = 1024;
const MSISDN_COLUMNS = ['msisdn', 'phone'] as const;

export interface CampaignCsvTarget {
  /** The CSV line the row starts on (1 is the header). */
  line: number;
  /** E.164. */
  msisdn: string;
  /** 'RW', 'MT', … from the number; null when it is a country we do not know. */
  country: string | null;
  /** A trimmed value for every template variable, by variable name. */
  vars: Record<string, string>;
}

export interface CampaignCsvRejection {
  line: number;
  /** The msisdn cell as written in the file. */
  value: string;
  reason: string;
  code: 'invalid_msisdn' | 'duplicate' | 'missing_variable' | 'too_long';
}

export interface CampaignCsvCheck {
  targets: CampaignCsvTarget[];
  rejected: CampaignCsvRejection[];
  /** What is wrong with the file as a whole; there are then no targets. */
  problem?: { line: number; message: string };
}

const list = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

/**
 * Every target and every rejected row of a campaign CSV. `variables` are the template's
 * (templateVariables()); a local number (0788…) is read in `defaultCountry` (RW).
 */
export function checkCampaignCsv(
  text: string,
  options: { variables: readonly string[]; defaultCountry?: string },
): CampaignCsvCheck {
  const fail = (line: number, message: string): CampaignCsvCheck => ({
    targets: [],
    rejected: [],
    problem: { line, message },
  });
  const parsed = parseCsv(text);
  if (parsed.problem) return fail(parsed.problem.line, parsed.problem.message);
  const [header, ...records] = parsed.records;
  if (!header) return fail(1, 'the file is empty');

  const columns = header.fields.map((f) => f.trim().toLowerCase());
  const msisdnColumns = columns.filter((c) => (MSISDN_COLUMNS as readonly string[]).includes(c));
  if (msisdnColumns.length === 0) return fail(header.line, 'the file has no "msisdn" (or "phone") column');
  if (msisdnColumns.length > 1) {
    return fail(header.line, `the file has ${list(msisdnColumns)} columns: keep only one phone number column`);
  }
  const msisdnAt = columns.indexOf(msisdnColumns[0] as string);
  const missing = options.variables.filter((v) => !columns.includes(v.trim().toLowerCase()));
  if (missing.length > 0) {
    const noun = missing.length === 1 ? 'variable needs a column' : 'variables need columns';
    return fail(header.line, `the template's ${noun}: ${list(missing)}`);
  }
  const twice = options.variables.filter((v) => columns.filter((c) => c === v.trim().toLowerCase()).length > 1);
  if (twice.length > 0) return fail(header.line, `these columns appear twice: ${list(twice)}`);
  const variableAt = options.variables.map((name) => ({ name, at: columns.indexOf(name.trim().toLowerCase()) }));

  // A row of empty cells (a spreadsheet's trailing ",,,") is no target.
  const rows = records.filter((r) => r.fields.some((f) => f.trim() !== ''));
  if (rows.length === 0) return fail(header.line + 1, 'the file has no targets (only a header)');
  if (rows.length > CAMPAIGN_CSV_MAX_ROWS) {
    const over = rows[CAMPAIGN_CSV_MAX_ROWS] as { line: number };
    return fail(
      over.line,
      `at most ${CAMPAIGN_CSV_MAX_ROWS.toLocaleString('en')} targets per campaign (this file has ${rows.length.toLocaleString('en')})`,
    );
  }
  // More cells than the header almost always means an unquoted comma inside a value:
  // every later value would go to the wrong variable, so the file must be fixed.
  const shifted = rows.filter((r) => r.fields.slice(columns.length).some((f) => f.trim() !== ''));
  if (shifted.length > 0) {
    const first = shifted[0] as { line: number; fields: string[] };
    const others = shifted.length > 1 ? ` (and ${shifted.length - 1} more rows)` : '';
    return fail(
      first.line,
      `line ${first.line} has ${first.fields.length} values but the header has ${columns.length}${others}: put a value that contains a comma in double quotes`,
    );
  }

  const targets: CampaignCsvTarget[] = [];
  const rejected: CampaignCsvRejection[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { line, fields } of rows) {
    const value = fields[msisdnAt] ?? '';
    const reject = (code: CampaignCsvRejection['code'], reason: string) => rejected.push({ line, value, reason, code });
    const msisdn = normalizeMsisdn(value, options.defaultCountry ?? 'RW');
    if (!msisdn) {
      reject('invalid_msisdn', value.trim() ? 'not a phone number (e.g. +250788123456)' : 'the phone number is empty');
      continue;
    }
    const first = firstLineOf.get(msisdn);
    if (first !== undefined) {
      reject('duplicate', `duplicate of line ${first}`);
      continue;
    }
    const vars: Record<string, string> = {};
    const empty = variableAt.find(({ at }) => (fields[at] ?? '').trim() === '');
    if (empty) {
      reject('missing_variable', `no value for "${empty.name}"`);
      continue;
    }
    for (const { name, at } of variableAt) vars[name] = (fields[at] ?? '').trim();
    const long = variableAt.find(({ name }) => (vars[name] as string).length > CAMPAIGN_CSV_MAX_VALUE_LENGTH);
    if (long) {
      reject(
        'too_long',
        `the value for "${long.name}" is longer than ${CAMPAIGN_CSV_MAX_VALUE_LENGTH.toLocaleString('en')} characters`,
      );
      continue;
    }
    // Only a row that becomes a target claims its number: a later good row is not a duplicate of a rejected one.
    firstLineOf.set(msisdn, line);
    targets.push({ line, msisdn, country: countryOf(msisdn)?.code ?? null, vars });
  }
  return { targets, rejected };
}

/** Targets by country code, 'other' for numbers of countries we do not know: the estimate's input. */
export function countTargetsByCountry(targets: readonly Pick<CampaignCsvTarget, 'country'>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { country } of targets) {
    const key = country ?? 'other';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
