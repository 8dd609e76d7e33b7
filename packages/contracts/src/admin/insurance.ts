/**
 * Insurance quote review (docs/insurance.md).
 *
 *   GET  /admin/insurance-quotes                      the queue (any admin): pending first, oldest submission first;
 *                                                      ?status= ?insurer= ?q= (driver number) ?limit= ?cursor=
 *   GET  /admin/insurance-quotes/:id                  one quote with its documents (signed URLs, reviewers only),
 *                                                      OCR snapshot and history
 *   POST /admin/insurance-quotes/:id/approve          premium and insurer (super_admin, support)
 *   POST /admin/insurance-quotes/:id/request-changes  reason code and comment (super_admin, support)
 *   POST /admin/insurance-quotes/:id/resubmission     new documents, back to pending (service role only:
 *                                                      the WhatsApp side)
 */
import { z } from 'zod';
import { CHANGE_REASON_CODES, INSURERS, PREMIUM_MAX_RWF } from '../../../domain/src/insurance-quotes.ts';
import { ZTimestamp, ZUuid } from '../fields.ts';

export const QUOTE_STATUSES = ['pending', 'approved', 'needs_changes'] as const;
export const ZQuoteStatus = z.enum(QUOTE_STATUSES);
export type TQuoteStatus = z.infer<typeof ZQuoteStatus>;

export const ZChangeReason = z.enum(CHANGE_REASON_CODES);
export const ZInsurer = z.enum(INSURERS);

/** Part of a driver's number: 3 to 20 digits, written with +, spaces or dashes if you like. */
export const ZDriverNumberSearch = z
  .string()
  .trim()
  .max(32)
  .regex(/^\+?[\d\s-]+$/, 'digits of the driver’s number')
  .refine((text) => text.replace(/\D/g, '').length >= 3, 'at least 3 digits of the driver’s number');

export const ZListQuotesQuery = z
  .object({
    status: ZQuoteStatus.optional(),
    insurer: z.string().trim().min(1).max(80).optional(),
    q: ZDriverNumberSearch.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type TListQuotesQuery = z.input<typeof ZListQuotesQuery>;

export const ZQuoteDriver = z.object({ id: ZUuid, msisdn: z.string(), name: z.string().nullable() });

export const ZQuote = z.object({
  id: ZUuid,
  status: ZQuoteStatus,
  driver: ZQuoteDriver.nullable(),
  premium: z.number().nullable(),
  insurer: z.string().nullable(),
  change_reason: ZChangeReason.nullable(),
  reviewer_comment: z.string().nullable(),
  reviewed_by_email: z.string().nullable(),
  documents_count: z.number().int(),
  created_at: ZTimestamp,
  submitted_at: ZTimestamp,
  approved_at: ZTimestamp.nullable(),
  updated_at: ZTimestamp,
});
export type TQuote = z.infer<typeof ZQuote>;

export const ZListQuotesResponse = z.object({
  items: z.array(ZQuote),
  next_cursor: z.string().nullable(),
  /** Quotes in each status, with the insurer and number filters applied (not the status one). */
  counts: z.object({ pending: z.number().int(), approved: z.number().int(), needs_changes: z.number().int() }),
});
export type TListQuotesResponse = z.infer<typeof ZListQuotesResponse>;

export const ZQuoteDocument = z.object({
  /** The object's name in the docs bucket. */
  path: z.string(),
  name: z.string(),
  mimetype: z.string().nullable(),
  size: z.number().int().nullable(),
  kind: z.enum(['image', 'pdf', 'other']),
  /** A short-lived signed URL; null when the quote lists a document that is not stored. */
  url: z.string().nullable(),
});
export type TQuoteDocument = z.infer<typeof ZQuoteDocument>;

export const ZQuoteHistoryEntry = z.object({
  at: ZTimestamp,
  event: z.enum(['submitted', 'approved', 'sent_back', 'resubmitted', 'edited']),
  actor_kind: z.string(),
  actor_email: z.string().nullable(),
  premium: z.number().nullable(),
  insurer: z.string().nullable(),
  change_reason: ZChangeReason.nullable(),
  comment: z.string().nullable(),
  documents_added: z.array(z.string()),
});
export type TQuoteHistoryEntry = z.infer<typeof ZQuoteHistoryEntry>;

export const ZQuoteDetail = z.object({
  quote: ZQuote,
  /** The OCR snapshot of the documents (metadata.ocr), as the intake stored it. */
  ocr: z.record(z.string(), z.unknown()).nullable(),
  /** Null when the caller's role may not open drivers' documents. */
  documents: z.array(ZQuoteDocument).nullable(),
  /** Seconds the documents' URLs stay valid. */
  urls_expire_in: z.number().int(),
  /** Oldest first, from the audit log. */
  history: z.array(ZQuoteHistoryEntry),
});
export type TQuoteDetail = z.infer<typeof ZQuoteDetail>;

/**
 * The quote's `submitted_at` as the reviewer saw it: when given, a quote the driver has
 * resubmitted since is a 409 (the panel always sends it).
 */
const ZReviewedSubmission = ZTimestamp.optional();

export const ZApproveQuoteRequest = z
  .object({
    premium: z
      .number()
      .int('whole Rwandan francs')
      .positive('above zero')
      .max(PREMIUM_MAX_RWF, `at most ${PREMIUM_MAX_RWF.toLocaleString('en')} RWF`),
    insurer: ZInsurer,
    comment: z.string().trim().max(2000).optional(),
    submitted_at: ZReviewedSubmission,
  })
  .strict();
export type TApproveQuoteRequest = z.input<typeof ZApproveQuoteRequest>;

export const ZRequestQuoteChangesRequest = z
  .object({
    reason: ZChangeReason,
    comment: z.string().trim().min(3, 'tell the driver what to send').max(2000),
    submitted_at: ZReviewedSubmission,
  })
  .strict();
export type TRequestQuoteChangesRequest = z.input<typeof ZRequestQuoteChangesRequest>;

export const ZResubmitQuoteRequest = z
  .object({
    /** Objects the WhatsApp side stored in the docs bucket under `<quote id>/`. */
    documents: z.array(z.string().min(1).max(300)).min(1).max(20),
    /** A new OCR snapshot; replaces metadata.ocr. */
    ocr: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type TResubmitQuoteRequest = z.input<typeof ZResubmitQuoteRequest>;
