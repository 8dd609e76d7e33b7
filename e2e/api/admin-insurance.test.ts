/**
 * Insurance quote review through the admin function, as each demo role: the queue (pending
 * first, oldest submission first, keyset pages that walk every quote once, filters, the
 * driver-number search and its counts), a quote with its documents (signed URLs that
 * download and expire, only for reviewers; storage itself refuses the others), approving
 * and sending back with what each decision must carry (refusals change nothing, a second
 * decision is a 409, two reviewers at once make exactly one decision), the WhatsApp
 * side's resubmission with the service role, and the decisions in the audit log.
 *
 * Every test makes its own quotes (inserted as the seed does, by drivers of its own) and
 * stores their documents with the service role; the file removes them afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZAuditResponse } from '../../packages/contracts/src/admin/audit.ts';
import {
  ZListQuotesResponse,
  ZQuote,
  ZQuoteDetail,
  type TQuote,
  type TQuoteDetail,
} from '../../packages/contracts/src/admin/insurance.ts';
import { ADMIN_ID, auditCount, signInAll, SUPPORT_ID, type Role } from '../support/admin.ts';
import { db, decodeJwt, DEMO, serviceClient, stack } from '../support/stack.ts';
import { call, type Json } from '../support/vouchers.ts';

const sql = db();
const service = serviceClient();
let as: Record<Role, SupabaseClient>;

/** Quotes, stored objects and drivers this file made (removed afterwards, quotes first). */
const madeQuotes: string[] = [];
const storedPaths: string[] = [];
const madeDrivers: string[] = [];

const SEEDED_QUOTES = Array.from({ length: 6 }, (_, i) => `f0000000-0000-4000-8000-00000000000${i + 1}`);
const NOBODY = '00000000-0000-4000-8000-000000000000';
const REVIEWERS = ['support', 'admin'] as const;
const NOT_REVIEWERS = ['dataops', 'readonly'] as const;
const EMAIL: Record<(typeof REVIEWERS)[number], string> = { support: DEMO.support, admin: DEMO.admin };

// A real 1×1 PNG and a small PDF.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n' +
    'trailer <</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);
const CONTENT = { png: { bytes: PNG, type: 'image/png' }, pdf: { bytes: PDF, type: 'application/pdf' } } as const;

beforeAll(async () => {
  as = await signInAll();
});
afterAll(async () => {
  await sql`delete from public.insurance_quotes where id = any (${madeQuotes}::uuid[])`;
  for (let i = 0; i < storedPaths.length; i += 100) {
    await service.storage.from('docs').remove(storedPaths.slice(i, i + 100));
  }
  await sql`delete from public.users where id = any (${madeDrivers}::uuid[])`;
  await sql.end();
}, 60_000);

// ════════════════════════════════════════════════════════════════════════════════════
// Fixtures

interface Driver {
  id: string;
  msisdn: string;
}

