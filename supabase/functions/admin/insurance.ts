/**
 * Insurance quote review, as the caller (RLS: every admin reads quotes; super_admin and
 * support decide; the docs bucket's policy lets only them read documents). The status
 * machine and what each decision must carry are the database's rules
 * (20261129090000_create_quote_review.sql); a refusal there is a 409 with its sentence.
 *
 *   GET  /insurance-quotes                      the queue; ?status= ?insurer= ?q= ?limit= ?cursor=
 *   GET  /insurance-quotes/:id                  a quote, its documents (signed URLs), OCR snapshot, history
 *   POST /insurance-quotes/:id/approve          { premium, insurer, comment? }
 *   POST /insurance-quotes/:id/request-changes  { reason, comment }
 *   POST /insurance-quotes/:id/resubmission     { documents, ocr? } (service role: the WhatsApp side)
 */
import type { Hono } from 'hono';
import type postgres from 'postgres';
import {
  ZApproveQuoteRequest,
  ZListQuotesQuery,
  ZListQuotesResponse,
  ZQuote,
  ZQuoteDetail,
  ZRequestQuoteChangesRequest,
  ZResubmitQuoteRequest,
  type TQuote,
  type TQuoteDetail,
  type TQuoteHistoryEntry,
} from '../../../packages/contracts/src/admin/insurance.ts';
import { documentKind } from '../../../packages/domain/src/insurance-quotes.ts';
import { normalizeMsisdn } from '../../../packages/domain/src/msisdn.ts';
import type { AdminRole } from '../../../packages/domain/src/roles.ts';
import { authenticate, authenticateUser, type Caller } from '../_shared/auth.ts';
import { asCaller, type Tx } from '../_shared/db.ts';
import { UserError } from '../_shared/errors.ts';
import { jsonBody, queryParams, uuidParam } from '../_shared/request.ts';
import { requireRole } from '../_shared/roles.ts';
import { signedUrls } from '../_shared/storage.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { quoteHistory, type QuoteAuditRow } from './quote-history.ts';
import { directory, iso, isoOrNull } from './directory.ts';

/** Who decides quotes and opens their documents (the update policy and the docs bucket's read policy). */
const REVIEWERS: AdminRole[] = ['super_admin', 'support'];
const NOT_FOUND = 'No insurance quote with this id';
/** Long enough to read a document, short enough that a copied link soon stops working. */
const DOCUMENT_URL_SECONDS = 300;
/** The queue's sort key as text: "0|<submitted_at>" for pending quotes, "1|…" for the rest. */
const QUEUE_KEY = /^[01]\|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

interface QuoteRow {
  id: string;
  status: TQuote['status'];
  user_id: string | null;
  msisdn: string | null;
  display_name: string | null;
  premium: string | null;
  insurer: string | null;
  change_reason: TQuote['change_reason'];
  reviewer_comment: string | null;
  reviewed_by: string | null;
  uploaded_docs: string[];
  ocr: Record<string, unknown> | null;
  created_at: Date;
  submitted_at: Date;
  approved_at: Date | null;
  updated_at: Date;
  queue_key: string;
}

function selectQuotes(tx: Tx, where: postgres.Fragment, limit: number | null = null) {
  return tx<QuoteRow[]>`
    select q.id, q.status, q.user_id, u.msisdn, u.display_name, q.premium::text as premium, q.insurer,
           q.change_reason, q.reviewer_comment, q.reviewed_by, q.uploaded_docs,
           case when jsonb_typeof(q.metadata -> 'ocr') = 'object' then q.metadata -> 'ocr' end as ocr,
           q.created_at, q.submitted_at, q.approved_at, q.updated_at,
           (case when q.status = 'pending' then '0|' else '1|' end) || q.submitted_at::text as queue_key
      from public.insurance_quotes q
      left join public.users u on u.id = q.user_id
     where ${where}
     order by (q.status <> 'pending'), q.submitted_at, q.id
     ${limit === null ? tx`` : tx`limit ${limit}`}`;
}

/** Reviewers' emails come from the admin directory, which answers admins only (not the service role). */
async function reviewerEmails(tx: Tx, rows: QuoteRow[]): Promise<Map<string, { email: string | null }>> {
  return directory(
    tx,
    rows.map((r) => r.reviewed_by),
  );
}

