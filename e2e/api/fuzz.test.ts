/**
 * Fuzz: generated malformed requests on every route that takes input (bodies, query
 * strings, path ids, the webhook's signature) get a 4xx in the API's error shape, never a
 * 500, and change no row. Cases come from a seeded PRNG (FUZZ_SEED=<n> replays a run):
 * each starts from a valid request and is mutated until it breaks its contract. Before a
 * case is kept it is checked against the same contract the function uses (the zod
 * schemas, the CSV rules), so none of them can be a valid request by accident.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZAuditQuery } from '../../packages/contracts/src/admin/audit.ts';
import {
  ZCreateCampaignRequest,
  ZImportTargetsRequest,
  ZListCampaignsQuery,
  ZListTargetsQuery,
  ZRetryTargetsRequest,
  ZUpdateCampaignRequest,
} from '../../packages/contracts/src/admin/campaigns.ts';
import {
  ZApproveQuoteRequest,
  ZListQuotesQuery,
  ZRequestQuoteChangesRequest,
  ZResubmitQuoteRequest,
} from '../../packages/contracts/src/admin/insurance.ts';
import {
  ZAssignOperatorRequest,
  ZCreateStationRequest,
  ZListStationsQuery,
  ZUpdateStationRequest,
} from '../../packages/contracts/src/admin/stations.ts';
import { ZInviteAdminRequest, ZSetRolesRequest } from '../../packages/contracts/src/admin/users.ts';
import { ERROR_STATUS, ZErrorBody } from '../../packages/contracts/src/errors.ts';
import {
  EDITABLE_SETTINGS,
  ZOptOutRequest,
  ZPutSettingRequest,
  type EditableSettingKey,
} from '../../packages/contracts/src/settings/settings.ts';
import { ZSchedulerTickRequest } from '../../packages/contracts/src/scheduler.ts';
import {
  ZHistoryQuery,
  ZLookupRequest,
  ZRedeemRequest,
  ZSyncRequest,
} from '../../packages/contracts/src/station/station.ts';
import { ZBulkIssueRequest } from '../../packages/contracts/src/vouchers/bulk.ts';
import { ZIssueVoucherRequest } from '../../packages/contracts/src/vouchers/issue.ts';
import { ZListVouchersQuery, ZVoucherFilter } from '../../packages/contracts/src/vouchers/list.ts';
import { ZVoidVoucherRequest } from '../../packages/contracts/src/vouchers/manage.ts';
import { checkCampaignCsv } from '../../packages/domain/src/campaign-csv.ts';
import { checkVoucherCsv } from '../../packages/domain/src/voucher-csv.ts';
import { db, DEMO, signIn, stack } from '../support/stack.ts';
import { DRIVER, forgetAttempts, STATION_1, type Json } from '../support/vouchers.ts';

// ---------------------------------------------------------------------------------------
// A seeded PRNG (mulberry32): the seed is in the test names; FUZZ_SEED replays a run.

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rng = mulberry32(SEED);
const int = (n: number) => Math.floor(rng() * n);
const chance = (p: number) => rng() < p;
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
const chars = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[int(alphabet.length)]).join('');

// ---------------------------------------------------------------------------------------
// Malformed values.

/** A JSON number written as-is (1e309, -0, 1.0000000000000000001): JSON.stringify cannot. */
class Raw {
  constructor(readonly text: string) {}
}

/** JSON text with Raw values spliced in. */
function encode(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Raw ? `@@RAW${raws.push(v.text) - 1}@@` : v,
  ) as string | undefined;
  return (text ?? 'null').replace(/"@@RAW(\d+)@@"/g, (_m, i: string) => raws[Number(i)] ?? 'null');
}

const HUGE = 'A'.repeat(100_000);
const HUGE_EMOJI = '🎫'.repeat(50_000);
const SQL = [
  "'; drop table vouchers; --",
  "1' or '1'='1",
  '" or ""="',
  '$$; select pg_sleep(10); $$',
  "') union select * from auth.users --",
];
const WEIRD = [
  '',
  ' ',
  '\t\r\n',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  'true',
  '🎫🚗⛽️👨‍👩‍👧‍👦',
  '\u202Eevil\u202C',
  '\u200B\u200B\u200B',
  '\u0000',
  'a\u0000b',
  '\u0001\u0007\u001b[31m\u007f',
  '\ud800',
  '\udfff\ud800',
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '%s%s%s%n',
  '../../../../etc/passwd',
  '%00',
  'Ω≈ç√∫˜µ≤≥÷',
  '𝕿𝖍𝖊 𝖖𝖚𝖎𝖈𝖐',
  'x'.repeat(600),
  ...SQL,
];
const BAD_TIMESTAMPS = [
  '2026-13-45T99:99:99Z',
  '2026-11-24',
  '2026-11-24T10:00:00',
  '2026-11-24 10:00:00Z',
  '2026-02-30T10:00:00Z',
  '2026-11-24T24:00:01Z',
  '2026-11-24T10:00:00+25:00',
  '9999-99-99T99:99:99+99:99',
  '+275760-09-13T00:00:00.001Z',
  '0000-00-00T00:00:00Z',
  'T10:00:00Z',
  'tomorrow',
  'now',
  'yesterday',
  '1700000000',
  '2026-11-24T10:00:00.Z',
  '2026-W48-2T10:00:00Z',
];
const BAD_UUIDS = [
  'not-a-uuid',
  'd0000000-0000-4000-8000-00000000000g',
  'd0000000-0000-4000-8000-0000000000001',
  'd0000000-0000-4000-8000-00000000000',
  'd00000000000400080000000000000001',
  '{d0000000-0000-4000-8000-000000000001}',
  'urn:uuid:d0000000-0000-4000-8000-000000000001',
  ' d0000000-0000-4000-8000-000000000001',
  'd0000000-0000-4000-8000-000000000001\u0000',
  'd0000000_0000_4000_8000_000000000001',
  'KGL-KCY-01',
  '0',
];

function deep(depth: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = chance(0.5) ? { a: value } : [value];
  return value;
}

/** Any JSON value a careless or hostile client might send in place of a field. */
function junk(): unknown {
  switch (int(9)) {
    case 0:
      return pick([null, true, false, 0, -1, 1.5, -0.01, 1e21, Number.MAX_SAFE_INTEGER + 2, 5e-324]);
    case 1:
      return new Raw(
        pick([
          '1e309',
          '-1e309',
          '1E400',
          '-0',
          '1.00000000000000000000000001',
          '1e-400',
          '123456789012345678901234567890',
        ]),
      );
    case 2:
      return pick(WEIRD);
    case 3:
      return pick(SQL);
    case 4:
      return chance(0.5) ? HUGE : HUGE_EMOJI;
    case 5:
      return pick([[], [1, 'a', null], {}, { a: 1 }, [{}], { $gt: '' }, JSON.parse('{"__proto__": 1}')]);
    case 6:
      return deep(200);
    case 7:
      return pick(BAD_TIMESTAMPS);
    default:
      return pick(BAD_UUIDS);
  }
}

const UNKNOWN_KEYS = [
  'admin',
  'role',
  'status',
  'id',
  'code5',
  'created_by',
  'redeemed_at',
  'user',
  '',
  ' ',
  'constructor',
  'prototype',
  '__proto__',
  '💥',
  'a'.repeat(5000),
  'amount ',
  'AMOUNT',
  '\u0000',
];

/** A short, printable form of a value for notes and failure reports. */
function short(value: unknown, max = 80): string {
  const text = value instanceof Raw ? value.text : typeof value === 'string' ? JSON.stringify(value) : encode(value);
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

// ---------------------------------------------------------------------------------------
// Object bodies mutated from a valid one.

type Obj = Record<string, unknown>;

interface BodySpec {
  /** Valid bodies to start from. */
  bases: () => Obj[];
  /** Bad values for each field (drawn from, with generic junk mixed in). */
  fields: Record<string, () => unknown>;
  /** Fields whose absence breaks the contract. */
  required: readonly string[];
  /** Route-specific mutations. */
  extra?: (() => { body: (body: Obj) => unknown; note: string })[];
  /** The route's most telling malformation, made this often on its own. */
  focus?: { share: number; make: () => { value: unknown; note: string } };
}

function setKey(body: Obj, key: string, value: unknown): void {
  Object.defineProperty(body, key, { value, enumerable: true, configurable: true, writable: true });
}

function mutate(spec: BodySpec): { value: unknown; note: string } {
  if (spec.focus && chance(spec.focus.share)) return spec.focus.make();
  const base = pick(spec.bases());
  // Mutations work on a copy: `base` stays intact (and apart) for the ones that reuse its values.
  let value: unknown = structuredClone(base);
  const notes: string[] = [];
  const steps = 1 + (chance(0.35) ? 1 : 0) + (chance(0.1) ? 1 : 0);
  for (let i = 0; i < steps; i++) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) break;
    const body = value as Obj;
    const roll = rng();
    if (roll < 0.5) {
      const field = pick(Object.keys(spec.fields));
      const bad = chance(0.75) ? (spec.fields[field] as () => unknown)() : junk();
      setKey(body, field, bad);
      notes.push(`${field}=${short(bad, 40)}`);
    } else if (roll < 0.62 && spec.required.length > 0) {
      const field = pick(spec.required);
      Reflect.deleteProperty(body, field);
      notes.push(`drop ${field}`);
    } else if (roll < 0.74) {
      const key = pick(UNKNOWN_KEYS);
      const extra = chance(0.5) ? junk() : 'x';
      setKey(body, key, extra);
      notes.push(`unknown key ${short(key, 20)}=${short(extra, 30)}`);
    } else if (roll < 0.86 && spec.extra) {
      const extra = pick(spec.extra)();
      value = extra.body(body);
      notes.push(extra.note);
    } else if (roll < 0.92) {
      const field = pick(Object.keys(spec.fields));
      setKey(body, field, deep(200, chance(0.5) ? (base[field] ?? 1) : 'x'));
      notes.push(`${field} nested 200 deep`);
    } else {
      const wrap = int(4);
      value = wrap === 0 ? [body] : wrap === 1 ? { data: body } : wrap === 2 ? encode(body) : junk();
      notes.push(['as an array', 'wrapped in {data}', 'JSON-encoded twice', 'replaced by junk'][wrap] as string);
    }
  }
  return { value, note: notes.join('; ') };
}

/** Raw request bytes. */
type Bytes = Uint8Array<ArrayBuffer>;

/** What the tests need of a contract schema (zod's safeParse). */
interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/** Bodies that are not JSON, or JSON of the wrong kind, sent as raw bytes. */
function rawBody(): { body: string | Bytes; note: string } {
  const options: (() => string | Bytes)[] = [
    () => '{',
    () => '}',
    () => '{"amount":',
    () => 'null',
    () => '[]',
    () => '"str"',
    () => '',
    () => '0',
    () => 'true',
    () => 'undefined',
    () => 'NaN',
    () => "{'a': 1}",
    () => '{"a":1,}',
    () => '{"a":1}{"b":2}',
    () => '{a:1}',
    () => '\uFEFF{',
    () => '['.repeat(5000) + ']'.repeat(5000),
    () => '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
    () => '['.repeat(100_000),
    () => '<?xml version="1.0"?><a/>',
    () => 'amount=5000&user_id=x',
    () => `--x\r\ncontent-disposition: form-data; name="a"\r\n\r\n1\r\n--x--`,
    () => Uint8Array.from({ length: 64 + int(2000) }, () => int(256)),
    () => Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
    () => Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xc3, 0x28, 0x7d]),
    () => '\u0000'.repeat(100),
    () => HUGE,
    () => JSON.stringify(HUGE),
  ];
  const body = pick(options)();
  const text = typeof body === 'string' ? body : `bytes ${[...body.slice(0, 12)].join(',')}`;
  return { body, note: `raw body ${short(text, 50)}` };
}

