/**
 * The audit log, as the caller (RLS: admins read the rows about what their role may read).
 *
 *   GET /audit          filters (table, actor by email or id, action, target id, time range),
 *                       newest first in keyset pages on the chain position `seq`
 *   GET /audit/verify   the hash chain checked end to end, and its head (any admin)
 *
 * Pages follow `seq` (unique, given at commit): rows committed after the first page sort
 * before it, so walking the pages never repeats or skips a row.
 */
import type { Hono } from 'hono';
import {
  ZAuditQuery,
  ZAuditResponse,
  ZAuditVerifyResponse,
  type TAuditEntry,
} from '../../../packages/contracts/src/admin/audit.ts';
import { ZUuid } from '../../../packages/contracts/src/fields.ts';
import { authenticateUser } from '../_shared/auth.ts';
import { asCaller } from '../_shared/db.ts';
import { UserError } from '../_shared/errors.ts';
import { queryParams } from '../_shared/request.ts';
import { requireRole } from '../_shared/roles.ts';
import { directory, iso } from './directory.ts';

interface AuditRow {
  id: string;
  seq: string;
  created_at: Date;
  actor_id: string | null;
  actor_kind: string;
  action: string;
  target_table: string;
  target_id: string | null;
  diff: unknown;
}

/** Cursors are the last row's `seq`, opaque to clients: base64url of `a.<seq>`. */
function encodeCursor(seq: string): string {
  return btoa(`a.${seq}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeCursor(cursor: string): string {
  try {
    const match = /^a\.([1-9]\d{0,17})$/.exec(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
    if (match?.[1]) return match[1];
  } catch {
    // fall through
  }
  throw new UserError('invalid_request', 'The cursor is not one this API gave out');
}

export function auditRoutes(app: Hono): void {
  app.get('/audit', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const query = queryParams(c, ZAuditQuery);
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const actorId = query.actor === undefined ? undefined : ZUuid.safeParse(query.actor).data;
    const { rows, people } = await asCaller(caller, async (tx) => {
      await requireRole(tx, 'any admin');
      // An email nobody has matches no row (= null is never true).
      const actor =
        query.actor === undefined
          ? tx``
          : actorId
            ? tx`and a.actor_id = ${actorId}`
            : tx`and a.actor_id = app.user_id_by_email(${query.actor})`;
      const rows = await tx<AuditRow[]>`
        select a.id, a.seq::text as seq, a.created_at, a.actor_id, a.actor_kind, a.action, a.target_table,
               a.target_id, a.diff
          from public.audit_log a
         where a.seq is not null
           ${query.table ? tx`and a.target_table = ${query.table}` : tx``}
           ${actor}
           ${query.action ? tx`and a.action = ${query.action}` : tx``}
           ${query.target_id ? tx`and a.target_id = ${query.target_id}` : tx``}
           ${query.from ? tx`and a.created_at >= ${query.from}` : tx``}
           ${query.to ? tx`and a.created_at < ${query.to}` : tx``}
           ${before ? tx`and a.seq < ${before}::bigint` : tx``}
         order by a.seq desc
         limit ${query.limit + 1}`;
      return {
        rows,
        people: await directory(
          tx,
          rows.map((r) => r.actor_id),
        ),
      };
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const items: TAuditEntry[] = page.map((row) => ({
      ...row,
      seq: Number(row.seq),
      created_at: iso(row.created_at),
      actor_email: row.actor_id ? (people.get(row.actor_id)?.email ?? null) : null,
    }));
    return c.json(
      ZAuditResponse.parse({
        items,
        next_cursor: rows.length > query.limit && last ? encodeCursor(last.seq) : null,
      }),
    );
  });

  app.get('/audit/verify', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const row = await asCaller(caller, async (tx) => {
      await requireRole(tx, 'any admin');
      const [result] = await tx<
        {
          ok: boolean;
          rows_checked: string;
          first_broken_seq: string | null;
          first_broken_id: string | null;
          problem: string | null;
          head_seq: string | null;
          head_hash: string | null;
          checked_at: Date;
        }[]
      >`
        select v.ok, v.rows_checked::text, v.first_broken_seq::text, v.first_broken_id, v.problem,
               h.seq::text as head_seq, h.hash as head_hash, now() as checked_at
          from app.verify_audit_chain() v
          left join app.audit_head() h on true`;
      if (!result) throw new Error('verify_audit_chain returned no row');
      return result;
    });
    return c.json(
      ZAuditVerifyResponse.parse({
        ok: row.ok,
        rows_checked: Number(row.rows_checked),
        first_broken_seq: row.first_broken_seq === null ? null : Number(row.first_broken_seq),
        first_broken_id: row.first_broken_id,
        problem: row.problem,
        head:
          row.head_seq === null || row.head_hash === null ? null : { seq: Number(row.head_seq), hash: row.head_hash },
        checked_at: iso(row.checked_at),
      }),
    );
  });
}
