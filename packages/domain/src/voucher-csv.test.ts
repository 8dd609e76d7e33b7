import { describe, expect, it } from 'vitest';
import { checkVoucherCsv, parseCsv, VOUCHER_CSV_MAX_ROWS } from './voucher-csv.ts';

const stations = new Map([['ENG-KGL-001', '11111111-1111-4111-8111-111111111111']]);
const now = new Date('2026-11-24T10:00:00Z');
const check = (text: string) => checkVoucherCsv(text, { stations, now });

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    const { records, problem } = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z\n');
    expect(problem).toBeUndefined();
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['two\nlines', 'z'] },
    ]);
  });

  it('skips blank lines but keeps counting them, and keeps a last line without a newline', () => {
    expect(parseCsv('a\n\n\nb').records).toEqual([
      { line: 1, fields: ['a'] },
      { line: 4, fields: ['b'] },
    ]);
  });

  it('reports an unclosed quote with the line it starts on', () => {
    expect(parseCsv('a\n"open,b\nc').problem).toEqual({
      line: 2,
      column: '',
      message: 'a quoted field is never closed',
    });
  });
});

describe('checkVoucherCsv', () => {
  it('turns good rows into vouchers: numbers normalised, defaults, station codes resolved, dates at the end of the day in Kigali', () => {
    const { rows, problems } = check(
      'MSISDN,Amount,currency,expires_at,station,name,note\n' +
        '0788123456,5000,,2026-12-31,eng-kgl-001,Aline,first\n' +
        '+250 722 000 111,2500.50,rwf,2027-01-01T08:00:00+02:00,,,\n',
    );
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        msisdn: '+250788123456',
        amount: 5000,
        currency: 'RWF',
        expires_at: '2026-12-31T21:59:59.000Z',
        station_scope: '11111111-1111-4111-8111-111111111111',
        name: 'Aline',
        note: 'first',
      },
      {
        line: 3,
        msisdn: '+250722000111',
        amount: 2500.5,
        currency: 'RWF',
        expires_at: '2027-01-01T06:00:00.000Z',
        station_scope: null,
        name: null,
        note: null,
      },
    ]);
  });

  it('reports every bad cell with its line and column, and issues none of those rows', () => {
    const { rows, problems } = check(
      'msisdn,amount,expires_at,station\n' +
        'hello,5000,,\n' +
        '0788123456,-5,2020-01-01,\n' +
        '0788123456,12.345,tomorrow,NOPE\n' +
        '0788123456,,,\n' +
        '0788123456,99999999,,\n' +
        '0788123456,100\n' +
        '0788123456,100,,\n',
    );
    expect(problems).toEqual([
      { line: 2, column: 'msisdn', message: 'not a phone number (e.g. +250788123456)' },
      { line: 3, column: 'amount', message: 'not an amount (digits, at most 2 decimals)' },
      { line: 3, column: 'expires_at', message: 'is in the past' },
      { line: 4, column: 'amount', message: 'not an amount (digits, at most 2 decimals)' },
      { line: 4, column: 'expires_at', message: 'not a date (YYYY-MM-DD) or an instant with an offset' },
      { line: 4, column: 'station', message: 'no active station has the ENGEN code NOPE' },
      { line: 5, column: 'amount', message: 'is empty' },
      { line: 6, column: 'amount', message: 'must be at most 10,000,000' },
      { line: 7, column: '', message: 'has 2 fields; the header has 4' },
    ]);
    expect(rows.map((r) => r.line)).toEqual([8]);
  });

  it('needs a header with msisdn and amount, and refuses unknown or repeated columns', () => {
    expect(check('').problems).toEqual([{ line: 1, column: '', message: 'the CSV is empty' }]);
    expect(check('phone,amount\n0788123456,5\n').problems).toEqual([
      { line: 1, column: 'phone', message: expect.stringMatching(/^unknown column/) },
      { line: 1, column: 'msisdn', message: 'this column is required' },
    ]);
    expect(check('msisdn,amount,amount\n').problems).toEqual([
      { line: 1, column: 'amount', message: 'this column appears twice' },
    ]);
    expect(check('msisdn,amount\n').problems).toEqual([
      { line: 2, column: '', message: 'there are no rows under the header' },
    ]);
  });

  it(`accepts ${VOUCHER_CSV_MAX_ROWS.toLocaleString('en')} rows and refuses one more`, () => {
    const body = (n: number) => 'msisdn,amount\n' + '0788123456,1000\n'.repeat(n);
    const full = check(body(VOUCHER_CSV_MAX_ROWS));
    expect(full.problems).toEqual([]);
    expect(full.rows).toHaveLength(VOUCHER_CSV_MAX_ROWS);
    const over = check(body(VOUCHER_CSV_MAX_ROWS + 1));
    expect(over.rows).toEqual([]);
    expect(over.problems).toEqual([
      { line: VOUCHER_CSV_MAX_ROWS + 2, column: '', message: 'at most 10,000 rows per upload (this one has 10,001)' },
    ]);
  });
});