// ---------------------------------------------------------------------------------------
// The routes, their callers and how a body or query is judged (as the function judges it).

type Caller = 'admin' | 'operator' | 'service' | 'none';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Case {
  route: string;
  method: Method;
  path: string;
  caller: Caller;
  body?: string | Bytes;
  headers?: Record<string, string>;
  /** Statuses that pass (default: any 4xx). */
  expect?: readonly number[];
  /** The route ignores this input, so its normal answer (200) is fine too. */
  okAllowed?: boolean;
  /** The expected status is sent before the body is read: retry if the connection drops. */
  oversize?: boolean;
  note: string;
}

const MAX_BODY_BYTES = 3_000_000;
const decoder = new TextDecoder(); // as Request.text(): BOM dropped, bad UTF-8 replaced

function bytesOf(body: string | Bytes): Bytes {
  return typeof body === 'string' ? new TextEncoder().encode(body) : body;
}

/** What the function's jsonBody would make of a body: 'refused', or the parsed value (the schema's output). */
function judgeJson<T>(body: string | Bytes, schema: Schema<T>): { refused: true } | { refused: false; data: T } {
  const bytes = bytesOf(body);
  if (bytes.length > MAX_BODY_BYTES) return { refused: true };
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return { refused: true };
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? { refused: false, data: parsed.data } : { refused: true };
}

interface Fixtures {
  voucherIds: string[];
  stations: Map<string, string>;
  /** Every station, active or not. */
  stationIds: string[];
  /** Accounts: admins and operators. */
  accountIds: string[];
}

