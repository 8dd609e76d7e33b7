/**
 * A quote's history from its audit rows, oldest first: the state after each write
 * (an insert holds the whole row, an update only the columns it changed), told as the
 * event its status change was, with what the step carried. Pure, so it is tested alone
 * (supabase/functions/tests/admin-test.ts).
 */
import type { TQuoteHistoryEntry } from '../../../packages/contracts/src/admin/insurance.ts';

export interface QuoteAuditRow {
  action: string;
  actor_id: string | null;
  actor_kind: string;
  created_at: Date;
  diff: { before?: Record<string, unknown> | null; after?: Record<string, unknown> | null };
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

function eventOf(row: QuoteAuditRow, status: unknown): TQuoteHistoryEntry['event'] {
  if (row.action === 'insert') return 'submitted';
  if (!row.diff.after || !('status' in row.diff.after)) return 'edited';
  return status === 'approved' ? 'approved' : status === 'needs_changes' ? 'sent_back' : 'resubmitted';
}

export function quoteHistory(
  rows: readonly QuoteAuditRow[],
  emails: ReadonlyMap<string, string | null>,
): TQuoteHistoryEntry[] {
  let state: Record<string, unknown> = {};
  return rows.map((row) => {
    const before = state;
    state = { ...state, ...(row.diff.after ?? {}) };
    const event = eventOf(row, state.status);
    const earlierDocs = new Set(texts(before.uploaded_docs));
    // A submission happened when the quote was created (an import or the seed may backdate it).
    const at = row.action === 'insert' && typeof state.created_at === 'string' ? state.created_at : row.created_at;
    return {
      at: new Date(at).toISOString(),
      event,
      actor_kind: row.actor_kind,
      actor_email: row.actor_id ? (emails.get(row.actor_id) ?? null) : null,
      premium: state.premium === null || state.premium === undefined ? null : Number(state.premium),
      insurer: text(state.insurer),
      change_reason: event === 'sent_back' ? (text(state.change_reason) as TQuoteHistoryEntry['change_reason']) : null,
      comment: event === 'submitted' || event === 'resubmitted' ? null : text(state.reviewer_comment),
      documents_added: texts(state.uploaded_docs).filter((d) => !earlierDocs.has(d)),
    };
  });
}