function toQuotes(rows: QuoteRow[], people: Map<string, { email: string | null }>): TQuote[] {
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    driver: row.user_id && row.msisdn ? { id: row.user_id, msisdn: row.msisdn, name: row.display_name } : null,
    premium: row.premium === null ? null : Number(row.premium),
    insurer: row.insurer,
    change_reason: row.change_reason,
    reviewer_comment: row.reviewer_comment,
    reviewed_by_email: row.reviewed_by ? (people.get(row.reviewed_by)?.email ?? null) : null,
    documents_count: row.uploaded_docs.length,
    created_at: iso(row.created_at),
    submitted_at: iso(row.submitted_at),
    approved_at: isoOrNull(row.approved_at),
    updated_at: iso(row.updated_at),
  }));
}

/**
 * A typed number finds drivers whose number contains its digits (a leading 0 of the local
 * form dropped: "0788 12" finds +25078812…), or whose number it is when it reads as a
 * whole one ("0788 123 456", "+250788123456").
 */
function driverNumberFilter(tx: Tx, text: string): postgres.Fragment {
  const digits = text.replace(/\D/g, '');
  const trimmed = digits.replace(/^0+/, '');
  const part = `%${trimmed.length >= 3 ? trimmed : digits}%`;
  const whole = normalizeMsisdn(text);
  return whole ? tx`(u.msisdn = ${whole} or u.msisdn like ${part})` : tx`u.msisdn like ${part}`;
}

/** The quote's history from its audit rows (quote-history.ts), with the actors' emails. */
async function loadHistory(tx: Tx, id: string): Promise<TQuoteHistoryEntry[]> {
  const rows = await tx<QuoteAuditRow[]>`
    select action, actor_id, actor_kind, created_at, diff from public.audit_log
     where target_table = 'insurance_quotes' and target_id = ${id}
     order by seq nulls last, stage`;
  const people = await directory(
    tx,
    rows.map((r) => r.actor_id),
  );
  return quoteHistory(rows, new Map([...people].map(([key, person]) => [key, person.email])));
}

/**
 * The documents as the caller may see them: null for a role the docs bucket does not let
 * read; otherwise every listed path, stored ones with a signed URL (asked as the caller,
 * so storage's own policy has the last word).
 */
async function loadDocuments(tx: Tx, caller: Caller, paths: string[]): Promise<TQuoteDetail['documents']> {
  const [role] = await tx<{ ok: boolean }[]>`select app.has_any_role(${REVIEWERS}) as ok`;
  if (!role?.ok) return null;
  const stored = await tx<{ name: string; mimetype: string | null; size: string | null }[]>`
    select name, metadata ->> 'mimetype' as mimetype, metadata ->> 'size' as size
      from storage.objects where bucket_id = 'docs' and name = any(${paths})`;
  const byName = new Map(stored.map((o) => [o.name, o]));
  const urls = await signedUrls(caller, 'docs', [...byName.keys()], DOCUMENT_URL_SECONDS);
  return paths.map((path) => {
    const object = byName.get(path);
    const mimetype = object?.mimetype ?? null;
    return {
      path,
      name: path.split('/').at(-1) ?? path,
      mimetype,
      size: object?.size ? Number(object.size) : null,
      kind: documentKind(mimetype, path),
      url: urls.get(path) ?? null,
    };
  });
}

async function loadDetail(tx: Tx, caller: Caller, id: string): Promise<TQuoteDetail> {
  const [row] = await selectQuotes(tx, tx`q.id = ${id}`);
  if (!row) throw new UserError('not_found', NOT_FOUND);
  const [quote] = toQuotes([row], await reviewerEmails(tx, [row]));
  return ZQuoteDetail.parse({
    quote,
    ocr: row.ocr,
    documents: await loadDocuments(tx, caller, row.uploaded_docs),
    urls_expire_in: DOCUMENT_URL_SECONDS,
    history: await loadHistory(tx, id),
  });
}

/**
 * Locks the quote for a decision. A quote no longer pending is a 409 that says what it is
 * now; so is one the driver resubmitted after the reviewer opened it (`submitted_at`, to
 * the millisecond the API gave out, differs): they have not seen its new documents.
 */
async function lockPending(tx: Tx, id: string, reviewed: string | undefined): Promise<void> {
  const [row] = await tx<{ status: string; submitted_at: Date; same: boolean }[]>`
    select status, submitted_at,
           ${reviewed ?? null}::text is null
             or date_trunc('milliseconds', submitted_at) = ${reviewed ?? null}::text::timestamptz as same
      from public.insurance_quotes where id = ${id} for update`;
  if (!row) throw new UserError('not_found', NOT_FOUND);
  if (row.status !== 'pending') {
    const now = row.status === 'approved' ? 'approved already' : 'sent back for changes already';
    throw new UserError('conflict', `This quote was ${now}: only a pending quote can be decided`, {
      status: row.status,
    });
  }
  if (!row.same) {
    throw new UserError(
      'conflict',
      'The driver resubmitted this quote after you opened it: review the new documents first',
      { status: row.status, submitted_at: iso(row.submitted_at) },
    );
  }
}