const future = '2099-06-30T12:00:00Z';
const goodMsisdn = () => `+25078${String(int(1e7)).padStart(7, '0')}`;
const goodRow = () => `${goodMsisdn()},${100 + int(50_000)}`;
const goodCode = () => chars('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 5);

/** A string that looks like a QR token but was signed by nobody (20–300 chars). */
function junkToken(): string {
  const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const kind = int(4);
  if (kind === 0) return `${chars(b64, 36)}.${chars(b64, 60)}.${chars(b64, 86)}`;
  if (kind === 1) return `v1.${chars(b64, 20 + int(200))}`;
  if (kind === 2) return pick(SQL).padEnd(25, '-');
  return chars('🎫abc.-_ \u0000', 20 + int(80)).slice(0, 150);
}

const BAD_CODES = [
  '',
  'ABCD',
  'ABCDEF',
  'UUUUU',
  'AB CD',
  'ABC*E',
  '12345678901234567',
  'ABCDE\u0000',
  '⛽⛽⛽⛽⛽',
  '-----',
  'ABCDÉ',
];
const BAD_TOKENS = ['short', 'x'.repeat(19), 'x'.repeat(301), HUGE];

const issueSpec: BodySpec = {
  bases: () => [
    { user_id: DRIVER, amount: 5000, send: false },
    {
      msisdn: goodMsisdn(),
      amount: 1250.5,
      currency: 'RWF',
      station_scope: STATION_1,
      campaign_id: null,
      expires_at: future,
      note: 'fuzz',
      send: false,
    },
  ],
  fields: {
    amount: () =>
      pick([
        0,
        -1,
        -0.01,
        0.001,
        12.345,
        10_000_000.01,
        1e8,
        '5000',
        '',
        null,
        true,
        [5000],
        { value: 5000 },
        Number.MAX_VALUE,
        5e-324,
        new Raw('1e309'),
        new Raw('-1e309'),
        new Raw('5000.000000000001'),
        new Raw('-0'),
      ]),
    user_id: () => pick([...BAD_UUIDS, '', 42, [], {}]),
    msisdn: () =>
      pick([
        'abc',
        '',
        '+',
        '+1',
        '0'.repeat(40),
        '+250 78x 123',
        250788123456,
        '+250788123456'.repeat(3),
        ...SQL,
        '📞📞📞',
        null,
      ]),
    currency: () => pick(['rwf', 'RW', 'RWFX', '', 'R1F', 123, null, 'ÅÄÖ', '€', ' RWF']),
    station_scope: () => pick([...BAD_UUIDS, '', 1, {}, [STATION_1]]),
    campaign_id: () => pick([...BAD_UUIDS, '', false, []]),
    expires_at: () => pick([...BAD_TIMESTAMPS, '2020-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 1_900_000_000, '', {}]),
    note: () => pick(['x'.repeat(501), HUGE, 42, null, [], {}, true]),
    send: () => pick(['true', 'false', 1, 0, null, 'yes', [], {}]),
  },
  required: ['amount', 'user_id', 'msisdn'],
  extra: [
    () => ({ body: (b) => ({ ...b, user_id: DRIVER, msisdn: '+250788123456' }), note: 'both user_id and msisdn' }),
    () => ({ body: (b) => ({ ...b, amount: -Math.abs(Number(b.amount) || 1) }), note: 'negative amount' }),
    () => ({ body: (b) => ({ ...b, expires_at: '2001-01-01T00:00:00Z' }), note: 'expired already' }),
  ],
};

/** CSVs that break the CSV rules (each is checked with the rules before use). */
function badCsv(): { csv: string; note: string } {
  const rows = () => Array.from({ length: 1 + int(5) }, goodRow);
  const withBad = (bad: string) => {
    const list = rows();
    list.splice(int(list.length + 1), 0, bad);
    return `msisdn,amount\n${list.join('\n')}\n`;
  };
  const options: [string, () => string][] = [
    ['unknown column', () => `msisdn,amount,colour\n${goodRow()},red`],
    ['no msisdn column', () => `amount\n5000`],
    ['no amount column', () => `msisdn\n${goodMsisdn()}`],
    ['a column twice', () => `msisdn,amount,amount\n${goodRow()},5`],
    ['an unclosed quote', () => `msisdn,amount\n"${goodMsisdn()},5000`],
    ['header only', () => pick(['msisdn,amount', 'msisdn,amount\n', 'msisdn,amount\r\n\r\n'])],
    ['blank lines only', () => '\n\n\r\n'],
    [
      'a bad amount',
      () =>
        withBad(
          `${goodMsisdn()},${pick(['-5', '5.001', 'abc', '0', '0.00', '10000001', '1e3', ' ', '', 'NaN', '5 000', '١٢٣', ...SQL])}`,
        ),
    ],
    ['a field too many', () => withBad(`${goodMsisdn()},5,000`)],
    ['a field too few', () => withBad(goodMsisdn())],
    [
      'a bad msisdn',
      () =>
        withBad(
          `${pick(['abc', '', '123', '=cmd|" /C calc"!A0', '📞', '+2507', ...SQL.map((s) => `"${s.replace(/"/g, '""')}"`)])},5000`,
        ),
    ],
    [
      'expiry in the past',
      () => `msisdn,amount,expires_at\n${goodRow()},${pick(['2020-01-01', '2001-01-01T00:00:00Z'])}`,
    ],
    ['a bad expiry', () => `msisdn,amount,expires_at\n${goodRow()},${pick(BAD_TIMESTAMPS)}`],
    [
      'an unknown station',
      () => `msisdn,amount,station\n${goodRow()},${pick(['KGL-XXX-99', 'KGL-KNB-08', 'x', '💥'])}`,
    ],
    ['a bad currency', () => `msisdn,amount,currency\n${goodRow()},${pick(['rwff', '12', 'R W', 'EURO'])}`],
    ['a name too long', () => `msisdn,amount,name\n${goodRow()},${'n'.repeat(101)}`],
    ['a note too long', () => `msisdn,amount,note\n${goodRow()},${'n'.repeat(501)}`],
    [
      '10,001 rows',
      () =>
        `msisdn,amount\n${Array.from({ length: 10_001 }, (_, i) => `+25078${String(i).padStart(7, '0')},100`).join('\n')}`,
    ],
    ['a BOM, CRLF and a bad row', () => `\uFEFFmsisdn,amount\r\n${goodRow()}\r\n"${goodMsisdn()}","-1"\r\n`],
    ['junk text', () => pick([...WEIRD.filter((w) => w.trim() !== ''), HUGE])],
  ];
  const [note, make] = pick(options);
  return { csv: make(), note: `csv: ${note}` };
}

const bulkSpec: BodySpec = {
  bases: () => [
    { csv: `msisdn,amount\n${goodRow()}\n`, dry_run: false, send: false },
    {
      csv: `msisdn,amount,currency,station\n${goodRow()},RWF,KGL-KCY-01\n`,
      dry_run: false,
      campaign_id: null,
      send: false,
    },
  ],
  fields: {
    csv: () => pick(['', 42, null, [], { a: 1 }, ['msisdn,amount'], 'x'.repeat(2_000_001)]),
    dry_run: () => pick(['true', 'false', 0, 1, null, 'yes', []]),
    campaign_id: () => pick([...BAD_UUIDS, '', 7]),
    send: () => pick(['true', 1, null, {}]),
  },
  required: ['dry_run', 'csv'],
  focus: {
    share: 0.5,
    make: () => {
      const bad = badCsv();
      const value = { csv: bad.csv, dry_run: false, send: false, ...(chance(0.3) ? { campaign_id: null } : {}) };
      return { value, note: `${bad.note}, dry_run false` };
    },
  },
  extra: [
    () => {
      const bad = badCsv();
      return { body: (b) => ({ ...b, csv: bad.csv }), note: bad.note };
    },
    () => {
      const bad = badCsv();
      return { body: (b) => ({ ...b, csv: bad.csv, dry_run: false }), note: `${bad.note}, dry_run false` };
    },
    () => {
      const bad = badCsv();
      return { body: (b) => ({ ...b, csv: bad.csv, dry_run: undefined }), note: `${bad.note}, no dry_run` };
    },
  ],
};

const voidSpec: BodySpec = {
  bases: () => [{ reason: 'The driver asked for a refund' }],
  fields: {
    reason: () =>
      pick(['ab', '  ab  ', '', '   ', '\n\t\n', 'x'.repeat(501), HUGE, 123, null, [], {}, true, ['a reason']]),
  },
  required: ['reason'],
};

const redeemFields: BodySpec['fields'] = {
  code: () => pick([...BAD_CODES, 12345, null, [], { code: 'ABCDE' }, HUGE]),
  token: () => pick([...BAD_TOKENS, 42, null, []]),
  idempotency_key: () => pick([...BAD_UUIDS, '', 42, null]),
  captured_at: () => pick([...BAD_TIMESTAMPS, '', 1_700_000_000, null, {}]),
  offline: () => pick(['true', 'false', 1, 0, null, 'yes', []]),
};
const presentedExtra: NonNullable<BodySpec['extra']> = [
  () => {
    const token = junkToken();
    return {
      body: (b) => {
        const { code: _code, ...rest } = b;
        return { ...rest, token };
      },
      note: `an unsigned token ${short(token, 30)}`,
    };
  },
  () => {
    const token = junkToken();
    return { body: (b) => ({ ...b, code: goodCode(), token }), note: 'both code and token' };
  },
  () => ({
    body: (b) => {
      const { code: _code, token: _token, ...rest } = b;
      return rest;
    },
    note: 'neither code nor token',
  }),
];

const unsignedToken = (spec: () => Obj) => ({
  share: 0.15,
  make: () => {
    const token = junkToken();
    const { code: _code, ...rest } = spec();
    return { value: { ...rest, token }, note: `an unsigned token ${short(token, 30)}` };
  },
});

const lookupSpec: BodySpec = {
  focus: unsignedToken(() => ({})),
  bases: () => [{ code: goodCode() }, { code: goodCode().toLowerCase() }],
  fields: { code: redeemFields.code as () => unknown, token: redeemFields.token as () => unknown },
  required: ['code'],
  extra: presentedExtra,
};

const redeemSpec: BodySpec = {
  bases: () => [
    { code: goodCode(), idempotency_key: uuid(), captured_at: new Date().toISOString(), offline: false },
    {
      code: goodCode(),
      idempotency_key: uuid(),
      captured_at: new Date(Date.now() - 3_600_000).toISOString(),
      offline: true,
    },
  ],
  focus: unsignedToken(() => ({ idempotency_key: uuid(), captured_at: new Date().toISOString() })),
  fields: redeemFields,
  required: ['idempotency_key', 'captured_at', 'code'],
  extra: presentedExtra,
};

const wellFormedRow = () => ({
  code: goodCode(),
  idempotency_key: uuid(),
  captured_at: new Date().toISOString(),
  offline: true,
});

const syncSpec: BodySpec = {
  bases: () => [{ rows: [wellFormedRow()] }, { rows: [wellFormedRow(), wellFormedRow()] }],
  fields: {
    rows: () =>
      pick([
        [],
        null,
        'rows',
        42,
        {},
        { 0: wellFormedRow() },
        wellFormedRow(),
        Array.from({ length: 101 }, wellFormedRow),
        Array.from({ length: 101 + int(400) }, () => 1),
        HUGE,
      ]),
  },
  required: ['rows'],
  extra: [
    () => ({ body: (b) => ({ ...b, rows: Array.from({ length: 101 }, wellFormedRow) }), note: '101 well-formed rows' }),
    () => ({ body: (b) => ({ ...b, station_id: STATION_1 }), note: 'a station_id next to rows' }),
    () => ({
      body: (b) => (Array.isArray(b.rows) ? (b.rows[0] as unknown) : wellFormedRow()),
      note: 'a row instead of the batch',
    }),
  ],
};

const tickSpec: BodySpec = {
  bases: () => [
    { tasks: ['expire'], budget_ms: 1000, send_batch: 10 },
    { tasks: ['housekeeping'] },
    { budget_ms: 500 },
  ],
  fields: {
    tasks: () => pick([[], ['nope'], 'expire', [null], ['expire', 7], {}, null, ['EXPIRE'], [['expire']]]),
    budget_ms: () => pick([99, 0, -1, 50_001, 1.5, '1000', null, new Raw('1e309'), Number.MAX_SAFE_INTEGER]),
    send_batch: () => pick([0, -5, 501, 2.5, '10', null, true]),
  },
  required: [],
};

// Admin panel bodies (stations, operators, settings, opt-outs, users).

const goodLocation = () => ({ latitude: -1.9 - rng() / 10, longitude: 30 + rng() / 10 });
const BAD_LOCATIONS = [
  { latitude: 91, longitude: 0 },
  { latitude: -90.0001, longitude: 0 },
  { latitude: 0, longitude: 180.5 },
  { latitude: 0 },
  { longitude: 30 },
  { latitude: '1', longitude: '2' },
  { latitude: 0, longitude: 0, altitude: 10 },
  { lat: -1.9, lng: 30 },
  [30, -1.9],
  'POINT(30 -1.9)',
  { latitude: new Raw('1e309'), longitude: 0 },
  { latitude: null, longitude: null },
];
const BAD_ENGENCODES = ['', 'K', 'KGL KCY', 'KGL_KCY', 'kgl/kcy', 'É-01', 'X'.repeat(33), 42, null, ['KGL-1'], ...SQL];
const stationFields: BodySpec['fields'] = {
  name: () => pick(['', '   ', 'x'.repeat(121), 42, null, [], {}, true]),
  engencode: () => pick(BAD_ENGENCODES),
  owner_contact: () => pick(['call me', '+1', '0', 250788123456, '', {}, '📞', ...SQL]),
  location: () => pick(BAD_LOCATIONS),
  status: () => pick(['', 'closed', 'ACTIVE', 'open', 1, true, null]),
};

const createStationSpec: BodySpec = {
  bases: () => [
    { name: `Fuzz ${hex(4)}`, engencode: `FZ-${hex(6).toUpperCase()}` },
    {
      name: `Fuzz ${hex(4)}`,
      engencode: `FZ-${hex(6).toUpperCase()}`,
      owner_contact: goodMsisdn(),
      location: goodLocation(),
      status: 'inactive',
    },
  ],
  fields: stationFields,
  required: ['name', 'engencode'],
};

const updateStationSpec: BodySpec = {
  bases: () => [{ name: `Fuzz ${hex(4)}` }, { location: goodLocation(), status: 'active' }, { owner_contact: null }],
  fields: stationFields,
  required: [],
  extra: [() => ({ body: () => ({}), note: 'an empty patch' })],
};

const assignSpec: BodySpec = {
  bases: () => [{ email: 'operator2@easymo.test' }, { email: 'operator2@easymo.test', move: true }],
  fields: {
    email: () => pick(['', 'operator', '@easymo.test', 'a@b', 'a b@easymo.test', 42, null, [], ...SQL]),
    move: () => pick(['true', 1, 0, null, 'yes', [], {}]),
  },
  required: ['email'],
};

const optOutSpec: BodySpec = {
  bases: () => [{ msisdn: goodMsisdn() }, { msisdn: `0${goodMsisdn().slice(4)}` }],
  fields: {
    msisdn: () =>
      pick([
        '',
        'abc',
        '+',
        '+1',
        '0'.repeat(40),
        250788123456,
        null,
        [],
        {},
        '📞📞📞',
        '+250788123456'.repeat(3),
        ...SQL,
      ]),
  },
  required: ['msisdn'],
};

const SETTING_VALUES: Record<EditableSettingKey, { good: () => unknown; bad: unknown[] }> = {
  quiet_hours: {
    good: () => ({ rw: { start: '22:00', end: '06:00' } }),
    bad: [
      { rw: { start: '24:00', end: '06:00' } },
      { rw: { start: '22:00', end: '22:00' } },
      { xx: { start: '22:00', end: '06:00' } },
      { RW: { start: '22:00', end: '06:00' } },
      { rw: { start: '22:00' } },
      { rw: { start: '9:00', end: '10:00' } },
      { rw: { start: '22:00', end: '06:00', tz: 'UTC' } },
      [],
      'always',
    ],
  },
  send_throttle: {
    good: () => ({ whatsapp: { per_minute: int(100) } }),
    bad: [
      { whatsapp: { per_minute: -1 } },
      { whatsapp: { per_minute: 60_001 } },
      { whatsapp: { per_minute: 1.5 } },
      { whatsapp: { per_minute: '60' } },
      { whatsapp: {} },
      { sms: { per_minute: 1 } },
      { whatsapp: { per_minute: new Raw('1e309') } },
    ],
  },
  templates: {
    good: () => [
      { id: 'fuzz', name: 'Fuzz', language: 'en', category: 'utility', body: 'Hi {{name}}', variables: ['name'] },
    ],
    bad: [
      [{ id: 'fuzz', name: 'Fuzz', language: 'en', category: 'utility', body: 'Hi {{name}}', variables: [] }],
      [{ id: 'Fuzz', name: 'Fuzz', language: 'en', category: 'utility', body: 'Hi', variables: [] }],
      [{ id: 'fuzz', name: 'Fuzz', language: 'english', category: 'utility', body: 'Hi', variables: [] }],
      [{ id: 'fuzz', name: 'Fuzz', language: 'en', category: 'spam', body: 'Hi', variables: [] }],
      [{ id: 'fuzz', name: 'Fuzz', language: 'en', category: 'utility', body: '', variables: [] }],
      [
        { id: 'a', name: 'A', language: 'en', category: 'utility', body: 'Hi', variables: [] },
        { id: 'a', name: 'B', language: 'en', category: 'utility', body: 'Yo', variables: [] },
      ],
      { id: 'fuzz' },
    ],
  },
  opt_out_keywords: {
    good: () => ({ stop: ['STOP'], resume: ['START'] }),
    bad: [
      { stop: [], resume: [] },
      { stop: ['STOP'], resume: ['stop'] },
      { stop: ['two words'], resume: [] },
      { stop: ['S'], resume: [] },
      { stop: ['STOP'] },
      { stop: 'STOP', resume: [] },
      { stop: ['STOP'], resume: [], extra: [] },
      ['STOP'],
    ],
  },
  revolut_link: {
    good: () => ({ url: 'https://revolut.me/fuzz' }),
    bad: [
      { url: 'http://revolut.me/x' },
      { url: 'https://revolut.me.evil.example/x' },
      { url: 'https://revolut.me/' },
      { url: 'javascript:alert(1)' },
      { link: 'https://revolut.me/x' },
      'https://revolut.me/x',
    ],
  },
};

function settingSpec(key: EditableSettingKey): BodySpec {
  return {
    bases: () => [{ value: SETTING_VALUES[key].good() }],
    fields: { value: () => pick(SETTING_VALUES[key].bad) },
    required: ['value'],
  };
}

const ROLE_NAMES_BAD = ['', 'admin', 'SUPER_ADMIN', 'super admin', 'owner', 1, null, ['support'], ...SQL];
const inviteSpec: BodySpec = {
  bases: () => [
    { email: `fuzz-${hex(8)}@easymo.test`, roles: ['readonly'] },
    { email: `fuzz-${hex(8)}@easymo.test`, full_name: 'Fuzz Person', roles: ['support', 'data_ops'] },
  ],
  fields: {
    email: () => pick(['', 'someone', '@easymo.test', 'a@b', 42, null, [], 'x'.repeat(300) + '@easymo.test', ...SQL]),
    full_name: () => pick(['', '   ', 'x'.repeat(121), 42, null, []]),
    roles: () =>
      pick([
        [],
        'support',
        null,
        {},
        [pick(ROLE_NAMES_BAD)],
        ['support', 'readonly', 'data_ops', 'super_admin', 'support'],
      ]),
  },
  required: ['email', 'roles'],
};

const setRolesSpec: BodySpec = {
  bases: () => [{ roles: ['readonly'] }, { roles: ['support', 'data_ops'] }],
  fields: {
    roles: () => pick(['support', null, {}, [pick(ROLE_NAMES_BAD)], Array(5).fill('support'), [['support']]]),
  },
  required: ['roles'],
};

// Campaigns. The seeded draft is a voucher campaign whose template asks each row for `name`.
const SEEDED_DRAFT_CAMPAIGN = 'e0000000-0000-4000-8000-000000000003';
const BAD_WINDOWS = [
  { start: '22:00', end: '22:00' },
  { start: '24:00', end: '06:00' },
  { start: '22:00' },
  { start: '9:00', end: '10:00' },
  '22:00-06:00',
  [],
];
const BAD_VOUCHERS = [
  { amount: 0, expires_in_days: 1 },
  { amount: 100, expires_in_days: 0 },
  { amount: 100, expires_in_days: 366 },
  { amount: 100 },
  { amount: '100', expires_in_days: 1 },
  { amount: 100, expires_in_days: 1, station_scope: 'KGL-KCY-01' },
  { amount: 100, expires_in_days: 1, valid_days: 1 },
];
const campaignFields: BodySpec['fields'] = {
  name: () => pick(['', '   ', 'x'.repeat(121), 42, null, [], {}]),
  type: () => pick(['', 'sms', 'PROMO', 'voucher ', 1, null]),
  template_id: () => pick(['', '   ', 'x'.repeat(65), 42, null, []]),
  quiet_hours: () => pick(BAD_WINDOWS),
  voucher: () => pick(BAD_VOUCHERS),
};
const createCampaignSpec: BodySpec = {
  bases: () => [
    { name: `Fuzz ${hex(4)}`, type: 'promo', template_id: 'weekend_promo' },
    {
      name: `Fuzz ${hex(4)}`,
      type: 'voucher',
      template_id: 'voucher_issued',
      quiet_hours: { start: '21:00', end: '07:00' },
      voucher: { amount: 1000, expires_in_days: 7 },
    },
  ],
  fields: campaignFields,
  required: ['name', 'type', 'template_id'],
  extra: [
    () => ({ body: (b) => ({ ...b, type: 'voucher', voucher: null }), note: 'a voucher campaign without its voucher' }),
    () => ({
      body: (b) => ({ ...b, type: 'promo', voucher: { amount: 1, expires_in_days: 1 } }),
      note: 'a promo campaign with a voucher',
    }),
    () => ({ body: (b) => ({ ...b, status: 'running' }), note: 'a status' }),
  ],
};
const updateCampaignSpec: BodySpec = {
  bases: () => [{ name: `Fuzz ${hex(4)}` }, { quiet_hours: null }, { quiet_hours: { start: '20:00', end: '06:00' } }],
  fields: { ...campaignFields, status: () => pick(['running', 'done', 'draft']) },
  required: [],
  extra: [() => ({ body: () => ({}), note: 'an empty patch' })],
};
/** CSVs the seeded draft's import refuses as a whole (each checked against the rules before use). */
function badCampaignCsv(): { csv: string; note: string } {
  const rows = () => Array.from({ length: 1 + int(5) }, () => `${goodMsisdn()},Fuzz`);
  const options: [string, () => string][] = [
    ['no msisdn column', () => `name\nFuzz`],
    ['no name column', () => `msisdn\n${goodMsisdn()}`],
    ['msisdn and phone columns', () => `msisdn,phone,name\n${goodMsisdn()},${goodMsisdn()},A`],
    ['a column twice', () => `msisdn,name,name\n${goodMsisdn()},A,B`],
    ['an unclosed quote', () => `msisdn,name\n"${goodMsisdn()},Fuzz`],
    ['header only', () => pick(['msisdn,name', 'msisdn,name\n', 'msisdn,name\r\n\r\n'])],
    ['a value too many', () => `msisdn,name\n${rows().join('\n')}\n${goodMsisdn()},Fuzz,extra`],
    [
      '50,001 rows',
      () =>
        `msisdn,name\n${Array.from({ length: 50_001 }, (_, i) => `+2507${String(i).padStart(8, '0')},A`).join('\n')}`,
    ],
    ['junk text', () => pick([...WEIRD.filter((w) => w.trim() !== ''), HUGE])],
  ];
  const [note, make] = pick(options);
  return { csv: make(), note: `csv: ${note}` };
}
const importSpec: BodySpec = {
  bases: () => [
    { csv: `msisdn,name\n${goodMsisdn()},Fuzz\n`, dry_run: false },
    { csv: `msisdn,name,note\n${goodMsisdn()},Fuzz,x\n`, dry_run: false, default_country: 'MT' },
  ],
  fields: {
    csv: () => pick(['', 42, null, [], { a: 1 }, ['msisdn,name'], 'x'.repeat(5_000_001)]),
    dry_run: () => pick(['true', 'false', 0, 1, null, 'yes', []]),
    default_country: () => pick(['', 'rw', 'XX', 'RWA', 1, null, ...SQL]),
  },
  required: ['csv'],
  focus: {
    share: 0.5,
    make: () => {
      const bad = badCampaignCsv();
      return { value: { csv: bad.csv, dry_run: false }, note: `${bad.note}, dry_run false` };
    },
  },
};
const retrySpec: BodySpec = {
  bases: () => [{ target_ids: [uuid()] }, {}],
  fields: {
    target_ids: () =>
      pick([[], [pick(BAD_UUIDS)], 'all', null, {}, uuid(), Array.from({ length: 1001 }, uuid), [uuid(), 42]]),
  },
  required: [],
};

// Insurance quotes. The seeded ones are in every status: …01, 02, 05 and 06 pending, 03
// approved, 04 sent back (the one a valid resubmission could take).
const SEEDED_QUOTES = [1, 2, 3, 4, 5, 6].map((n) => `f0000000-0000-4000-8000-00000000000${n}`);
const approveSpec: BodySpec = {
  bases: () => [
    { premium: 84000, insurer: 'SONARWA' },
    { premium: 1 + int(50_000_000), insurer: 'Radiant', comment: 'Third-party cover, 12 months' },
  ],
  fields: {
    premium: () =>
      pick([
        0,
        -1,
        -84000,
        84000.5,
        0.001,
        50_000_001,
        1e12,
        '84000',
        '',
        null,
        true,
        [84000],
        { value: 84000 },
        new Raw('1e309'),
        new Raw('-0'),
        new Raw('84000.5'),
      ]),
    insurer: () =>
      pick(['', ' ', 'sonarwa', 'SONARWA ', 'Acme Insurance', 'x'.repeat(81), 42, null, [], ['SONARWA'], ...SQL]),
    comment: () => pick(['x'.repeat(2001), HUGE, 42, null, [], {}, true]),
  },
  required: ['premium', 'insurer'],
  extra: [
    () => ({ body: (b) => ({ ...b, status: 'approved' }), note: 'a status' }),
    () => ({ body: (b) => ({ ...b, reason: 'other' }), note: 'a change reason' }),
  ],
};
const requestChangesSpec: BodySpec = {
  bases: () => [
    { reason: 'document_unreadable', comment: 'Please send a sharper photo of the yellow card.' },
    { reason: pick(['document_missing', 'details_mismatch', 'other']), comment: `Fuzz ${hex(8)}` },
  ],
  fields: {
    reason: () => pick(['', 'unreadable', 'OTHER', 'other ', 'document-missing', 1, null, [], ['other'], ...SQL]),
    comment: () => pick(['', '   ', 'ab', '  ab  ', '\n\t\n', 'x'.repeat(2001), HUGE, 42, null, [], {}]),
  },
  required: ['reason', 'comment'],
  extra: [() => ({ body: (b) => ({ ...b, premium: 84000 }), note: 'a premium' })],
};
/** Resubmissions of quote `id`: documents belong under `<id>/`. */
const resubmitSpec = (id: string): BodySpec => ({
  bases: () => [
    { documents: [`${id}/vehicle-registration.png`] },
    { documents: [`${id}/a.png`, `${id}/b.pdf`], ocr: { plate: 'RAC 412D', confidence: 0.9 } },
  ],
  fields: {
    documents: () =>
      pick([
        [],
        null,
        'x.png',
        `${id}/a.png`,
        {},
        [42],
        [null],
        [''],
        ['x'.repeat(301)],
        Array.from({ length: 21 }, (_, i) => `${id}/${i}.png`),
      ]),
    ocr: () => pick([[], 'text', 42, null, true, [{ plate: 'RAC 412D' }]]),
  },
  required: ['documents'],
});

// Query strings: a valid query, then bad values, unknown keys, repeated keys, forged cursors.

type Query = [string, string][];

/** No lone surrogates (they cannot be percent-encoded). */
const wellFormed = (value: string) => {
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
};
const queryJunk = () => {
  const value = junk();
  const text = typeof value === 'string' ? value : value instanceof Raw ? value.text : encode(value);
  // Kept short enough that the URL reaches the function (a URL over 16 KB is refused by the
  // gateway's HTTP server with a bare 431).
  let out = wellFormed(text) ? text : 'x\u00e9';
  while (encodeURIComponent(out).length > 2000) out = [...out].slice(0, Math.floor([...out].length / 2)).join('');
  return out;
};

function queryString(pairs: Query): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

interface QuerySpec {
  schema: Schema<unknown>;
  bases: () => Query[];
  fields: Record<string, () => string>;
  /**
   * Route-specific mutations: `forged` is a cursor no schema can judge (the function
   * refuses it); `last` means no other mutation may follow.
   */
  extra?: (() => { query: (q: Query) => Query; note: string; forged?: string; last?: boolean })[];
}

const b64url = (text: string) => Buffer.from(text).toString('base64url');
/** Cursors the function cannot decode: refused before any query, whatever the filters. */
const UNDECODABLE_CURSORS = [
  () => '!!!not base64!!!',
  () => b64url('{"a":1}'),
  () => b64url('[1,2]'),
  () => b64url('null'),
  () => b64url('"str"'),
  () => b64url(`["2026-01-01T00:00:00Z","zzz"]`),
  () => b64url(`["2026-01-01T00:00:00Z","${uuid()}0"]`),
  () => b64url('['.repeat(100)),
];
/**
 * Decodable cursors whose sort key is neither a number nor an instant: the database's cast
 * refuses them, but only when a row is compared with them, so they go without filters.
 */
const UNCASTABLE_KEYS = ['not-a-date', '2026-13-45T99:99:99Z', "'; drop table vouchers; --", ''];

const VOUCHER_STATUSES_BAD = ['', 'SENT', 'lost', 'sent,void', 'redeemed ', '*', ...SQL];
const filterFields: QuerySpec['fields'] = {
  status: () => pick(VOUCHER_STATUSES_BAD),
  station: () => pick(BAD_UUIDS.filter(wellFormed)),
  campaign: () => pick(BAD_UUIDS.filter(wellFormed)),
  from: () => pick(BAD_TIMESTAMPS),
  to: () => pick(BAD_TIMESTAMPS),
  q: () => pick(['', '   ', 'x'.repeat(33), 'x'.repeat(3000), '\t\n']),
};
const filterBases = (): Query[] => [
  [['status', 'sent']],
  [
    ['station', STATION_1],
    ['from', '2026-01-01T00:00:00Z'],
  ],
  [['q', 'ABCDE']],
  [],
];

const listSpec: QuerySpec = {
  schema: ZListVouchersQuery,
  bases: () => [
    ...filterBases(),
    [
      ['sort', 'amount'],
      ['dir', 'asc'],
      ['limit', '10'],
    ],
  ],
  fields: {
    ...filterFields,
    sort: () => pick(['', 'code5', 'amount desc', 'issued_at;drop', 'AMOUNT', ...SQL]),
    dir: () => pick(['', 'up', 'ASC', 'descending', '-1']),
    limit: () =>
      pick(['0', '201', '-1', '1.5', 'abc', '', 'NaN', 'Infinity', '1e309', '99999999999999999999', '10abc']),
    cursor: () => 'c'.repeat(201 + int(2000)),
  },
  extra: [
    () => {
      const cursor = pick(UNDECODABLE_CURSORS)();
      return {
        query: (q) => [...q.filter(([k]) => k !== 'cursor'), ['cursor', cursor]],
        note: `undecodable cursor ${short(cursor, 40)}`,
        forged: cursor,
      };
    },
    () => {
      const key = pick(UNCASTABLE_KEYS);
      const cursor = b64url(JSON.stringify([key, uuid()]));
      const sort = pick(['amount', 'issued_at', 'expires_at', 'redeemed_at']);
      return {
        query: () => [
          ['sort', sort],
          ['cursor', cursor],
        ],
        note: `cursor with the sort key ${JSON.stringify(key)} (sort ${sort}, no filter)`,
        forged: cursor,
        last: true,
      };
    },
  ],
};

const exportSpec: QuerySpec = {
  schema: ZVoucherFilter,
  bases: filterBases,
  fields: {
    ...filterFields,
    // the list's paging parameters are unknown to the export
    sort: () => 'amount',
    limit: () => '10',
    cursor: () => 'abc',
  },
};

const historySpec: QuerySpec = {
  schema: ZHistoryQuery,
  bases: () => [[], [['limit', '20']], [['before', '2026-01-01T00:00:00Z']]],
  fields: {
    limit: () => pick(['0', '201', '-1', '1.5', 'abc', '', 'NaN', 'Infinity', '1e309', '10abc']),
    before: () => pick(BAD_TIMESTAMPS),
  },
};

const stationsQuerySpec: QuerySpec = {
  schema: ZListStationsQuery,
  bases: () => [[], [['q', 'kacy']], [['status', 'active']]],
  fields: {
    q: () => pick(['', '   ', 'x'.repeat(65), '\t']),
    status: () => pick(['', 'closed', 'ACTIVE', 'active,inactive', ...SQL]),
  },
};

/** Audit cursors the function cannot decode (it gives out base64url of `a.<seq>`). */
const AUDIT_FORGED_CURSORS = [
  () => '!!!not base64!!!',
  () => b64url('a.0'),
  () => b64url('a.-1'),
  () => b64url('a.01'),
  () => b64url(`a.${'9'.repeat(19)}`),
  () => b64url(`a.${int(1000)} `),
  () => b64url(`["2026-01-01T00:00:00Z","${uuid()}"]`),
  () => b64url(String(1 + int(1000))),
  () => b64url(`b.${1 + int(1000)}`),
];

const auditQuerySpec: QuerySpec = {
  schema: ZAuditQuery,
  bases: () => [
    [],
    [['table', 'settings']],
    [
      ['actor', 'admin@easymo.test'],
      ['action', 'update'],
    ],
    [['limit', '5']],
  ],
  fields: {
    table: () => pick(['', 'auth.users', 'VOUCHERS', 'vouchers;', 'audit_log', ...SQL]),
    actor: () => pick(['', '   ', 'x'.repeat(255)]),
    action: () => pick(['', 'select', 'INSERT', 'truncate', 'insert,update']),
    target_id: () => pick(['', '  ', 'x'.repeat(201)]),
    from: () => pick(BAD_TIMESTAMPS),
    to: () => pick(BAD_TIMESTAMPS),
    limit: () => pick(['0', '201', '-1', '1.5', 'abc', '', 'NaN', '1e309', '10abc']),
    cursor: () => 'c'.repeat(201 + int(2000)),
  },
  extra: [
    () => {
      const cursor = pick(AUDIT_FORGED_CURSORS)();
      return {
        query: (q) => [...q.filter(([k]) => k !== 'cursor'), ['cursor', cursor]],
        note: `undecodable cursor ${short(cursor, 40)}`,
        forged: cursor,
      };
    },
  ],
};

const campaignsQuerySpec: QuerySpec = {
  schema: ZListCampaignsQuery,
  bases: () => [[], [['status', 'running']], [['q', 'fuel']]],
  fields: {
    status: () => pick(['', 'sending', 'RUNNING', 'draft,done', ...SQL]),
    q: () => pick(['', '   ', 'x'.repeat(121), '\t']),
  },
};

/** Target cursors the function cannot decode (it gives out base64url of `[last_update_at, id]`). */
const TARGET_FORGED_CURSORS = [
  () => '!!!not base64!!!',
  () => b64url('{"a":1}'),
  () => b64url('null'),
  () => b64url(`["2026-01-01T00:00:00Z","${uuid()}"]`),
  () => b64url(`["not a time","${uuid()}"]`),
  () => b64url(`["2026-01-01 00:00:00+00","zzz"]`),
  () => b64url(`["2026-13-45 99:99:99+00","${uuid()}"]`),
];

const targetsQuerySpec: QuerySpec = {
  schema: ZListTargetsQuery,
  bases: () => [[], [['status', 'failed']], [['q', '25078']], [['limit', '10']]],
  fields: {
    status: () => pick(['', 'lost', 'FAILED', 'sent,read', ...SQL]),
    q: () => pick(['', 'abc', '+', '1', '+2507x', '1'.repeat(16), '%', '_']),
    limit: () => pick(['0', '201', '-1', '1.5', 'abc', '', 'NaN', '1e309', '10abc']),
    cursor: () => 'c'.repeat(201 + int(2000)),
  },
  extra: [
    () => {
      const cursor = pick(TARGET_FORGED_CURSORS)();
      return {
        query: (q) => [...q.filter(([k]) => k !== 'cursor'), ['cursor', cursor]],
        note: `undecodable cursor ${short(cursor, 40)}`,
        forged: cursor,
      };
    },
  ],
};

/**
 * Queue cursors the function cannot decode, or whose sort key is no instant (it gives out
 * base64url of `["<0|1>|<submitted_at>", id]`).
 */
const QUOTE_FORGED_CURSORS = [
  () => '!!!not base64!!!',
  () => b64url('{"a":1}'),
  () => b64url('null'),
  () => b64url(`["2026-01-01 00:00:00+00","${uuid()}"]`),
  () => b64url(`["2|2026-01-01 00:00:00+00","${uuid()}"]`),
  () => b64url(`["0|2026-01-01T00:00:00Z","${uuid()}"]`),
  () => b64url(`["1|not a time","${uuid()}"]`),
  () => b64url(`["0|2026-01-01 00:00:00+00","zzz"]`),
  () => b64url(`["1|2026-13-45 99:99:99+00","${uuid()}"]`),
];

const quotesQuerySpec: QuerySpec = {
  schema: ZListQuotesQuery,
  bases: () => [
    [],
    [['status', 'pending']],
    [['q', '0788']],
    [
      ['insurer', 'SONARWA'],
      ['limit', '10'],
    ],
  ],
  fields: {
    status: () => pick(['', 'PENDING', 'open', 'needs-changes', 'pending,approved', ...SQL]),
    insurer: () => pick(['', '   ', 'x'.repeat(81), '\t']),
    q: () => pick(['', '12', '+1-2', 'abc', '0788a', '%', '_', '+', '1'.repeat(33), 'Claudine', ...SQL]),
    limit: () => pick(['0', '201', '-1', '1.5', 'abc', '', 'NaN', '1e309', '10abc']),
    cursor: () => 'c'.repeat(201 + int(2000)),
  },
  extra: [
    () => {
      const cursor = pick(QUOTE_FORGED_CURSORS)();
      return {
        query: (q) => [...q.filter(([k]) => k !== 'cursor'), ['cursor', cursor]],
        note: `undecodable cursor ${short(cursor, 40)}`,
        forged: cursor,
      };
    },
  ],
};

function mutateQuery(spec: QuerySpec): { query: string; note: string; forgedCursor: boolean } {
  let pairs: Query = pick(spec.bases()).map(([k, v]) => [k, v]);
  const notes: string[] = [];
  let forged: string | undefined;
  const steps = 1 + (chance(0.3) ? 1 : 0);
  for (let i = 0; i < steps; i++) {
    const roll = rng();
    if (spec.extra && chance(0.2)) {
      const extra = pick(spec.extra)();
      pairs = extra.query(pairs);
      notes.push(extra.note);
      forged = extra.forged ?? forged;
      if (extra.last) break;
    } else if (roll < 0.6) {
      const field = pick(Object.keys(spec.fields));
      const value = chance(0.85) ? (spec.fields[field] as () => string)() : queryJunk();
      pairs = [...pairs.filter(([k]) => k !== field), [field, value]];
      notes.push(`${field}=${short(value, 40)}`);
    } else if (roll < 0.78) {
      const key = pick(['page', 'offset', 'select', 'order', 'user_id', 'STATUS', 'q ', 'x'.repeat(500), '💥', ...SQL]);
      pairs.push([key, queryJunk()]);
      notes.push(`unknown key ${short(key, 20)}`);
    } else if (roll < 0.9) {
      const field = pick(Object.keys(spec.fields));
      const existing = pairs.find(([k]) => k === field);
      const value = existing?.[1] ?? (field === 'limit' ? '5' : 'sent');
      pairs.push([field, value], [field, value]);
      if (!existing) pairs.push([field, value]);
      notes.push(`${field} repeated`);
    } else {
      const field = pick(Object.keys(spec.fields));
      const value = queryJunk();
      pairs = [...pairs.filter(([k]) => k !== field), [field, value]];
      notes.push(`${field}=${short(value, 40)}`);
    }
  }
  const forgedCursor = forged !== undefined && pairs.some(([k, v]) => k === 'cursor' && v === forged);
  return { query: queryString(pairs), note: notes.join('; '), forgedCursor };
}

/** Whether the function could accept this query (no key repeated and the schema passes). */
function queryAccepted(schema: Schema<unknown>, query: string): boolean {
  const params = new URLSearchParams(query.replace(/\+/g, '%2B'));
  const keys = [...params.keys()];
  if (new Set(keys).size !== keys.length) return false;
  return schema.safeParse(Object.fromEntries(params)).success;
}

// Path ids: not UUIDs, or UUIDs of nothing.

const BAD_IDS = [
  'abc',
  '123',
  'null',
  'undefined',
  '-1',
  'd0000000-0000-4000-8000-00000000000g',
  'd0000000-0000-4000-8000-0000000000001',
  'd00000000000400080000000000000001',
  '{d0000000-0000-4000-8000-000000000001}',
  ' d0000000-0000-4000-8000-000000000001',
  'd0000000-0000-4000-8000-000000000001 ',
  'd0000000-0000-4000-8000-000000000001;',
  "'; drop table vouchers; --",
  "1' or '1'='1",
  '<script>',
  '🎫',
  '%00',
  '\u0000',
  '..',
  '../bulk',
  'a/b',
  'x'.repeat(2000),
  '?id=1',
  '#frag',
  'bulk',
];
const badId = () => (chance(0.2) ? chars('abcdef0123456789-xyz!$&()*+,;=:@', 1 + int(60)) : pick(BAD_IDS));
const pathId = (id: string) => encodeURIComponent(id);

// ---------------------------------------------------------------------------------------
// Generation.

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/xml',
];