/** A driver nobody else has: a Rwandan +250 79… number, random in its last seven digits. */
async function newDriver(name = 'Test Driver'): Promise<Driver> {
  for (;;) {
    const msisdn = `+25079${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const [row] = await sql<{ id: string }[]>`
      insert into public.users (msisdn, display_name) values (${msisdn}, ${name})
      on conflict (msisdn) do nothing returning id`;
    if (row) {
      madeDrivers.push(row.id);
      return { id: row.id, msisdn };
    }
  }
}

async function store(path: string, kind: 'png' | 'pdf'): Promise<void> {
  const { bytes, type } = CONTENT[kind];
  const { error } = await service.storage.from('docs').upload(path, bytes, { contentType: type });
  if (error) throw new Error(`could not store docs/${path}: ${error.message}`);
  storedPaths.push(path);
}

const DEFAULT_OCR = { plate: 'RAC 412D', owner: 'Test Driver', vehicle: 'Toyota Corolla 2012', confidence: 0.9 };

interface QuoteOptions {
  driver?: string;
  status?: 'pending' | 'approved' | 'needs_changes';
  /** Minutes ago (default 60); or `submittedAt`, an exact instant (ISO, up to microseconds). */
  submittedAgo?: number;
  submittedAt?: string;
  insurer?: string;
  premium?: number;
  /** Document names in the quote's folder: stored as PNG or PDF, or only listed ('missing'). */
  docs?: Record<string, 'png' | 'pdf' | 'missing'>;
  ocr?: Json;
}

/**
 * A quote inserted as the seed inserts them (submitted `submittedAgo` minutes ago), its
 * documents stored under `<id>/`, then moved to `status` through the real transitions.
 */
async function newQuote(options: QuoteOptions = {}): Promise<string> {
  const id = randomUUID();
  const docs = Object.entries(options.docs ?? {});
  for (const [name, kind] of docs) if (kind !== 'missing') await store(`${id}/${name}`, kind);
  const at = options.submittedAt ?? new Date(Date.now() - (options.submittedAgo ?? 60) * 60_000).toISOString();
  const paths = docs.map(([name]) => `${id}/${name}`);
  await sql`
    insert into public.insurance_quotes (id, user_id, uploaded_docs, metadata, created_at, submitted_at)
    values (${id}, ${options.driver ?? (await newDriver()).id}, ${paths}::text[],
            ${sql.json({ ocr: options.ocr ?? DEFAULT_OCR })}, ${at}::text::timestamptz, ${at}::text::timestamptz)`;
  madeQuotes.push(id);
  if (options.status === 'approved') {
    await sql`update public.insurance_quotes
                 set premium = ${options.premium ?? 84000}, insurer = ${options.insurer ?? 'SONARWA'}, status = 'approved'
               where id = ${id}`;
  } else if (options.status === 'needs_changes') {
    await sql`update public.insurance_quotes
                 set status = 'needs_changes', change_reason = 'document_unreadable',
                     reviewer_comment = 'The registration photo is blurred.'
               where id = ${id}`;
  }
  return id;
}

/** The quote's row and how many audit rows it has: equal before and after means nothing changed. */
async function quoteState(id: string): Promise<string> {
  const [row] = await sql<{ row: string }[]>`
    select to_jsonb(q)::text as row from public.insurance_quotes q where q.id = ${id}`;
  return `${row?.row} | ${await auditCount(sql, 'insurance_quotes', id)} audit rows`;
}

interface QuoteRow {
  status: string;
  premium: string | null;
  insurer: string | null;
  reviewed_by: string | null;
  change_reason: string | null;
  reviewer_comment: string | null;
  approved_at: Date | null;
  submitted_at: Date;
  uploaded_docs: string[];
  metadata: Json;
}

async function quoteRow(id: string): Promise<QuoteRow> {
  const [row] = await sql<QuoteRow[]>`
    select status, premium::text as premium, insurer, reviewed_by, change_reason, reviewer_comment, approved_at,
           submitted_at, uploaded_docs, metadata
      from public.insurance_quotes where id = ${id}`;
  if (!row) throw new Error(`no quote ${id}`);
  return row;
}

const list = (client: SupabaseClient | null, query = '') =>
  call(client, 'GET', `admin/insurance-quotes${query ? `?${query}` : ''}`);
const detail = (client: SupabaseClient | null, id: string) => call(client, 'GET', `admin/insurance-quotes/${id}`);
const approve = (client: SupabaseClient | null, id: string, body: Json) =>
  call(client, 'POST', `admin/insurance-quotes/${id}/approve`, body);
const requestChanges = (client: SupabaseClient | null, id: string, body: Json) =>
  call(client, 'POST', `admin/insurance-quotes/${id}/request-changes`, body);

/** The WhatsApp side's call: the service-role key as bearer. */
async function resubmit(id: string, body: Json): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${stack.url}/functions/v1/admin/insurance-quotes/${id}/resubmission`, {
    method: 'POST',
    headers: {
      apikey: stack.serviceRoleKey,
      authorization: `Bearer ${stack.serviceRoleKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Json = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: response.status, body: parsed };
}

const byQuery = (params: Record<string, string | number>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');

/** Every page of the queue for a query, following next_cursor (at most `maxPages`). */
async function walk(params: Record<string, string | number>, client: SupabaseClient = as.readonly, maxPages = 1000) {
  const pages: TQuote[][] = [];
  let cursor: string | null = null;
  do {
    const { status, body } = await list(client, byQuery({ ...params, ...(cursor ? { cursor } : {}) }));
    expect(status, JSON.stringify(body)).toBe(200);
    const page = ZListQuotesResponse.parse(body);
    pages.push(page.items);
    cursor = page.next_cursor;
  } while (cursor && pages.length < maxPages);
  return pages;
}

/** The queue's order: pending first, then the rest; each oldest submission first, then by id. */
function queueOrder(a: TQuote, b: TQuote): number {
  const pending = Number(a.status !== 'pending') - Number(b.status !== 'pending');
  if (pending !== 0) return pending;
  return Date.parse(a.submitted_at) - Date.parse(b.submitted_at);
}

const ids = (items: { id: string }[]) => items.map((i) => i.id);

// ════════════════════════════════════════════════════════════════════════════════════

describe('GET admin/insurance-quotes: the queue', () => {
  let driver: Driver;
  /** This driver's quotes in the queue's order, and their statuses. */
  let expected: string[];
  const STATUSES = ['pending', 'pending', 'pending', 'approved', 'needs_changes', 'approved'];
  let radiant: string;

  beforeAll(async () => {
    driver = await newDriver('Queue Driver');
    const d = driver.id;
    const p1 = await newQuote({ driver: d, submittedAgo: 50 * 60 });
    const p2 = await newQuote({ driver: d, submittedAgo: 5 * 60 });
    const p3 = await newQuote({ driver: d, submittedAgo: 10 });
    radiant = await newQuote({ driver: d, status: 'approved', insurer: 'Radiant', submittedAgo: 100 * 60 });
    const n1 = await newQuote({ driver: d, status: 'needs_changes', submittedAgo: 30 * 60 });
    const a2 = await newQuote({ driver: d, status: 'approved', insurer: 'Britam', submittedAgo: 60 });
    expected = [p1, p2, p3, radiant, n1, a2];
  });

  it.each(['admin', 'support', 'dataops', 'readonly'] as const)(
    '%s reads the queue: pending first, then the others, each oldest submission first',
    async (role) => {
      const { status, body } = await list(as[role], byQuery({ q: driver.msisdn }));
      expect(status).toBe(200);
      const page = ZListQuotesResponse.parse(body);
      expect(ids(page.items)).toEqual(expected);
      expect(page.items.map((q) => q.status)).toEqual(STATUSES);
      expect(page.items[0]).toMatchObject({
        driver: { id: driver.id, msisdn: driver.msisdn, name: 'Queue Driver' },
        premium: null,
        insurer: null,
        documents_count: 0,
      });
      expect(page.items[3]).toMatchObject({ premium: 84000, insurer: 'Radiant', approved_at: expect.any(String) });
      expect(page.items[4]).toMatchObject({
        change_reason: 'document_unreadable',
        reviewer_comment: 'The registration photo is blurred.',
      });
      expect(page.next_cursor).toBeNull();
    },
  );

  it('the whole queue is in that order, and pages of 3 walk every quote exactly once', async () => {
    const pages = await walk({ limit: 3 });
    const walked = pages.flat();
    expect(pages.slice(0, -1).every((p) => p.length === 3)).toBe(true);
    const all = await sql<{ id: string }[]>`
      select id from public.insurance_quotes order by (status <> 'pending'), submitted_at, id`;
    const repeated = ids(walked).filter((id, i, all) => all.indexOf(id) !== i);
    expect(repeated, 'quotes walked twice').toEqual([]);
    expect(ids(walked)).toEqual(all.map((r) => r.id));
    for (let i = 1; i < walked.length; i++) {
      expect(queueOrder(walked[i - 1] as TQuote, walked[i] as TQuote), `${i}`).toBeLessThanOrEqual(0);
    }
    const firstDone = walked.findIndex((q) => q.status !== 'pending');
    expect(walked.slice(firstDone).every((q) => q.status !== 'pending')).toBe(true);
    expect(ids(walked)).toEqual(expect.arrayContaining([...expected, ...SEEDED_QUOTES]));
  });

  it('quotes submitted at the same instant are paged by id, none repeated or skipped, with limit 1 and 2', async () => {
    const same = await newDriver('Same Instant');
    const at = new Date(Date.now() - 7 * 3_600_000).toISOString();
    const made = [
      await newQuote({ driver: same.id, submittedAt: at }),
      await newQuote({ driver: same.id, submittedAt: at }),
      await newQuote({ driver: same.id, submittedAt: at }),
      await newQuote({ driver: same.id, submittedAt: at, status: 'approved' }),
      await newQuote({ driver: same.id, submittedAt: at, status: 'needs_changes' }),
    ];
    const pending = made.slice(0, 3).sort();
    const others = made.slice(3).sort();
    for (const limit of [1, 2]) {
      const pages = await walk({ q: same.msisdn, limit });
      expect(pages).toHaveLength(Math.ceil(5 / limit));
      expect(ids(pages.flat())).toEqual([...pending, ...others]);
    }
  });

  it('quotes submitted with microseconds (as now() stores them) are each walked once, pages of 1 and 2', async () => {
    const precise = await newDriver('Microsecond Driver');
    const base = Date.now() - 9 * 3_600_000;
    const made: string[] = [];
    for (let i = 0; i < 4; i++) {
      // 2026-…T…:…:….123457Z: a microsecond part, as every timestamp now() writes has.
      const at = new Date(base + i * 60_000).toISOString().replace('Z', `${457 + i}Z`);
      made.push(await newQuote({ driver: precise.id, submittedAt: at }));
    }
    for (const limit of [1, 2]) {
      const pages = await walk({ q: precise.msisdn, limit }, as.readonly, 8);
      expect(
        pages.map((p) => ids(p).map((id) => made.indexOf(id))),
        'the quotes (by the order they were submitted) on each page',
      ).toEqual(
        limit === 1
          ? [[0], [1], [2], [3]]
          : [
              [0, 1],
              [2, 3],
            ],
      );
    }
  });

  it('filters by status; the counts stay those of every status', async () => {
    for (const status of ['pending', 'approved', 'needs_changes'] as const) {
      const { body } = await list(as.support, byQuery({ q: driver.msisdn, status }));
      const page = ZListQuotesResponse.parse(body);
      expect(ids(page.items)).toEqual(expected.filter((_, i) => STATUSES[i] === status));
      expect(page.counts).toEqual({ pending: 3, approved: 2, needs_changes: 1 });
    }
    const { body } = await list(as.support, byQuery({ status: 'approved', limit: 200 }));
    const page = ZListQuotesResponse.parse(body);
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((q) => q.status === 'approved')).toBe(true);
    const [n] = await sql<
      { n: number }[]
    >`select count(*)::int as n from public.insurance_quotes where status = 'approved'`;
    expect(page.items).toHaveLength(n?.n ?? -1);
  });

  it('filters by insurer; its counts are of that insurer, alone and with the number', async () => {
    const withNumber = ZListQuotesResponse.parse(
      (await list(as.readonly, byQuery({ q: driver.msisdn, insurer: 'Radiant' }))).body,
    );
    expect(ids(withNumber.items)).toEqual([radiant]);
    expect(withNumber.counts).toEqual({ pending: 0, approved: 1, needs_changes: 0 });

    const alone = ZListQuotesResponse.parse((await list(as.readonly, byQuery({ insurer: 'Britam', limit: 200 }))).body);
    expect(alone.items.every((q) => q.insurer === 'Britam')).toBe(true);
    expect(ids(alone.items)).toContain(expected[5]);
    const [counts] = await sql<{ pending: number; approved: number; needs_changes: number }[]>`
      select count(*) filter (where status = 'pending')::int as pending,
             count(*) filter (where status = 'approved')::int as approved,
             count(*) filter (where status = 'needs_changes')::int as needs_changes
        from public.insurance_quotes where insurer = 'Britam'`;
    expect(alone.counts).toEqual(counts);
    expect(alone.items).toHaveLength((counts?.approved ?? 0) + (counts?.pending ?? 0) + (counts?.needs_changes ?? 0));

    const nobody = ZListQuotesResponse.parse((await list(as.readonly, byQuery({ insurer: 'Nobody Insurance' }))).body);
    expect(nobody).toEqual({ items: [], next_cursor: null, counts: { pending: 0, approved: 0, needs_changes: 0 } });
  });

  it('the counts without filters are those of the whole table', async () => {
    const { body } = await list(as.readonly, 'limit=1');
    const page = ZListQuotesResponse.parse(body);
    const [counts] = await sql<{ pending: number; approved: number; needs_changes: number }[]>`
      select count(*) filter (where status = 'pending')::int as pending,
             count(*) filter (where status = 'approved')::int as approved,
             count(*) filter (where status = 'needs_changes')::int as needs_changes
        from public.insurance_quotes`;
    expect(page.counts).toEqual(counts);
    expect(page.items).toHaveLength(1);
    expect(page.next_cursor).not.toBeNull();
  });

  it.each([
    ['the full E.164 number', (m: string) => m],
    ['the local 07… form', (m: string) => `0${m.slice(4)}`],
    ['the number with spaces', (m: string) => `+250 ${m.slice(4, 7)} ${m.slice(7, 10)} ${m.slice(10)}`],
    ['the number without + (250…)', (m: string) => m.slice(1)],
  ])('searches by %s: exactly this driver’s quotes, with their counts', async (_what, form) => {
    const { status, body } = await list(as.readonly, byQuery({ q: form(driver.msisdn) }));
    expect(status).toBe(200);
    const page = ZListQuotesResponse.parse(body);
    expect(ids(page.items)).toEqual(expected);
    expect(page.counts).toEqual({ pending: 3, approved: 2, needs_changes: 1 });
  });

  it.each([
    ['its last 3 digits', (m: string) => m.slice(-3)],
    ['its last 6 digits', (m: string) => m.slice(-6)],
    ['its last 7 digits', (m: string) => m.slice(-7)],
    ['its last 8 digits', (m: string) => m.slice(-8)],
    ['its first 9 digits without +', (m: string) => m.slice(1, 10)],
    ['its first 8 digits with +', (m: string) => m.slice(0, 9)],
    ['its middle digits with a dash', (m: string) => `${m.slice(5, 8)}-${m.slice(8, 11)}`],
  ])('searches by part of the number (%s): every match contains those digits', async (_what, part) => {
    const digits = part(driver.msisdn).replace(/\D/g, '');
    const { status, body } = await list(as.readonly, byQuery({ q: part(driver.msisdn), limit: 200 }));
    expect(status).toBe(200);
    const page = ZListQuotesResponse.parse(body);
    expect(ids(page.items)).toEqual(expect.arrayContaining(expected));
    expect(page.items.every((q) => q.driver?.msisdn.includes(digits))).toBe(true);
    expect(page.counts.pending).toBeGreaterThanOrEqual(3);
  });

  it('a number nobody has finds nothing, with zero counts', async () => {
    const { body } = await list(as.readonly, byQuery({ q: '+250 722 999 999' }));
    expect(ZListQuotesResponse.parse(body)).toEqual({
      items: [],
      next_cursor: null,
      counts: { pending: 0, approved: 0, needs_changes: 0 },
    });
  });

  it.each([
    ['2 digits', '12'],
    ['2 digits written with + and a dash', '+1-2'],
    ['letters', 'abc'],
    ['digits with a letter', '0788a100'],
    ['a name', 'Claudine'],
    ['a wildcard', '%788%'],
    ['blank', '   '],
    ['an unknown status', 'status=closed'],
    ['limit 0', 'limit=0'],
    ['limit 201', 'limit=201'],
    ['an unknown parameter', 'page=2'],
    ['a parameter given twice', 'status=pending&status=approved'],
    ['a cursor not given out', 'cursor=abc'],
  ])('refuses %s with 400 invalid_request', async (_what, value) => {
    const query = value.includes('=') ? value : byQuery({ q: value });
    const { status, body } = await list(as.support, query);
    expect([status, body.error?.code]).toEqual([400, 'invalid_request']);
  });

  it.each([
    ['a sort key in another shape', () => ['2|2026-01-01 00:00:00+00', NOBODY]],
    ['an ISO instant', () => ['0|2026-01-01T00:00:00Z', NOBODY]],
    ['a month 13', () => ['0|2026-13-01 00:00:00+00', NOBODY]],
    ['a zone offset of 99 hours', () => ['0|2026-01-01 00:00:00+99', NOBODY]],
    ['an id that is no UUID', () => ['0|2026-01-01 00:00:00+00', 'zzz']],
  ])('refuses a forged cursor (%s) with 400, never a 500', async (_what, make) => {
    const cursor = Buffer.from(JSON.stringify(make())).toString('base64url');
    const { status, body } = await list(as.support, byQuery({ cursor }));
    expect([status, body.error?.code]).toEqual([400, 'invalid_request']);
  });

  it('refuses an operator (403) and anyone without a session (401)', async () => {
    expect((await list(as.operator)).status).toBe(403);
    expect((await list(null)).status).toBe(401);
  });
});

// ════════════════════════════════════════════════════════════════════════════════════

describe('GET admin/insurance-quotes/:id: a quote with its documents', () => {
  let id: string;
  let driver: Driver;
  const OCR = { plate: 'RAE 118B', owner: 'Aimable Mugisha', vehicle: 'Isuzu NPR 2016', confidence: 0.87 };

  beforeAll(async () => {
    driver = await newDriver('Detail Driver');
    id = await newQuote({
      driver: driver.id,
      docs: { 'national-id.png': 'png', 'previous-certificate.pdf': 'pdf', 'vehicle-registration.png': 'missing' },
      ocr: OCR,
      submittedAgo: 3 * 60,
    });
  });

  it.each(REVIEWERS)(
    '%s gets every listed document; stored ones have a 300 s signed URL that downloads them',
    async (role) => {
      const before = Math.floor(Date.now() / 1000);
      const { status, body } = await detail(as[role], id);
      const after = Math.ceil(Date.now() / 1000);
      expect(status).toBe(200);
      const quote = ZQuoteDetail.parse(body);
      expect(quote.quote).toMatchObject({
        id,
        status: 'pending',
        documents_count: 3,
        driver: { id: driver.id, msisdn: driver.msisdn },
      });
      expect(quote.ocr).toEqual(OCR);
      expect(quote.urls_expire_in).toBe(300);
      const documents = quote.documents ?? [];
      expect(documents.map((d) => [d.path, d.name, d.mimetype, d.size, d.kind])).toEqual([
        [`${id}/national-id.png`, 'national-id.png', 'image/png', PNG.length, 'image'],
        [`${id}/previous-certificate.pdf`, 'previous-certificate.pdf', 'application/pdf', PDF.length, 'pdf'],
        [`${id}/vehicle-registration.png`, 'vehicle-registration.png', null, null, 'image'],
      ]);
      expect(documents[2]?.url).toBeNull();

      for (const [document, kind] of [
        [documents[0], 'png'],
        [documents[1], 'pdf'],
      ] as const) {
        const url = document?.url ?? '';
        expect(new URL(url).pathname).toBe(`/storage/v1/object/sign/docs/${document?.path}`);
        const fetched = await fetch(url);
        expect(fetched.status, url).toBe(200);
        expect(fetched.headers.get('content-type')).toBe(CONTENT[kind].type);
        const bytes = Buffer.from(await fetched.arrayBuffer());
        expect(bytes.subarray(0, 4).toString('latin1')).toBe(kind === 'png' ? '\u0089PNG' : '%PDF');
        expect(bytes.equals(CONTENT[kind].bytes)).toBe(true);

        const token = decodeJwt(new URL(url).searchParams.get('token') ?? '');
        expect(token).toMatchObject({ url: `docs/${document?.path}` });
        expect(Number(token.exp) - Number(token.iat)).toBe(300);
        expect(Number(token.exp)).toBeGreaterThanOrEqual(before + 300 - 1);
        expect(Number(token.exp)).toBeLessThanOrEqual(after + 300 + 1);
      }
    },
  );

  it.each(NOT_REVIEWERS)('%s sees the quote, its OCR and history, but documents is null (no URLs)', async (role) => {
    const { status, body } = await detail(as[role], id);
    expect(status).toBe(200);
    const quote = ZQuoteDetail.parse(body);
    expect(quote.documents).toBeNull();
    expect(JSON.stringify(body)).not.toContain('token=');
    expect(quote.quote).toMatchObject({ id, status: 'pending', documents_count: 3 });
    expect(quote.ocr).toEqual(OCR);
    expect(quote.history.map((h) => [h.event, h.actor_kind])).toEqual([['submitted', 'system']]);
    expect(Date.parse(quote.history[0]?.at ?? '')).toBe(Date.parse(quote.quote.created_at));
    expect(quote.history[0]?.documents_added).toEqual([
      `${id}/national-id.png`,
      `${id}/previous-certificate.pdf`,
      `${id}/vehicle-registration.png`,
    ]);
  });

  it.each(NOT_REVIEWERS)('%s cannot open the documents with supabase-js storage either', async (role) => {
    const bucket = as[role].storage.from('docs');
    for (const path of [`${id}/national-id.png`, `${id}/previous-certificate.pdf`]) {
      const download = await bucket.download(path);
      expect(download.data, path).toBeNull();
      expect(download.error, path).not.toBeNull();
      const signed = await bucket.createSignedUrl(path, 60);
      expect(signed.data, path).toBeNull();
      expect(signed.error, path).toMatchObject({ statusCode: '404' });
    }
    const listed = await bucket.list(id);
    expect(listed.data ?? []).toEqual([]);
  });

  it('support opens the same documents with supabase-js storage (the same policy decides)', async () => {
    const { data, error } = await as.support.storage.from('docs').download(`${id}/national-id.png`);
    expect(error).toBeNull();
    expect(Buffer.from(await (data as Blob).arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('the documents of a seeded quote are signed for support too', async () => {
    const { body } = await detail(as.support, SEEDED_QUOTES[0] ?? '');
    const quote = ZQuoteDetail.parse(body);
    expect(quote.documents?.length).toBe(3);
    for (const document of quote.documents ?? []) {
      expect(document.url, document.path).not.toBeNull();
      expect((await fetch(document.url ?? '')).status).toBe(200);
    }
  });

  it.each([
    ['a UUID no quote has', NOBODY],
    ['something that is not a UUID', 'f0000000'],
  ])('answers %s with 404 not_found', async (_what, missing) => {
    const { status, body } = await detail(as.support, missing);
    expect([status, body.error?.code]).toEqual([404, 'not_found']);
  });

  it('refuses an operator (403) and anyone without a session (401)', async () => {
    expect((await detail(as.operator, id)).status).toBe(403);
    expect((await detail(null, id)).status).toBe(401);
  });
});

// ════════════════════════════════════════════════════════════════════════════════════

describe('POST admin/insurance-quotes/:id/approve', () => {
  it.each(REVIEWERS)(
    '%s approves with a premium and an insurer: approved, stamped with who and when, in the history',
    async (role) => {
      const id = await newQuote({ docs: { 'national-id.png': 'png' } });
      const before = Date.now();
      const { status, body } = await approve(as[role], id, {
        premium: 84000,
        insurer: 'SONARWA',
        comment: '  Third-party cover, 12 months  ',
      });
      const after = Date.now();
      expect(status, JSON.stringify(body)).toBe(200);
      const answer: TQuoteDetail = ZQuoteDetail.parse(body);
      expect(answer.quote).toMatchObject({
        id,
        status: 'approved',
        premium: 84000,
        insurer: 'SONARWA',
        reviewer_comment: 'Third-party cover, 12 months',
        change_reason: null,
        reviewed_by_email: EMAIL[role],
      });
      const approvedAt = Date.parse(answer.quote.approved_at ?? '');
      expect(approvedAt).toBeGreaterThanOrEqual(before - 2000);
      expect(approvedAt).toBeLessThanOrEqual(after + 2000);
      expect(answer.documents?.[0]?.url).toEqual(expect.any(String));
      expect(answer.history.map((h) => h.event)).toEqual(['submitted', 'approved']);
      expect(answer.history[1]).toMatchObject({
        event: 'approved',
        actor_kind: 'user',
        actor_email: EMAIL[role],
        premium: 84000,
        insurer: 'SONARWA',
        comment: 'Third-party cover, 12 months',
        change_reason: null,
        documents_added: [],
      });

      const row = await quoteRow(id);
      expect(row).toMatchObject({
        status: 'approved',
        premium: '84000.00',
        insurer: 'SONARWA',
        reviewed_by: role === 'admin' ? ADMIN_ID : SUPPORT_ID,
      });
      expect(row.approved_at?.getTime()).toBe(approvedAt);

      // Everyone sees the decision.
      const seen = ZQuoteDetail.parse((await detail(as.readonly, id)).body);
      expect(seen.quote).toEqual(answer.quote);
      expect(seen.history).toEqual(answer.history);
    },
  );

  it('without a comment the reviewer comment stays empty', async () => {
    const id = await newQuote();
    const { status, body } = await approve(as.support, id, { premium: 1, insurer: 'BK General Insurance' });
    expect(status).toBe(200);
    expect(body.quote).toMatchObject({ premium: 1, insurer: 'BK General Insurance', reviewer_comment: null });
  });

  it('accepts the largest premium, 50,000,000 RWF', async () => {
    const id = await newQuote();
    const { status, body } = await approve(as.support, id, { premium: 50_000_000, insurer: 'Old Mutual' });
    expect(status).toBe(200);
    expect(body.quote.premium).toBe(50_000_000);
    expect((await quoteRow(id)).premium).toBe('50000000.00');
  });

  it.each([
    ['no premium', { insurer: 'SONARWA' }],
    ['no insurer', { premium: 84000 }],
    ['an empty body', {}],
    ['a fractional premium', { premium: 84000.5, insurer: 'SONARWA' }],
    ['a negative premium', { premium: -84000, insurer: 'SONARWA' }],
    ['a zero premium', { premium: 0, insurer: 'SONARWA' }],
    ['a premium over 50,000,000', { premium: 50_000_001, insurer: 'SONARWA' }],
    ['a premium as text', { premium: '84000', insurer: 'SONARWA' }],
    ['a null premium', { premium: null, insurer: 'SONARWA' }],
    ['an unknown insurer', { premium: 84000, insurer: 'Acme Insurance' }],
    ['an insurer in another case', { premium: 84000, insurer: 'sonarwa' }],
    ['an empty insurer', { premium: 84000, insurer: '' }],
    ['a comment over 2,000 characters', { premium: 84000, insurer: 'SONARWA', comment: 'x'.repeat(2001) }],
    ['an unknown field', { premium: 84000, insurer: 'SONARWA', status: 'approved' }],
    ['a reason (which is for sending back)', { premium: 84000, insurer: 'SONARWA', reason: 'other' }],
  ])('refuses %s with 400 invalid_request and changes nothing', async (_what, request) => {
    const id = await newQuote();
    const before = await quoteState(id);
    const { status, body } = await approve(as.support, id, request);
    expect([status, body.error?.code]).toEqual([400, 'invalid_request']);
    expect(await quoteState(id)).toBe(before);
  });

  it('approving again is a 409 conflict that says what the quote is, and changes nothing', async () => {
    const id = await newQuote();
    expect((await approve(as.support, id, { premium: 84000, insurer: 'SONARWA' })).status).toBe(200);
    const before = await quoteState(id);
    for (const [client, request] of [
      [as.support, { premium: 84000, insurer: 'SONARWA' }],
      [as.admin, { premium: 99000, insurer: 'Radiant' }],
    ] as const) {
      const { status, body } = await approve(client, id, request);
      expect([status, body.error?.code]).toEqual([409, 'conflict']);
      expect(body.error.message).toContain('approved already');
      expect(body.error.details).toEqual({ status: 'approved' });
    }
    const back = await requestChanges(as.admin, id, { reason: 'other', comment: 'Changed my mind' });
    expect([back.status, back.body.error?.code]).toEqual([409, 'conflict']);
    expect(await quoteState(id)).toBe(before);
  });

  it.each(NOT_REVIEWERS)('refuses %s (403 forbidden) and changes nothing', async (role) => {
    const id = await newQuote();
    const before = await quoteState(id);
    const { status, body } = await approve(as[role], id, { premium: 84000, insurer: 'SONARWA' });
    expect([status, body.error?.code]).toEqual([403, 'forbidden']);
    expect(await quoteState(id)).toBe(before);
  });

  it('refuses an operator (403) and anyone without a session (401), changing nothing', async () => {
    const id = await newQuote();
    const before = await quoteState(id);
    expect((await approve(as.operator, id, { premium: 84000, insurer: 'SONARWA' })).status).toBe(403);
    expect((await approve(null, id, { premium: 84000, insurer: 'SONARWA' })).status).toBe(401);
    expect(await quoteState(id)).toBe(before);
  });

  it.each([
    ['a UUID no quote has', NOBODY],
    ['something that is not a UUID', 'not-a-quote'],
  ])('answers %s with 404 not_found', async (_what, missing) => {
    const { status, body } = await approve(as.support, missing, { premium: 84000, insurer: 'SONARWA' });
    expect([status, body.error?.code]).toEqual([404, 'not_found']);
  });
});

// ════════════════════════════════════════════════════════════════════════════════════

describe('POST admin/insurance-quotes/:id/request-changes', () => {
  it.each([
    ['no reason', { comment: 'Please send a sharper photo.' }],
    ['a reason not on the list', { reason: 'blurry', comment: 'Please send a sharper photo.' }],
    ['a reason in another case', { reason: 'OTHER', comment: 'Please send a sharper photo.' }],
    ['no comment', { reason: 'document_unreadable' }],
    ['a blank comment', { reason: 'document_unreadable', comment: '   ' }],
    ['a comment of two characters', { reason: 'document_unreadable', comment: ' ok ' }],
    ['a comment over 2,000 characters', { reason: 'other', comment: 'x'.repeat(2001) }],
    ['a premium (which is for approving)', { reason: 'other', comment: 'Please resend', premium: 1 }],
  ])('refuses %s with 400 invalid_request and changes nothing', async (_what, request) => {
    const id = await newQuote();
    const before = await quoteState(id);
    const { status, body } = await requestChanges(as.support, id, request);
    expect([status, body.error?.code]).toEqual([400, 'invalid_request']);
    expect(await quoteState(id)).toBe(before);
  });

  it.each(REVIEWERS)(
    '%s sends a quote back with a reason and a comment: needs_changes, in the history',
    async (role) => {
      const id = await newQuote();
      const { status, body } = await requestChanges(as[role], id, {
        reason: 'document_expired',
        comment: '  The yellow card expired in March: please send the new one.  ',
      });
      expect(status, JSON.stringify(body)).toBe(200);
      const answer = ZQuoteDetail.parse(body);
      expect(answer.quote).toMatchObject({
        status: 'needs_changes',
        change_reason: 'document_expired',
        reviewer_comment: 'The yellow card expired in March: please send the new one.',
        reviewed_by_email: EMAIL[role],
        approved_at: null,
        premium: null,
        insurer: null,
      });
      expect(answer.history.map((h) => h.event)).toEqual(['submitted', 'sent_back']);
      expect(answer.history[1]).toMatchObject({
        actor_kind: 'user',
        actor_email: EMAIL[role],
        change_reason: 'document_expired',
        comment: 'The yellow card expired in March: please send the new one.',
      });
      expect(await quoteRow(id)).toMatchObject({
        status: 'needs_changes',
        change_reason: 'document_expired',
        reviewed_by: role === 'admin' ? ADMIN_ID : SUPPORT_ID,
        approved_at: null,
      });
    },
  );

  it('a second decision on a quote sent back is a 409 conflict, and changes nothing', async () => {
    const id = await newQuote();
    const first = await requestChanges(as.support, id, { reason: 'document_missing', comment: 'Send the logbook.' });
    expect(first.status).toBe(200);
    const before = await quoteState(id);
    const again = await requestChanges(as.admin, id, { reason: 'other', comment: 'And the ID too.' });
    expect([again.status, again.body.error?.code]).toEqual([409, 'conflict']);
    expect(again.body.error.details).toEqual({ status: 'needs_changes' });
    expect(again.body.error.message).toContain('sent back for changes already');
    const approval = await approve(as.support, id, { premium: 84000, insurer: 'SONARWA' });
    expect([approval.status, approval.body.error?.code]).toEqual([409, 'conflict']);
    expect(await quoteState(id)).toBe(before);
  });

  it.each(NOT_REVIEWERS)('refuses %s (403 forbidden) and changes nothing', async (role) => {
    const id = await newQuote();
    const before = await quoteState(id);
    const { status, body } = await requestChanges(as[role], id, { reason: 'other', comment: 'Please resend.' });
    expect([status, body.error?.code]).toEqual([403, 'forbidden']);
    expect(await quoteState(id)).toBe(before);
  });

  it('answers a quote nobody has with 404', async () => {
    const { status } = await requestChanges(as.support, NOBODY, { reason: 'other', comment: 'Please resend.' });
    expect(status).toBe(404);
  });
});

// ════════════════════════════════════════════════════════════════════════════════════

describe('two reviewers deciding the same quote at once', () => {
  const winner = (statuses: number[]) => statuses.indexOf(200);

  it('approve and send back at the same time: exactly one 200 and one 409; the quote is the winner’s', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await newQuote();
      const answers = await Promise.all([
        approve(as.support, id, { premium: 60000, insurer: 'Radiant' }),
        requestChanges(as.admin, id, { reason: 'details_mismatch', comment: 'The plate differs on the card.' }),
      ]);
      const statuses = answers.map((a) => a.status);
      expect([...statuses].sort(), JSON.stringify(answers.map((a) => a.body))).toEqual([200, 409]);
      const loser = answers[1 - winner(statuses)];
      expect(loser?.body.error?.code).toBe('conflict');
      const row = await quoteRow(id);
      if (winner(statuses) === 0) {
        expect(row).toMatchObject({
          status: 'approved',
          premium: '60000.00',
          insurer: 'Radiant',
          reviewed_by: SUPPORT_ID,
        });
        expect(loser?.body.error.details).toEqual({ status: 'approved' });
      } else {
        expect(row).toMatchObject({
          status: 'needs_changes',
          change_reason: 'details_mismatch',
          premium: null,
          reviewed_by: ADMIN_ID,
        });
        expect(loser?.body.error.details).toEqual({ status: 'needs_changes' });
      }
      expect(await auditCount(sql, 'insurance_quotes', id)).toBe(2);
    }
  });

  it('two approvals at the same time: one premium and insurer win, the other is a 409', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await newQuote();
      const requests = [
        { client: as.support, reviewer: SUPPORT_ID, premium: 61000, insurer: 'Britam' },
        { client: as.admin, reviewer: ADMIN_ID, premium: 72000, insurer: 'Sanlam' },
      ];
      const answers = await Promise.all(
        requests.map((r) => approve(r.client, id, { premium: r.premium, insurer: r.insurer })),
      );
      const statuses = answers.map((a) => a.status);
      expect([...statuses].sort()).toEqual([200, 409]);
      const won = requests[winner(statuses)];
      expect(answers[winner(statuses)]?.body.quote).toMatchObject({ premium: won?.premium, insurer: won?.insurer });
      expect(await quoteRow(id)).toMatchObject({
        status: 'approved',
        premium: `${won?.premium}.00`,
        insurer: won?.insurer,
        reviewed_by: won?.reviewer,
      });
      expect(await auditCount(sql, 'insurance_quotes', id)).toBe(2);
    }
  });
});

// ════════════════════════════════════════════════════════════════════════════════════

describe('POST admin/insurance-quotes/:id/resubmission (the WhatsApp side, service role)', () => {
  /** A quote support sent back (through the API), submitted two days ago, with one stored document. */
  async function sentBack(): Promise<string> {
    const id = await newQuote({ docs: { 'national-id.png': 'png' }, submittedAgo: 2 * 24 * 60 });
    const { status } = await requestChanges(as.support, id, {
      reason: 'document_missing',
      comment: 'Please send the vehicle registration card.',
    });
    if (status !== 200) throw new Error(`quote not sent back: ${status}`);
    return id;
  }

  it('brings a quote sent back to pending with the new documents and OCR, its wait restarted', async () => {
    const id = await sentBack();
    const added = [`${id}/vehicle-registration.png`, `${id}/previous-certificate.pdf`];
    await store(added[0] ?? '', 'png');
    await store(added[1] ?? '', 'pdf');
    const ocr = { plate: 'RAC 999Z', owner: 'Test Driver', vehicle: 'Toyota Corolla 2012', confidence: 0.97 };

    const started = Date.now();
    const { status, body } = await resubmit(id, { documents: added, ocr });
    expect(status, JSON.stringify(body)).toBe(200);
    const quote = ZQuote.parse(body);
    expect(quote).toMatchObject({
      id,
      status: 'pending',
      change_reason: null,
      reviewer_comment: null,
      approved_at: null,
      documents_count: 3,
    });
    expect(Date.parse(quote.submitted_at)).toBeGreaterThanOrEqual(started - 2000);
    expect(Date.parse(quote.submitted_at)).toBeLessThanOrEqual(Date.now() + 2000);

    const row = await quoteRow(id);
    expect(row).toMatchObject({ status: 'pending', change_reason: null, reviewer_comment: null, approved_at: null });
    expect(row.uploaded_docs).toEqual([`${id}/national-id.png`, ...added]);
    expect(row.metadata.ocr).toEqual(ocr);

    const seen = ZQuoteDetail.parse((await detail(as.support, id)).body);
    expect(seen.ocr).toEqual(ocr);
    expect(seen.documents?.map((d) => [d.path, d.kind, d.url !== null])).toEqual([
      [`${id}/national-id.png`, 'image', true],
      [added[0], 'image', true],
      [added[1], 'pdf', true],
    ]);
    expect(seen.history.map((h) => h.event)).toEqual(['submitted', 'sent_back', 'resubmitted']);
    expect(seen.history[1]).toMatchObject({
      actor_email: DEMO.support,
      change_reason: 'document_missing',
      comment: 'Please send the vehicle registration card.',
    });
    expect(seen.history[2]).toMatchObject({
      event: 'resubmitted',
      actor_kind: 'service',
      actor_email: null,
      change_reason: null,
      comment: null,
      documents_added: added,
    });
    expect(Date.parse(seen.history[2]?.at ?? '')).toBeGreaterThanOrEqual(started - 2000);

    // Back in the queue among the pending quotes, and decided again.
    const queue = ZListQuotesResponse.parse(
      (await list(as.support, byQuery({ q: seen.quote.driver?.msisdn ?? '' }))).body,
    );
    expect(queue.items.map((q) => [q.id, q.status])).toEqual([[id, 'pending']]);
    const approval = await approve(as.support, id, { premium: 91000, insurer: 'Prime Insurance' });
    expect(approval.status).toBe(200);
    expect(approval.body.history.map((h: Json) => h.event)).toEqual([
      'submitted',
      'sent_back',
      'resubmitted',
      'approved',
    ]);
  });

  it('forgets who sent the quote back: a pending quote has no reviewer until the next decision', async () => {
    const id = await sentBack();
    expect(ZQuoteDetail.parse((await detail(as.support, id)).body).quote.reviewed_by_email).toBe(DEMO.support);
    await store(`${id}/new.png`, 'png');
    expect((await resubmit(id, { documents: [`${id}/new.png`] })).status).toBe(200);
    expect(ZQuoteDetail.parse((await detail(as.support, id)).body).quote.reviewed_by_email).toBeNull();
    expect((await approve(as.admin, id, { premium: 60000, insurer: 'Sanlam' })).body.quote.reviewed_by_email).toBe(
      DEMO.admin,
    );
  });

  it('a decision on the submission before a resubmission is a 409; on the new one it is taken', async () => {
    const id = await sentBack();
    const seen = ZQuoteDetail.parse((await detail(as.support, id)).body).quote.submitted_at;
    await store(`${id}/new.png`, 'png');
    const resubmitted = ZQuote.parse((await resubmit(id, { documents: [`${id}/new.png`] })).body);
    expect(resubmitted.submitted_at).not.toBe(seen);

    // The reviewer still had the old submission open.
    const before = await quoteState(id);
    for (const answer of [
      await approve(as.support, id, { premium: 70000, insurer: 'Radiant', submitted_at: seen }),
      await requestChanges(as.support, id, { reason: 'other', comment: 'Still blurred.', submitted_at: seen }),
    ]) {
      expect([answer.status, answer.body.error?.code]).toEqual([409, 'conflict']);
      expect(answer.body.error?.message).toMatch(/resubmitted/);
      expect(answer.body.error?.details).toEqual({ status: 'pending', submitted_at: resubmitted.submitted_at });
    }
    expect(await quoteState(id)).toBe(before);

    const taken = await approve(as.support, id, {
      premium: 70000,
      insurer: 'Radiant',
      submitted_at: resubmitted.submitted_at,
    });
    expect(taken.status).toBe(200);
    expect(taken.body.quote.status).toBe('approved');
  });

  it('without an OCR snapshot the last one stays', async () => {
    const id = await sentBack();
    await store(`${id}/extra.png`, 'png');
    const { status } = await resubmit(id, { documents: [`${id}/extra.png`] });
    expect(status).toBe(200);
    expect((await quoteRow(id)).metadata.ocr).toEqual(DEFAULT_OCR);
  });

  it.each(['admin', 'support', 'readonly'] as const)(
    'refuses a user token (%s) with 403 and changes nothing',
    async (role) => {
      const id = await sentBack();
      await store(`${id}/new.png`, 'png');
      const before = await quoteState(id);
      const { status, body } = await call(as[role], 'POST', `admin/insurance-quotes/${id}/resubmission`, {
        documents: [`${id}/new.png`],
      });
      expect([status, body.error?.code]).toEqual([403, 'forbidden']);
      expect(await quoteState(id)).toBe(before);
    },
  );

  it('refuses anyone without a session (401)', async () => {
    const id = await sentBack();
    const before = await quoteState(id);
    const { status } = await call(null, 'POST', `admin/insurance-quotes/${id}/resubmission`, {
      documents: [`${id}/national-id.png`],
    });
    expect(status).toBe(401);
    expect(await quoteState(id)).toBe(before);
  });

  it.each([
    ['pending', 'pending'],
    ['approved', 'approved'],
  ] as const)('refuses a %s quote with 409 conflict and changes nothing', async (_what, status) => {
    const id = await newQuote({ status });
    await store(`${id}/new.png`, 'png');
    const before = await quoteState(id);
    const answer = await resubmit(id, { documents: [`${id}/new.png`] });
    expect([answer.status, answer.body.error?.code]).toEqual([409, 'conflict']);
    expect(await quoteState(id)).toBe(before);
  });

  it.each([
    ['a document in another quote’s folder', async (_id: string, other: string) => [`${other}/national-id.png`]],
    ['a document outside any folder', async () => ['national-id.png']],
    ['a document under a folder named like the quote', async (id: string) => [`${id}x/national-id.png`]],
    ['a document not stored', async (id: string) => [`${id}/never-uploaded.png`]],
    [
      'a stored document next to one not stored',
      async (id: string) => {
        await store(`${id}/new.png`, 'png');
        return [`${id}/new.png`, `${id}/never-uploaded.png`];
      },
    ],
    ['a document attached already', async (id: string) => [`${id}/national-id.png`]],
    ['a name with an empty segment (no URL could carry it)', async (id: string) => [`${id}//national-id-2.png`]],
    ['a name climbing out of the folder', async (id: string, other: string) => [`${id}/../${other}/national-id.png`]],
    [
      'a document listed twice',
      async (id: string) => {
        await store(`${id}/twice.png`, 'png');
        return [`${id}/twice.png`, `${id}/twice.png`];
      },
    ],
    ['no documents', async () => []],
  ])('refuses %s with 400 invalid_request and changes nothing', async (_what, documents) => {
    const id = await sentBack();
    const other = await sentBack();
    const before = await quoteState(id);
    const { status, body } = await resubmit(id, { documents: await documents(id, other) });
    expect([status, body.error?.code], JSON.stringify(body)).toEqual([400, 'invalid_request']);
    expect(await quoteState(id)).toBe(before);
  });

  it.each([
    ['an OCR snapshot that is a list', (id: string) => ({ documents: [`${id}/new.png`], ocr: [1, 2] })],
    ['an unknown field', (id: string) => ({ documents: [`${id}/new.png`], status: 'pending' })],
    ['documents as text', (id: string) => ({ documents: `${id}/new.png` })],
  ])('refuses %s with 400 and changes nothing', async (_what, make) => {
    const id = await sentBack();
    await store(`${id}/new.png`, 'png');
    const before = await quoteState(id);
    const { status, body } = await resubmit(id, make(id));
    expect([status, body.error?.code]).toEqual([400, 'invalid_request']);
    expect(await quoteState(id)).toBe(before);
  });

  it.each([
    ['a UUID no quote has', NOBODY],
    ['something that is not a UUID', 'not-a-quote'],
  ])('answers %s with 404 not_found', async (_what, missing) => {
    const { status, body } = await resubmit(missing, { documents: [`${missing}/national-id.png`] });
    expect([status, body.error?.code]).toEqual([404, 'not_found']);
  });
});