/** A decision commits on its own; the answer (documents signed by storage) is read afterwards. */
async function decide(caller: Caller, id: string, write: (tx: Tx) => Promise<unknown>): Promise<TQuoteDetail> {
  await asCaller(caller, async (tx) => {
    await requireRole(tx, REVIEWERS);
    await write(tx);
  });
  return asCaller(caller, (tx) => loadDetail(tx, caller, id));
}

export function insuranceRoutes(app: Hono): void {
  app.get('/insurance-quotes', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const query = queryParams(c, ZListQuotesQuery);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, QUEUE_KEY);
    const body = await asCaller(caller, async (tx) => {
      await requireRole(tx, 'any admin');
      const filters = tx`true
        ${query.insurer ? tx`and q.insurer = ${query.insurer}` : tx``}
        ${query.q ? tx`and ${driverNumberFilter(tx, query.q)}` : tx``}`;
      const rows = await selectQuotes(
        tx,
        tx`${filters}
          ${query.status ? tx`and q.status = ${query.status}` : tx``}
          ${
            after
              ? // ::text first: bound as timestamptz, postgres.js would pass the key through a JS Date (milliseconds)
                tx`and ((q.status <> 'pending'), q.submitted_at, q.id) >
                       (${after.key.startsWith('1')}, ${after.key.slice(2)}::text::timestamptz, ${after.id}::uuid)`
              : tx``
          }`,
        query.limit + 1,
      );
      const [counts] = await tx<{ pending: number; approved: number; needs_changes: number }[]>`
        select count(*) filter (where q.status = 'pending')::int as pending,
               count(*) filter (where q.status = 'approved')::int as approved,
               count(*) filter (where q.status = 'needs_changes')::int as needs_changes
          from public.insurance_quotes q
          left join public.users u on u.id = q.user_id
         where ${filters}`;
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: toQuotes(page, await reviewerEmails(tx, page)),
        next_cursor: rows.length > query.limit && last ? encodeCursor(last.queue_key, last.id) : null,
        counts,
      };
    });
    return c.json(ZListQuotesResponse.parse(body));
  });

  app.get('/insurance-quotes/:id', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', NOT_FOUND);
    const detail = await asCaller(caller, async (tx) => {
      await requireRole(tx, 'any admin');
      return loadDetail(tx, caller, id);
    });
    return c.json(detail);
  });

  app.post('/insurance-quotes/:id/approve', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', NOT_FOUND);
    const request = await jsonBody(c, ZApproveQuoteRequest);
    const detail = await decide(caller, id, async (tx) => {
      await lockPending(tx, id, request.submitted_at);
      await tx`
        update public.insurance_quotes
           set status = 'approved', premium = ${request.premium}, insurer = ${request.insurer},
               reviewer_comment = ${request.comment || null}
         where id = ${id}`;
    });
    return c.json(detail);
  });

  app.post('/insurance-quotes/:id/request-changes', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', NOT_FOUND);
    const request = await jsonBody(c, ZRequestQuoteChangesRequest);
    const detail = await decide(caller, id, async (tx) => {
      await lockPending(tx, id, request.submitted_at);
      await tx`
        update public.insurance_quotes
           set status = 'needs_changes', change_reason = ${request.reason}, reviewer_comment = ${request.comment}
         where id = ${id}`;
    });
    return c.json(detail);
  });

  app.post('/insurance-quotes/:id/resubmission', async (c) => {
    const caller = await authenticate(c.req.raw);
    if (caller.kind !== 'service') {
      throw new UserError('forbidden', 'Resubmissions come from the WhatsApp side with the service role key only');
    }
    const id = uuidParam(c, 'id', NOT_FOUND);
    const request = await jsonBody(c, ZResubmitQuoteRequest);
    const quote = await asCaller(caller, async (tx) => {
      await tx`select app.resubmit_insurance_quote(${id}, ${request.documents}, ${request.ocr ? tx.json(request.ocr as postgres.JSONValue) : null})`;
      const [row] = await selectQuotes(tx, tx`q.id = ${id}`);
      if (!row) throw new Error('the resubmitted quote is gone');
      return toQuotes([row], new Map())[0];
    });
    return c.json(ZQuote.parse(quote));
  });
}