function jsonCase(
  route: string,
  path: string,
  caller: Caller,
  spec: BodySpec,
  accepted: (body: string | Bytes) => boolean,
  method: Method = 'POST',
): Case {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { body, note } = chance(0.12)
      ? rawBody()
      : (() => {
          const m = mutate(spec);
          return { body: encode(m.value), note: m.note };
        })();
    if (accepted(body)) continue;
    const headers = chance(0.1) ? { 'content-type': pick(CONTENT_TYPES) } : undefined;
    return { route, method, path, caller, body, headers, note };
  }
  throw new Error(`could not make a malformed body for ${route} (seed ${SEED})`);
}

function queryCase(route: string, path: string, caller: Caller, spec: QuerySpec): Case {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { query, note, forgedCursor } = mutateQuery(spec);
    if (!forgedCursor && queryAccepted(spec.schema, query)) continue;
    return { route, method: 'GET', path: `${path}?${query}`, caller, note };
  }
  throw new Error(`could not make a malformed query for ${route} (seed ${SEED})`);
}

const PER_ROUTE = {
  'POST admin/vouchers': 170,
  'POST admin/vouchers/bulk': 140,
  'POST admin/vouchers/:id/void': 100,
  'POST admin/vouchers/:id/resend': 80,
  'GET admin/vouchers': 120,
  'GET admin/vouchers/export.csv': 80,
  'GET admin/vouchers/:id': 60,
  'GET admin/vouchers/bulk/:id': 50,
  'GET station/config': 30,
  'POST station/lookup': 110,
  'POST station/redeem': 150,
  'POST station/sync': 90,
  'POST station/sync (bad rows)': 40,
  'GET station/history': 80,
  'POST scheduler/tick': 100,
  'POST whatsapp-webhook': 80,
  'GET admin/stations': 40,
  'POST admin/stations': 70,
  'GET admin/stations/:id': 30,
  'PATCH admin/stations/:id': 60,
  'POST admin/stations/:id/operators': 50,
  'DELETE admin/stations/:id/operators/:userId': 30,
  'PUT admin/settings/:key': 80,
  'POST admin/opt-outs': 40,
  'POST admin/opt-outs/remove': 30,
  'POST admin/opt-outs/check': 30,
  'GET admin/audit': 70,
  'POST admin/users/invite': 60,
  'PUT admin/users/:id/roles': 50,
  'GET admin/campaigns': 40,
  'POST admin/campaigns': 60,
  'GET admin/campaigns/:id': 30,
  'PATCH admin/campaigns/:id': 50,
  'DELETE admin/campaigns/:id': 30,
  'POST admin/campaigns/:id/targets/import': 80,
  'GET admin/campaigns/:id/targets': 50,
  'POST admin/campaigns/:id/targets/retry': 40,
  'GET admin/campaigns/:id/estimate': 30,
  'POST admin/campaigns/:id/{start,pause,resume,finish}': 40,
  'GET admin/insurance-quotes': 50,
  'GET admin/insurance-quotes/:id': 30,
  'POST admin/insurance-quotes/:id/approve': 60,
  'POST admin/insurance-quotes/:id/request-changes': 50,
  'POST admin/insurance-quotes/:id/resubmission': 50,
} as const;
type Route = keyof typeof PER_ROUTE;