// ════════════════════════════════════════════════════════════════════════════════════

describe('the decisions in the audit log', () => {
  it('GET admin/audit shows each decision and the resubmission with who made it and what changed', async () => {
    const id = await newQuote({ docs: { 'national-id.png': 'png' } });
    expect(
      (await requestChanges(as.support, id, { reason: 'other', comment: 'Send the insurance card.' })).status,
    ).toBe(200);
    await store(`${id}/card.png`, 'png');
    expect((await resubmit(id, { documents: [`${id}/card.png`] })).status).toBe(200);
    expect((await approve(as.admin, id, { premium: 45000, insurer: 'Mayfair Insurance' })).status).toBe(200);

    for (const role of ['admin', 'support', 'dataops', 'readonly'] as const) {
      const { status, body } = await call(as[role], 'GET', `admin/audit?table=insurance_quotes&target_id=${id}`);
      expect(status).toBe(200);
      const { items } = ZAuditResponse.parse(body);
      expect(items.map((i) => [i.action, i.actor_kind, i.actor_email])).toEqual([
        ['update', 'user', DEMO.admin],
        ['update', 'service', null],
        ['update', 'user', DEMO.support],
        ['insert', 'system', null],
      ]);
      const [approved, resubmitted, sentBack] = items.map((i) => i.diff as Json);
      expect(approved.before).toMatchObject({ status: 'pending', premium: null, insurer: null, approved_at: null });
      expect(approved.after).toMatchObject({
        status: 'approved',
        premium: 45000,
        insurer: 'Mayfair Insurance',
        reviewed_by: ADMIN_ID,
        approved_at: expect.any(String),
      });
      expect(resubmitted.before).toMatchObject({
        status: 'needs_changes',
        change_reason: 'other',
        reviewer_comment: 'Send the insurance card.',
      });
      expect(resubmitted.after).toMatchObject({
        status: 'pending',
        change_reason: null,
        reviewer_comment: null,
        uploaded_docs: [`${id}/national-id.png`, `${id}/card.png`],
      });
      expect(sentBack.before).toMatchObject({ status: 'pending', change_reason: null, reviewer_comment: null });
      expect(sentBack.after).toMatchObject({
        status: 'needs_changes',
        change_reason: 'other',
        reviewer_comment: 'Send the insurance card.',
        reviewed_by: SUPPORT_ID,
      });
    }
  });

  it('refused decisions leave no audit row', async () => {
    const id = await newQuote();
    await approve(as.readonly, id, { premium: 84000, insurer: 'SONARWA' });
    await approve(as.support, id, { premium: -1, insurer: 'SONARWA' });
    await requestChanges(as.dataops, id, { reason: 'other', comment: 'Please resend.' });
    await resubmit(id, { documents: [`${id}/x.png`] });
    const { body } = await call(as.readonly, 'GET', `admin/audit?table=insurance_quotes&target_id=${id}`);
    expect(body.items.map((i: Json) => i.action)).toEqual(['insert']);
  });
});
