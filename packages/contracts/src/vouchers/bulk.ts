/**
 * `POST /admin/vouchers/bulk`: issue up to 10,000 vouchers from CSV. With `dry_run` the
 * server reports every bad row and changes nothing; without, it starts a job and returns
 * its id, and `GET /admin/vouchers/bulk/:id` reports progress.
 *
 * CSV columns (header row required): msisdn, amount, and optionally currency,
 * expires_at, station (ENGEN code), name, note (packages/domain/src/voucher-csv.ts).
 */
import { z } from 'zod';
import { ZTimestamp, ZUuid } from '../fields.ts';

export const BULK_MAX_ROWS = 10_000;

export const ZBulkIssueRequest = z
  .object({
    csv: z.string().min(1).max(2_000_000),
    dry_run: z.boolean(),
    campaign_id: ZUuid.nullable().default(null),
    send: z.boolean().default(true),
  })
  .strict();
export type TBulkIssueRequest = z.input<typeof ZBulkIssueRequest>;

export const ZBulkRowError = z.object({ line: z.number().int(), column: z.string(), message: z.string() });
export type TBulkRowError = z.infer<typeof ZBulkRowError>;

export const ZBulkDryRunResponse = z.object({
  rows: z.number().int(),
  valid: z.number().int(),
  errors: z.array(ZBulkRowError),
});
export type TBulkDryRunResponse = z.infer<typeof ZBulkDryRunResponse>;

export const ZBulkJob = z.object({
  id: ZUuid,
  status: z.enum(['queued', 'running', 'done', 'failed']),
  total: z.number().int(),
  /** Rows taken so far (issued, or refused and listed in errors). */
  processed: z.number().int(),
  issued: z.number().int(),
  sent: z.number().int(),
  errors: z.array(ZBulkRowError),
  created_at: ZTimestamp,
  finished_at: ZTimestamp.nullable(),
});
export type TBulkJob = z.infer<typeof ZBulkJob>;