function generate(fixtures: Fixtures): Case[] {
  // Existing vouchers are targets below, and what a forged cursor is compared with.
  if (fixtures.voucherIds.length === 0) throw new Error('the fuzz needs the seeded vouchers');
  const cases: Case[] = [];
  const add = (route: Route, make: () => Case) => {
    for (let i = 0; i < PER_ROUTE[route]; i++) cases.push(make());
  };
  const bulkAccepted = (body: string | Bytes) => {
    const judged = judgeJson(body, ZBulkIssueRequest);
    if (judged.refused) return false;
    // A dry run never issues; it answers 200 whatever the CSV says, so it is not malformed.
    if (judged.data.dry_run) return true;
    return checkVoucherCsv(judged.data.csv, { stations: fixtures.stations }).problems.length === 0;
  };
  const presentedAccepted = (schema: typeof ZLookupRequest | typeof ZRedeemRequest) => (body: string | Bytes) => {
    const judged = judgeJson(body, schema);
    // A token that passes the schema is still refused (invalid_token): none here is signed.
    return !judged.refused && judged.data.code !== undefined;
  };
  // Existing vouchers (bodies are malformed, so nothing may happen to them), random UUIDs, non-ids.
  const targetId = () => (chance(0.4) ? pick(fixtures.voucherIds) : chance(0.5) ? uuid() : badId());

  add('POST admin/vouchers', () =>
    jsonCase(
      'POST admin/vouchers',
      'admin/vouchers',
      'admin',
      issueSpec,
      (b) => !judgeJson(b, ZIssueVoucherRequest).refused,
    ),
  );
  add('POST admin/vouchers/bulk', () =>
    jsonCase('POST admin/vouchers/bulk', 'admin/vouchers/bulk', 'admin', bulkSpec, bulkAccepted),
  );
  add('POST admin/vouchers/:id/void', () => {
    const id = targetId();
    const c = jsonCase(
      'POST admin/vouchers/:id/void',
      `admin/vouchers/${pathId(id)}/void`,
      'admin',
      voidSpec,
      (b) => !judgeJson(b, ZVoidVoucherRequest).refused,
    );
    return { ...c, note: `id ${short(id, 40)}; ${c.note}` };
  });
  add('POST admin/vouchers/:id/resend', () => {
    const id = targetId();
    // The route takes no body: anything but nothing (or {}) is refused.
    const resendAccepted = (b: string | Bytes) => ['', '{}'].includes(decoder.decode(bytesOf(b)).trim());
    const spec: BodySpec = { bases: () => [{}], fields: { send: junk, reason: junk, to: junk }, required: [] };
    const c = jsonCase(
      'POST admin/vouchers/:id/resend',
      `admin/vouchers/${pathId(id)}/resend`,
      'admin',
      spec,
      resendAccepted,
    );
    return { ...c, note: `id ${short(id, 40)}; ${c.note}` };
  });
  add('GET admin/vouchers', () => queryCase('GET admin/vouchers', 'admin/vouchers', 'admin', listSpec));
  add('GET admin/vouchers/export.csv', () =>
    queryCase('GET admin/vouchers/export.csv', 'admin/vouchers/export.csv', 'admin', exportSpec),
  );
  add('GET admin/vouchers/:id', () => {
    // Never an existing voucher: its first view makes the card images (a write).
    const id = chance(0.4) ? uuid() : badId();
    return {
      route: 'GET admin/vouchers/:id',
      method: 'GET',
      path: `admin/vouchers/${pathId(id)}`,
      caller: 'admin',
      note: `id ${short(id, 60)}`,
    };
  });
  add('GET admin/vouchers/bulk/:id', () => {
    const id = chance(0.4) ? uuid() : badId();
    return {
      route: 'GET admin/vouchers/bulk/:id',
      method: 'GET',
      path: `admin/vouchers/bulk/${pathId(id)}`,
      caller: 'admin',
      note: `id ${short(id, 60)}`,
    };
  });
  add('GET station/config', () => {
    const query = chance(0.5)
      ? queryString([[pick(['station', 'id', 'debug', 'x'.repeat(300), ...SQL]), queryJunk()]])
      : pick(['%ZZ=%', '&&&', '=', 'a=1&a=2', '%00', '💥=💥', '?', 'a[b][c]=1']);
    return {
      route: 'GET station/config',
      method: 'GET',
      path: `station/config?${query}`,
      caller: 'operator',
      okAllowed: true,
      note: `query ${short(query, 60)}`,
    };
  });
  add('POST station/lookup', () =>
    jsonCase('POST station/lookup', 'station/lookup', 'operator', lookupSpec, presentedAccepted(ZLookupRequest)),
  );
  add('POST station/redeem', () =>
    jsonCase('POST station/redeem', 'station/redeem', 'operator', redeemSpec, presentedAccepted(ZRedeemRequest)),
  );
  add('POST station/sync', () =>
    jsonCase('POST station/sync', 'station/sync', 'operator', syncSpec, (b) => !judgeJson(b, ZSyncRequest).refused),
  );
  add('POST station/sync (bad rows)', () => {
    // A well-formed batch of malformed rows: 200, and every row refused as invalid_request.
    const rows = Array.from({ length: 1 + int(8) }, () => {
      for (;;) {
        const { value } = mutate(redeemSpec);
        if (!ZRedeemRequest.safeParse(value).success) return value;
      }
    });
    return {
      route: 'POST station/sync (bad rows)',
      method: 'POST',
      path: 'station/sync',
      caller: 'operator',
      body: encode({ rows }),
      expect: [200],
      note: `${rows.length} malformed rows`,
    };
  });
  add('GET station/history', () => queryCase('GET station/history', 'station/history', 'operator', historySpec));
  add('POST scheduler/tick', () =>
    jsonCase(
      'POST scheduler/tick',
      'scheduler/tick',
      'service',
      tickSpec,
      (b) => !judgeJson(b, ZSchedulerTickRequest).refused,
    ),
  );
  add('POST whatsapp-webhook', () => {
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                statuses: [
                  { id: `wamid.${hex(20)}`, status: pick(['delivered', 'read', 'failed']), timestamp: '1700000000' },
                ],
              },
            },
          ],
        },
      ],
    };
    const body = chance(0.6)
      ? encode(payload)
      : chance(0.5)
        ? encode(mutate({ bases: () => [payload], fields: { object: junk, entry: junk }, required: ['entry'] }).value)
        : rawBody().body;
    const bytes = bytesOf(body);
    const signatures: [string, () => string | undefined][] = [
      ['none', () => undefined],
      ['empty', () => ''],
      ['sha256= alone', () => 'sha256='],
      ['random hex', () => `sha256=${hex(64)}`],
      [
        'another secret',
        () =>
          `sha256=${createHmac('sha256', `wrong-${hex(8)}`)
            .update(bytes)
            .digest('hex')}`,
      ],
      ['sha1', () => `sha1=${createHmac('sha1', 'x').update(bytes).digest('hex')}`],
      ['63 hex digits', () => `sha256=${hex(63)}`],
      ['two signatures', () => `sha256=${hex(64)}, sha256=${hex(64)}`],
      ['the signature of another body', () => `sha256=${createHmac('sha256', 'x').update('{}').digest('hex')}`],
      ['junk', () => pick(WEIRD.filter((w) => /^[\x20-\x7e]*$/.test(w)))],
    ];
    const [what, sign] = pick(signatures);
    const signature = sign();
    return {
      route: 'POST whatsapp-webhook',
      method: 'POST',
      path: 'whatsapp-webhook',
      caller: 'none',
      body,
      headers: signature === undefined ? undefined : { 'x-hub-signature-256': signature },
      expect: [401],
      note: `signature: ${what}; body ${short(typeof body === 'string' ? body : 'bytes', 40)}`,
    };
  });

  // Admin panel. Existing stations and accounts are targets too: the bodies are malformed,
  // so nothing may happen to them. An assignment is never removed by an existing pair.
  const stationId = () => (chance(0.4) ? pick(fixtures.stationIds) : chance(0.5) ? uuid() : badId());
  const accountId = () => (chance(0.4) ? pick(fixtures.accountIds) : chance(0.5) ? uuid() : badId());
  const accepts =
    <T>(schema: Schema<T>) =>
    (b: string | Bytes) =>
      !judgeJson(b, schema).refused;
  add('GET admin/stations', () => queryCase('GET admin/stations', 'admin/stations', 'admin', stationsQuerySpec));
  add('POST admin/stations', () =>
    jsonCase('POST admin/stations', 'admin/stations', 'admin', createStationSpec, accepts(ZCreateStationRequest)),
  );
  add('GET admin/stations/:id', () => {
    const id = chance(0.3) ? uuid() : badId();
    return {
      route: 'GET admin/stations/:id',
      method: 'GET',
      path: `admin/stations/${pathId(id)}`,
      caller: 'admin',
      note: `id ${short(id, 60)}`,
    };
  });
  add('PATCH admin/stations/:id', () => {
    const id = stationId();
    const c = jsonCase(
      'PATCH admin/stations/:id',
      `admin/stations/${pathId(id)}`,
      'admin',
      updateStationSpec,
      accepts(ZUpdateStationRequest),
      'PATCH',
    );
    return { ...c, note: `id ${short(id, 40)}; ${c.note}` };
  });
  add('POST admin/stations/:id/operators', () => {
    const id = stationId();
    const c = jsonCase(
      'POST admin/stations/:id/operators',
      `admin/stations/${pathId(id)}/operators`,
      'admin',
      assignSpec,
      accepts(ZAssignOperatorRequest),
    );
    return { ...c, note: `id ${short(id, 40)}; ${c.note}` };
  });
  add('DELETE admin/stations/:id/operators/:userId', () => {
    const id = stationId();
    // Never an account that operates a station: only unknown ids and non-ids.
    const user = chance(0.5) ? uuid() : badId();
    return {
      route: 'DELETE admin/stations/:id/operators/:userId',
      method: 'DELETE',
      path: `admin/stations/${pathId(id)}/operators/${pathId(user)}`,
      caller: 'admin',
      note: `station ${short(id, 40)}; user ${short(user, 40)}`,
    };
  });
  add('PUT admin/settings/:key', () => {
    const keys = Object.keys(EDITABLE_SETTINGS) as EditableSettingKey[];
    if (chance(0.2)) {
      // Not an editable setting: 404 whatever the body.
      const key = pick([
        'opt_out_list',
        'redemption',
        'unknown',
        '__proto__',
        'constructor',
        'QUIET_HOURS',
        ...BAD_IDS,
      ]);
      const body = encode({ value: chance(0.5) ? junk() : SETTING_VALUES.send_throttle.good() });
      return {
        route: 'PUT admin/settings/:key',
        method: 'PUT',
        path: `admin/settings/${pathId(key)}`,
        caller: 'admin',
        body,
        expect: [404],
        note: `key ${short(key, 40)}`,
      };
    }
    const key = pick(keys);
    const c = jsonCase(
      'PUT admin/settings/:key',
      `admin/settings/${key}`,
      'admin',
      settingSpec(key),
      accepts(ZPutSettingRequest(key)),
      'PUT',
    );
    return { ...c, note: `key ${key}; ${c.note}` };
  });
  for (const [route, path] of [
    ['POST admin/opt-outs', 'admin/opt-outs'],
    ['POST admin/opt-outs/remove', 'admin/opt-outs/remove'],
    ['POST admin/opt-outs/check', 'admin/opt-outs/check'],
  ] as const) {
    add(route, () => jsonCase(route, path, 'admin', optOutSpec, accepts(ZOptOutRequest)));
  }
  add('GET admin/audit', () => queryCase('GET admin/audit', 'admin/audit', 'admin', auditQuerySpec));
  add('POST admin/users/invite', () =>
    jsonCase('POST admin/users/invite', 'admin/users/invite', 'admin', inviteSpec, accepts(ZInviteAdminRequest)),
  );
  add('PUT admin/users/:id/roles', () => {
    const id = accountId();
    const c = jsonCase(
      'PUT admin/users/:id/roles',
      `admin/users/${pathId(id)}/roles`,
      'admin',
      setRolesSpec,
      accepts(ZSetRolesRequest),
      'PUT',
    );
    return { ...c, note: `id ${short(id, 40)}; ${c.note}` };
  });

  // Campaigns: existing ones (the seeded draft, running and done) are targets too, as for
  // stations. A path id that names one is only used where the request is refused before
  // anything happens (malformed bodies); a GET of an existing one would answer 200.
  const campaignIds = [
    SEEDED_DRAFT_CAMPAIGN,
    'e0000000-0000-4000-8000-000000000001',
    'e0000000-0000-4000-8000-000000000002',
  ];
  const campaignId = () => (chance(0.4) ? pick(campaignIds) : chance(0.5) ? uuid() : badId());
  const unknownCampaign = () => (chance(0.4) ? uuid() : badId());
  add('GET admin/campaigns', () => queryCase('GET admin/campaigns', 'admin/campaigns', 'admin', campaignsQuerySpec));
  add('POST admin/campaigns', () =>
    jsonCase('POST admin/campaigns', 'admin/campaigns', 'admin', createCampaignSpec, accepts(ZCreateCampaignRequest)),
  );
  add('GET admin/campaigns/:id', () => {
    const id = unknownCampaign();
    return {
      route: 'GET admin/campaigns/:id',
      method: 'GET',
      path: `admin/campaigns/${pathId(id)}`,
      caller: 'admin',
      note: `id ${short(id, 60)}`,
    };
  });
  add('PATCH admin/campaigns/:id', () => {
    const id = campaignId();
    const c = jsonCase(
      'PATCH admin/campaigns/:id',
      `admin/campaigns/${pathId(id)}`,
      'admin',
      updateCampaignSpec,
      accepts(ZUpdateCampaignRequest),
      'PATCH',
    );
    return { ...c, note: `id ${short(id, 40)}; ${c.note}` };
  });
  add('DELETE admin/campaigns/:id', () => {
    // Never an existing campaign: deleting the seeded draft is a valid request.
    const id = unknownCampaign();
    return {
      route: 'DELETE admin/campaigns/:id',
      method: 'DELETE',
      path: `admin/campaigns/${pathId(id)}`,
      caller: 'admin',
      note: `id ${short(id, 60)}`,
    };
  });
  add('POST admin/campaigns/:id/targets/import', () => {
    const id = campaignId();
    const importAccepted = (b: string | Bytes) => {
      const judged = judgeJson(b, ZImportTargetsRequest);
      if (judged.refused) return false;
      // A dry run answers 200 whatever the file says; a real one only refuses a file-level problem.
      if (judged.data.dry_run) return true;
      return (
        checkCampaignCsv(judged.data.csv, { variables: ['name'], defaultCountry: judged.data.default_country })
          .problem === undefined
      );
    };
    const c = jsonCase(
      'POST admin/campaigns/:id/targets/import',
      `admin/campaigns/${pathId(id)}/targets/import`,
      'admin',
      importSpec,
      importAccepted,
    );
    return { ...c, note: `id ${short(id, 40)}; ${c.note}` };
  });
  add('GET admin/campaigns/:id/targets', () => {
    const c = queryCase(
      'GET admin/campaigns/:id/targets',
      `admin/campaigns/${SEEDED_DRAFT_CAMPAIGN}/targets`,
      'admin',
      targetsQuerySpec,
    );
    if (chance(0.2)) {
      const id = unknownCampaign();
      return { ...c, path: `admin/campaigns/${pathId(id)}/targets`, note: `id ${short(id, 40)}` };
    }
    return c;
  });
  add('POST admin/campaigns/:id/targets/retry', () => {
    const id = campaignId();
    const c = jsonCase(
      'POST admin/campaigns/:id/targets/retry',
      `admin/campaigns/${pathId(id)}/targets/retry`,
      'admin',
      retrySpec,
      accepts(ZRetryTargetsRequest),
    );
    return { ...c, note: `id ${short(id, 40)}; ${c.note}` };
  });
  add('GET admin/campaigns/:id/estimate', () => {
    const id = unknownCampaign();
    return {
      route: 'GET admin/campaigns/:id/estimate',
      method: 'GET',
      path: `admin/campaigns/${pathId(id)}/estimate`,
      caller: 'admin',
      note: `id ${short(id, 60)}`,
    };
  });
  add('POST admin/campaigns/:id/{start,pause,resume,finish}', () => {
    const id = campaignId();
    const action = pick(['start', 'pause', 'resume', 'finish']);
    // The actions take no body: anything but nothing (or {}) is refused before the campaign is read.
    const noBodyAccepted = (b: string | Bytes) => ['', '{}'].includes(decoder.decode(bytesOf(b)).trim());
    const spec: BodySpec = { bases: () => [{}], fields: { force: junk, status: junk, at: junk }, required: [] };
    const c = jsonCase(
      'POST admin/campaigns/:id/{start,pause,resume,finish}',
      `admin/campaigns/${pathId(id)}/${action}`,
      'admin',
      spec,
      noBodyAccepted,
    );
    return { ...c, note: `${action} id ${short(id, 40)}; ${c.note}` };
  });

  // Insurance quotes: the seeded ones (in every status) are targets too, as for campaigns;
  // only malformed bodies reach them. A GET of one would answer 200: unknown ids only.
  const quoteId = () => (chance(0.4) ? pick(SEEDED_QUOTES) : chance(0.5) ? uuid() : badId());
  add('GET admin/insurance-quotes', () =>
    queryCase('GET admin/insurance-quotes', 'admin/insurance-quotes', 'admin', quotesQuerySpec),
  );
  add('GET admin/insurance-quotes/:id', () => {
    const id = chance(0.4) ? uuid() : badId();
    return {
      route: 'GET admin/insurance-quotes/:id',
      method: 'GET',
      path: `admin/insurance-quotes/${pathId(id)}`,
      caller: 'admin',
      note: `id ${short(id, 60)}`,
    };
  });
  add('POST admin/insurance-quotes/:id/approve', () => {
    const id = quoteId();
    const c = jsonCase(
      'POST admin/insurance-quotes/:id/approve',
      `admin/insurance-quotes/${pathId(id)}/approve`,
      'admin',
      approveSpec,
      accepts(ZApproveQuoteRequest),
    );
    return { ...c, note: `id ${short(id, 40)}; ${c.note}` };
  });
  add('POST admin/insurance-quotes/:id/request-changes', () => {
    const id = quoteId();
    const c = jsonCase(
      'POST admin/insurance-quotes/:id/request-changes',
      `admin/insurance-quotes/${pathId(id)}/request-changes`,
      'admin',
      requestChangesSpec,
      accepts(ZRequestQuoteChangesRequest),
    );
    return { ...c, note: `id ${short(id, 40)}; ${c.note}` };
  });
  add('POST admin/insurance-quotes/:id/resubmission', () => {
    // The WhatsApp side's route, called as it calls it: with the service role key.
    const id = quoteId();
    const c = jsonCase(
      'POST admin/insurance-quotes/:id/resubmission',
      `admin/insurance-quotes/${pathId(id)}/resubmission`,
      'service',
      resubmitSpec(id),
      accepts(ZResubmitQuoteRequest),
    );
    return { ...c, note: `id ${short(id, 40)}; ${c.note}` };
  });

  // Bodies over the size limit (refused before they are read).
  const oversize = 'x'.repeat(MAX_BODY_BYTES + 1);
  const tooBig: [Route, string, Caller, Method?][] = [
    ['POST admin/vouchers', 'admin/vouchers', 'admin'],
    ['POST admin/vouchers/bulk', 'admin/vouchers/bulk', 'admin'],
    ['POST admin/vouchers/:id/void', `admin/vouchers/${fixtures.voucherIds[0] ?? uuid()}/void`, 'admin'],
    ['POST station/lookup', 'station/lookup', 'operator'],
    ['POST station/redeem', 'station/redeem', 'operator'],
    ['POST station/sync', 'station/sync', 'operator'],
    ['POST scheduler/tick', 'scheduler/tick', 'service'],
    ['POST admin/stations', 'admin/stations', 'admin'],
    ['PATCH admin/stations/:id', `admin/stations/${fixtures.stationIds[0] ?? uuid()}`, 'admin', 'PATCH'],
    ['PUT admin/settings/:key', 'admin/settings/templates', 'admin', 'PUT'],
    ['POST admin/opt-outs', 'admin/opt-outs', 'admin'],
    ['POST admin/users/invite', 'admin/users/invite', 'admin'],
    ['POST admin/campaigns', 'admin/campaigns', 'admin'],
    ['PATCH admin/campaigns/:id', `admin/campaigns/${SEEDED_DRAFT_CAMPAIGN}`, 'admin', 'PATCH'],
    ['POST admin/insurance-quotes/:id/approve', `admin/insurance-quotes/${SEEDED_QUOTES[0]}/approve`, 'admin'],
    [
      'POST admin/insurance-quotes/:id/request-changes',
      `admin/insurance-quotes/${SEEDED_QUOTES[0]}/request-changes`,
      'admin',
    ],
    [
      'POST admin/insurance-quotes/:id/resubmission',
      `admin/insurance-quotes/${SEEDED_QUOTES[3]}/resubmission`,
      'service',
    ],
  ];
  for (const [route, path, caller, method = 'POST'] of tooBig) {
    cases.push({
      route,
      method,
      path,
      caller,
      body: oversize,
      expect: [413],
      oversize: true,
      note: `${oversize.length} bytes`,
    });
  }
  cases.push({
    route: 'POST admin/campaigns/:id/targets/import',
    method: 'POST',
    path: `admin/campaigns/${SEEDED_DRAFT_CAMPAIGN}/targets/import`,
    caller: 'admin',
    body: 'x'.repeat(6_000_001),
    expect: [413],
    oversize: true,
    note: '6000001 bytes (the import limit is 6 MB: a 5 MB CSV as JSON)',
  });
  cases.push({
    route: 'POST whatsapp-webhook',
    method: 'POST',
    path: 'whatsapp-webhook',
    caller: 'none',
    body: 'x'.repeat(1_000_001),
    headers: { 'x-hub-signature-256': `sha256=${hex(64)}` },
    expect: [413],
    oversize: true,
    note: '1000001 bytes (the webhook limit is 1 MB)',
  });
  return cases;
}

