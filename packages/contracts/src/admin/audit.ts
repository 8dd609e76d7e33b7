/**
 * The audit log as the panel reads it (RLS: what the caller's role may read).
 *
 *   GET /admin/audit           filters and keyset pages, newest first
 *   GET /admin/audit/verify    the hash chain's state (app.verify_audit_chain) and its head
 */
import { z } from 'zod';
import { ZTimestamp, ZUuid } from '../fields.ts';

export const AUDITED_TABLES = [
  'vouchers',
  'campaigns',
  'campaign_targets',
  'insurance_quotes',
  'settings',
  'admin_roles',
  'station_operators',
] as const;

export const ZAuditAction = z.enum(['insert', 'update', 'delete']);

export const ZAuditQuery = z
  .object({
    table: z.enum(AUDITED_TABLES).optional(),
    /** The actor's email (exact, any case) or user id. */
    actor: z.string().trim().min(1).max(254).optional(),
    action: ZAuditAction.optional(),
    target_id: z.string().trim().min(1).max(200).optional(),
    from: ZTimestamp.optional(),
    to: ZTimestamp.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type TAuditQuery = z.input<typeof ZAuditQuery>;

export const ZAuditEntry = z.object({
  id: ZUuid,
  seq: z.number().int().nullable(),
  created_at: ZTimestamp,
  actor_id: ZUuid.nullable(),
  actor_email: z.string().nullable(),
  actor_kind: z.string(),
  action: z.string(),
  target_table: z.string(),
  target_id: z.string().nullable(),
  /** `{ before, after }` rows as JSON (before null on insert, after null on delete). */
  diff: z.unknown(),
});
export type TAuditEntry = z.infer<typeof ZAuditEntry>;

export const ZAuditResponse = z.object({ items: z.array(ZAuditEntry), next_cursor: z.string().nullable() });
export type TAuditResponse = z.infer<typeof ZAuditResponse>;

export const ZAuditVerifyResponse = z.object({
  ok: z.boolean(),
  rows_checked: z.number().int(),
  first_broken_seq: z.number().int().nullable(),
  first_broken_id: ZUuid.nullable(),
  problem: z.string().nullable(),
  head: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
  checked_at: ZTimestamp,
});
export type TAuditVerifyResponse = z.infer<typeof ZAuditVerifyResponse>;
