import { describe, expect, it } from 'vitest';
import { CAMPAIGN_CSV_MAX_ROWS, checkCampaignCsv, countTargetsByCountry } from './campaign-csv.ts';

const check = (text: string, variables: readonly string[] = ['name'], defaultCountry?: string) =>
  checkCampaignCsv(text, { variables, defaultCountry });

describe('checkCampaignCsv', () => {
  it('reads Rwandan numbers in local and international forms, with their country and variables', () => {
    const result = check(
      'msisdn,name\n0788123456,Aline\n+250 722 000 111,  Jean \n250733000222,Eric\n00250 788 000 333,Diane\n',
    );
    expect(result.problem).toBeUndefined();
    expect(result.rejected).toEqual([]);
    expect(result.targets).toEqual([
      { line: 2, msisdn: '+250788123456', country: 'RW', vars: { name: 'Aline' } },
      { line: 3, msisdn: '+250722000111', country: 'RW', vars: { name: 'Jean' } },
      { line: 4, msisdn: '+250733000222', country: 'RW', vars: { name: 'Eric' } },
      { line: 5, msisdn: '+250788000333', country: 'RW', vars: { name: 'Diane' } },
    ]);
  });

  it('reads Maltese numbers (8 digits) and other countries with their calling code', () => {
    const { targets, rejected } = check(
      'msisdn,name\n+356 7912 3456,Maria\n+254712345678,Wanjiru\n+447700900123,Tom\n',
    );
    expect(rejected).toEqual([]);
    expect(targets.map((t) => [t.msisdn, t.country])).toEqual([
      ['+35679123456', 'MT'],
      ['+254712345678', 'KE'],
      ['+447700900123', null],
    ]);
    // A bare 8-digit number is Maltese only when the campaign says local numbers are.
    expect(check('msisdn,name\n79123456,Maria\n', ['name'], 'MT').targets[0]?.msisdn).toBe('+35679123456');
  });

  it('rejects numbers that are not phone numbers, keeping the cell as written', () => {
    const { targets, rejected } = check('msisdn,name\nabc,A\n,B\n+250 78812345,C\n0788123456,D\n');
    expect(targets.map((t) => t.line)).toEqual([5]);
    expect(rejected).toEqual([
      { line: 2, value: 'abc', code: 'invalid_msisdn', reason: 'not a phone number (e.g. +250788123456)' },
      { line: 3, value: '', code: 'invalid_msisdn', reason: 'the phone number is empty' },
      { line: 4, value: '+250 78812345', code: 'invalid_msisdn', reason: 'not a phone number (e.g. +250788123456)' },
    ]);
  });

  it('rejects the same number written another way, naming the line it first appears on', () => {
    const { targets, rejected } = check('msisdn,name\n0788123456,A\n+250788123456,B\n00250788123456,C\n0722000111,D\n');
    expect(targets.map((t) => t.line)).toEqual([2, 5]);
    expect(rejected).toEqual([
      { line: 3, value: '+250788123456', code: 'duplicate', reason: 'duplicate of line 2' },
      { line: 4, value: '00250788123456', code: 'duplicate', reason: 'duplicate of line 2' },
    ]);
  });

  it('lets a good row have a number whose earlier row was rejected', () => {
    const { targets, rejected } = check('msisdn,name\n0788123456,\n0788123456,B\n');
    expect(rejected.map((r) => [r.line, r.code])).toEqual([[2, 'missing_variable']]);
    expect(targets.map((t) => t.line)).toEqual([3]);
  });

  it('rejects a row without a value for a template variable, or with one too long', () => {
    const { targets, rejected } = check(
      `msisdn,name,amount\n0788000001,Aline,   \n0788000002,,5000\n0788000003,${'x'.repeat(1025)},5000\n0788000004,${'x'.repeat(1024)},5000\n0788000005,Jean\n`,
      ['name', 'amount'],
    );
    expect(rejected).toEqual([
      { line: 2, value: '0788000001', code: 'missing_variable', reason: 'no value for "amount"' },
      { line: 3, value: '0788000002', code: 'missing_variable', reason: 'no value for "name"' },
      {
        line: 4,
        value: '0788000003',
        code: 'too_long',
        reason: 'the value for "name" is longer than 1,024 characters',
      },
      // A short row: the cells it lacks are empty.
      { line: 6, value: '0788000005', code: 'missing_variable', reason: 'no value for "amount"' },
    ]);
    expect(targets.map((t) => t.line)).toEqual([5]);
  });

  it('needs a column for every template variable, and ignores columns that are not variables', () => {
    expect(check('msisdn,name\n0788123456,A\n', ['name', 'amount', 'station'])).toEqual({
      targets: [],
      rejected: [],
      problem: { line: 1, message: `the template's variables need columns: "amount", "station"` },
    });
    expect(check('msisdn\n0788123456\n', ['name']).problem?.message).toBe(
      `the template's variable needs a column: "name"`,
    );
    expect(check(' MSISDN , Name ,Notes\n0788123456,Aline,VIP\n').targets).toEqual([
      { line: 2, msisdn: '+250788123456', country: 'RW', vars: { name: 'Aline' } },
    ]);
    // A template without variables needs only the numbers.
    expect(check('msisdn\n0788123456\n', []).targets).toHaveLength(1);
  });

  it('accepts "phone" for the number column, but not both', () => {
    expect(check('Phone,name\n0788123456,A\n').targets.map((t) => t.msisdn)).toEqual(['+250788123456']);
    expect(check('msisdn,phone,name\n0788123456,0788123456,A\n').problem).toEqual({
      line: 1,
      message: 'the file has "msisdn", "phone" columns: keep only one phone number column',
    });
    expect(check('mobile,name\n0788123456,A\n').problem).toEqual({
      line: 1,
      message: 'the file has no "msisdn" (or "phone") column',
    });
  });

  it('refuses a variable column that appears twice', () => {
    expect(check('msisdn,name,Name\n0788123456,A,B\n').problem?.message).toBe('these columns appear twice: "name"');
  });

  it('reads a BOM, CRLF, quoted values with commas, and counts lines across blank lines and quoted line breaks', () => {
    const { targets, rejected, problem } = check(
      '\uFEFFmsisdn,name,station\r\n"0788123456","Uwase, Aline","Kacyiru"\r\n\r\n0722000111,"two\nlines",x\r\n,,\r\nabc,Z,\r\n',
      ['name', 'station'],
    );
    expect(problem).toBeUndefined();
    expect(targets).toEqual([
      { line: 2, msisdn: '+250788123456', country: 'RW', vars: { name: 'Uwase, Aline', station: 'Kacyiru' } },
      { line: 4, msisdn: '+250722000111', country: 'RW', vars: { name: 'two\nlines', station: 'x' } },
    ]);
    // Line 6 (",,") is an empty row, not a target without a number.
    expect(rejected).toEqual([
      { line: 7, value: 'abc', code: 'invalid_msisdn', reason: 'not a phone number (e.g. +250788123456)' },
    ]);
  });

  it('stops at a row with more values than the header (an unquoted comma), but not at trailing empty cells', () => {
    expect(check('msisdn,name\n0788000001,A\n0788000002,Uwase, Aline\n0788000003,B,C\n').problem).toEqual({
      line: 3,
      message:
        'line 3 has 3 values but the header has 2 (and 1 more rows): put a value that contains a comma in double quotes',
    });
    expect(check('msisdn,name\n0788000001,A,,\n').targets).toHaveLength(1);
  });

  it('reports problems with the file as a whole', () => {
    expect(check('').problem).toEqual({ line: 1, message: 'the file is empty' });
    expect(check('\uFEFF\n\n').problem).toEqual({ line: 1, message: 'the file is empty' });
    expect(check('msisdn,name\n').problem).toEqual({ line: 2, message: 'the file has no targets (only a header)' });
    expect(check('msisdn,name\n,\n').problem).toEqual({ line: 2, message: 'the file has no targets (only a header)' });
    expect(check('msisdn,name\n0788123456,A\n"0788,B\n')).toEqual({
      targets: [],
      rejected: [],
      problem: { line: 3, message: 'a quoted field is never closed' },
    });
  });

  it(`takes at most ${CAMPAIGN_CSV_MAX_ROWS.toLocaleString('en')} targets`, () => {
    const row = (i: number) => `+25078${String(i).padStart(7, '0')},x`;
    const rows = (n: number) => Array.from({ length: n }, (_, i) => row(i));
    const full = check(['msisdn,name', ...rows(CAMPAIGN_CSV_MAX_ROWS)].join('\n'));
    expect(full.problem).toBeUndefined();
    expect(full.targets).toHaveLength(CAMPAIGN_CSV_MAX_ROWS);
    expect(check(['msisdn,name', ...rows(CAMPAIGN_CSV_MAX_ROWS + 1)].join('\n')).problem).toEqual({
      line: CAMPAIGN_CSV_MAX_ROWS + 2,
      message: 'at most 50,000 targets per campaign (this file has 50,001)',
    });
  });
});

describe('countTargetsByCountry', () => {
  it("counts targets by country, 'other' for unknown countries", () => {
    expect(countTargetsByCountry([{ country: 'RW' }, { country: 'MT' }, { country: 'RW' }, { country: null }])).toEqual(
      { RW: 2, MT: 1, other: 1 },
    );
    expect(countTargetsByCountry([])).toEqual({});
  });
});