// ---------------------------------------------------------------------------------------
// Sending and judging.

interface Outcome {
  status: number;
  text: string;
  resets: number;
}

const tokens: Record<Exclude<Caller, 'none'>, string> = { admin: '', operator: '', service: stack.serviceRoleKey };

async function send(c: Case): Promise<Outcome> {
  const headers: Record<string, string> = {};
  if (c.caller !== 'none') {
    headers.apikey = c.caller === 'service' ? stack.serviceRoleKey : stack.anonKey;
    headers.authorization = `Bearer ${tokens[c.caller]}`;
  }
  if (c.body !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, c.headers);
  let resets = 0;
  let lastError: unknown;
  // The local gateway sometimes drops the connection when a function answers before
  // reading a large body: those cases are retried, and so is a request that found its
  // reused keep-alive socket closed by such a drop ("other side closed"; it was never
  // answered). Both are counted in the report's note; any answer is judged as it is.
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      const response = await fetch(`${stack.url}/functions/v1/${c.path}`, {
        method: c.method,
        headers,
        body: c.body,
      });
      return { status: response.status, text: await response.text(), resets };
    } catch (error) {
      resets += 1;
      lastError = error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const socketClosed = cause?.code === 'UND_ERR_SOCKET' || cause?.message === 'other side closed';
      if (!c.oversize && !socketClosed) break;
    }
  }
  const cause = (lastError as { cause?: { message?: string } }).cause?.message;
  return { status: 0, text: `network error: ${(lastError as Error).message}${cause ? ` (${cause})` : ''}`, resets };
}

/** What is wrong with an answer, or undefined. */
function problemWith(c: Case, outcome: Outcome): string | undefined {
  const { status, text } = outcome;
  if (status === 0) return text;
  let body: Json;
  try {
    body = JSON.parse(text);
  } catch {
    return `status ${status} with a body that is not JSON`;
  }
  if (status >= 500) return `status ${status}`;
  if (c.route === 'POST station/sync (bad rows)') {
    if (status !== 200) return `status ${status} (expected 200 with every row refused)`;
    const results: Json[] = body?.results ?? [];
    const rows = (JSON.parse(c.body as string) as { rows: unknown[] }).rows.length;
    if (results.length !== rows) return `${results.length} results for ${rows} rows`;
    const accepted = results.filter((r) => r.ok !== false || r.error?.code !== 'invalid_request');
    return accepted.length
      ? `rows not refused as invalid_request: ${JSON.stringify(accepted).slice(0, 200)}`
      : undefined;
  }
  if (status === 200 && c.okAllowed) {
    return typeof body?.station?.id === 'string' ? undefined : 'status 200 without the station config';
  }
  const expected = c.expect ?? [];
  if (expected.length ? !expected.includes(status) : status < 400 || status > 499) {
    return `status ${status} (expected ${expected.length ? expected.join('/') : '4xx'})`;
  }
  const shape = ZErrorBody.safeParse(body);
  if (!shape.success) return `status ${status} without the { error: { code, message } } shape`;
  if (ERROR_STATUS[shape.data.error.code] !== status) {
    return `status ${status} with error code ${shape.data.error.code} (which is ${ERROR_STATUS[shape.data.error.code]})`;
  }
  return undefined;
}

async function runAll<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T, index);
      }
    }),
  );
  return results;
}

// ---------------------------------------------------------------------------------------
// The database before and after.

const TABLES = [
  'public.vouchers',
  'public.voucher_events',
  'public.voucher_redemptions',
  'public.users',
  'public.voucher_bulk_jobs',
  'public.voucher_send_queue',
  'public.code_attempts',
  'public.audit_log',
  'public.settings',
  'public.stations',
  'public.station_operators',
  'public.admin_roles',
  'public.campaigns',
  'public.campaign_targets',
  'public.campaign_send_queue',
  'public.opt_outs',
  'public.insurance_quotes',
  'auth.users',
  'auth.identities',
] as const;

const sql = db();

async function snapshot(): Promise<Record<string, string>> {
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const out: Record<string, string> = {};
    for (const table of TABLES) {
      const [row] = await tx.unsafe<{ n: number; md5: string | null }[]>(
        `select count(*)::int as n, md5(string_agg(t::text, ',' order by t::text)) as md5 from ${table} t`,
      );
      out[table] = `${row?.n ?? '?'} rows, md5 ${row?.md5 ?? '-'}`;
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------

describe(`fuzz (seed ${SEED}; FUZZ_SEED=${SEED} replays it)`, () => {
  let cases: Case[] = [];
  let before: Record<string, string>;
  let outcomes: Outcome[] = [];

  beforeAll(async () => {
    const [admin, operator] = await Promise.all([signIn(DEMO.admin), signIn(DEMO.operator)]);
    tokens.admin = admin.session.access_token;
    tokens.operator = operator.session.access_token;
    await forgetAttempts(sql);
    const vouchers = await sql<{ id: string }[]>`select id from public.vouchers order by id limit 12`;
    const stations = await sql<{ engencode: string; id: string }[]>`
      select engencode, id from public.stations where status = 'active'`;
    const allStations = await sql<{ id: string }[]>`select id from public.stations order by id`;
    const accounts = await sql<{ id: string }[]>`select id from auth.users order by id`;
    cases = generate({
      voucherIds: vouchers.map((v) => v.id),
      stations: new Map(stations.map((s) => [s.engencode, s.id])),
      stationIds: allStations.map((s) => s.id),
      accountIds: accounts.map((a) => a.id),
    });
    before = await snapshot();
  });
  afterAll(() => sql.end());

  it('makes at least 1,000 malformed requests, at least 30 on every route', () => {
    const counts = new Map<string, number>();
    for (const c of cases) counts.set(c.route, (counts.get(c.route) ?? 0) + 1);
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    for (const route of Object.keys(PER_ROUTE)) expect(counts.get(route) ?? 0, route).toBeGreaterThanOrEqual(30);
  });

  it(`answers every one with a 4xx in the error shape, never a 500 (seed ${SEED})`, { timeout: 60_000 }, async () => {
    const started = Date.now();
    outcomes = await runAll(cases, 8, send);
    const failures: string[] = [];
    const byRoute = new Map<string, Map<number, number>>();
    outcomes.forEach((outcome, i) => {
      const c = cases[i] as Case;
      const statuses = byRoute.get(c.route) ?? new Map<number, number>();
      statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
      byRoute.set(c.route, statuses);
      const problem = problemWith(c, outcome);
      if (problem) {
        const input = typeof c.body === 'string' ? c.body : c.body ? `<${c.body.length} bytes>` : '';
        failures.push(
          [
            `#${i} ${c.route}: ${problem}`,
            `  ${c.method} ${short(c.path, 160)}${c.headers ? ` headers ${JSON.stringify(c.headers).slice(0, 120)}` : ''}`,
            `  mutation: ${c.note}`,
            input ? `  body: ${short(input, 300)}` : '',
            `  answer: ${outcome.text.slice(0, 300)}`,
          ]
            .filter(Boolean)
            .join('\n'),
        );
      }
    });
    const resets = outcomes.reduce((n, o) => n + o.resets, 0);
    const summary = [...byRoute]
      .map(([route, statuses]) => `  ${route.padEnd(32)} ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`)
      .join('\n');
    console.log(
      `fuzz seed ${SEED}: ${cases.length} requests in ${Date.now() - started} ms` +
        `${resets ? ` (${resets} dropped connection(s), retried)` : ''}\n${summary}`,
    );
    if (failures.length > 0) {
      expect.fail(
        `${failures.length} of ${cases.length} malformed requests were mishandled (FUZZ_SEED=${SEED}):\n\n${failures.join('\n\n')}`,
      );
    }
  });

  it('changes no row in any table', async () => {
    expect(outcomes.length, 'the requests ran').toBe(cases.length);
    expect(await snapshot()).toEqual(before);
  });
});
