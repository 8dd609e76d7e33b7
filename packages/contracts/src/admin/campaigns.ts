/**
 * WhatsApp campaigns as the admin panel runs them. Any admin reads campaigns; super
 * admins and support run them and alone see targets (numbers and personal variables),
 * so `progress` is null for the other roles.
 *
 *   GET    /admin/campaigns                          list (?status=, ?q= name)
 *   POST   /admin/campaigns                          create a draft
 *   GET    /admin/campaigns/:id                      one campaign with its progress
 *   PATCH  /admin/campaigns/:id                      edit a draft (name, template, options)
 *   DELETE /admin/campaigns/:id                      delete a draft
 *   POST   /admin/campaigns/:id/targets/import       check (dry_run) or import a targets CSV
 *   GET    /admin/campaigns/:id/targets              targets, filtered, in keyset pages
 *   POST   /admin/campaigns/:id/targets/retry        failed targets back to the queue
 *   GET    /admin/campaigns/:id/estimate             pre-flight: targets per country, duration
 *   POST   /admin/campaigns/:id/{start,pause,resume,finish}
 */
import { z } from 'zod';
import { CAMPAIGN_STATUSES, CAMPAIGN_TARGET_STATUSES } from '../../../domain/src/state-machines.ts';
import { COUNTRIES } from '../../../domain/src/msisdn.ts';
import { ZAmount, ZCurrency, ZTimestamp, ZUuid } from '../fields.ts';
import { ZQuietWindow } from '../settings/settings.ts';

export const ZCampaignStatus = z.enum(CAMPAIGN_STATUSES);
export const ZCampaignTargetStatus = z.enum(CAMPAIGN_TARGET_STATUSES);
export const ZCampaignType = z.enum(['promo', 'voucher']);

/** Variables a voucher campaign fills in itself for each target's voucher. */
export const VOUCHER_CAMPAIGN_VARIABLES = ['code', 'amount', 'expiry'] as const;

/** What each voucher of a voucher campaign is worth and how long it lasts. */
export const ZCampaignVoucher = z
  .object({
    amount: ZAmount,
    currency: ZCurrency.default('RWF'),
    /** Days from the moment the voucher is issued (when its target's turn comes). */
    expires_in_days: z.number().int().min(1).max(365),
    /** Only this station may redeem it; null: any station. */
    station_scope: ZUuid.nullable().default(null),
  })
  .strict();
export type TCampaignVoucher = z.infer<typeof ZCampaignVoucher>;

/** campaigns.metadata: the options of a campaign. */
export const ZCampaignOptions = z
  .object({
    /** One window for every target, in each target's own time zone; null: settings.quiet_hours per country. */
    quiet_hours: ZQuietWindow.nullable().default(null),
    /** The throttle bucket (settings.send_throttle channel) the campaign's messages count against. */
    throttle_bucket: z.enum(['whatsapp']).default('whatsapp'),
    voucher: ZCampaignVoucher.nullable().default(null),
  })
  .strict();
export type TCampaignOptions = z.infer<typeof ZCampaignOptions>;

const ZCampaignName = z.string().trim().min(1, 'a name is needed').max(120);
const ZTemplateId = z.string().trim().min(1, 'choose a template').max(64);

export const ZCreateCampaignRequest = z
  .object({
    name: ZCampaignName,
    type: ZCampaignType,
    template_id: ZTemplateId,
    quiet_hours: ZQuietWindow.nullable().default(null),
    voucher: ZCampaignVoucher.nullable().default(null),
  })
  .strict()
  .refine((c) => (c.type === 'voucher') === (c.voucher !== null), {
    message: 'a voucher campaign needs the voucher amount and expiry; a promo campaign has none',
    path: ['voucher'],
  });
export type TCreateCampaignRequest = z.input<typeof ZCreateCampaignRequest>;

export const ZUpdateCampaignRequest = z
  .object({
    name: ZCampaignName,
    template_id: ZTemplateId,
    quiet_hours: ZQuietWindow.nullable(),
    voucher: ZCampaignVoucher.nullable(),
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type TUpdateCampaignRequest = z.input<typeof ZUpdateCampaignRequest>;

/** Targets per status (every status present, 0 when none). */
export const ZCampaignProgress = z.record(ZCampaignTargetStatus, z.number().int());
export type TCampaignProgress = z.infer<typeof ZCampaignProgress>;

export const ZCampaign = z.object({
  id: ZUuid,
  name: z.string(),
  type: ZCampaignType,
  template_id: z.string(),
  status: ZCampaignStatus,
  options: ZCampaignOptions,
  created_by: ZUuid.nullable(),
  created_by_email: z.string().nullable(),
  created_at: ZTimestamp,
  started_at: ZTimestamp.nullable(),
  finished_at: ZTimestamp.nullable(),
  updated_at: ZTimestamp,
  targets: z.number().int(),
  /** Null when the caller's role may not read targets. */
  progress: ZCampaignProgress.nullable(),
});
export type TCampaign = z.infer<typeof ZCampaign>;

export const ZListCampaignsQuery = z
  .object({ status: ZCampaignStatus.optional(), q: z.string().trim().min(1).max(120).optional() })
  .strict();
export type TListCampaignsQuery = z.input<typeof ZListCampaignsQuery>;
export const ZListCampaignsResponse = z.object({ items: z.array(ZCampaign) });
export type TListCampaignsResponse = z.infer<typeof ZListCampaignsResponse>;

// ── Targets import ────────────────────────────────────────────────────────────────
export const ZImportTargetsRequest = z
  .object({
    /** The CSV text: a `msisdn` (or `phone`) column and one column per template variable. */
    csv: z.string().min(1, 'the file is empty').max(5_000_000, 'the file is larger than 5 MB'),
    /** Check only: nothing is stored. */
    dry_run: z.boolean().default(true),
    /** How local numbers (0788…) are read. */
    default_country: z
      .string()
      .refine((code) => code in COUNTRIES, 'a known country code')
      .default('RW'),
  })
  .strict();
export type TImportTargetsRequest = z.input<typeof ZImportTargetsRequest>;

export const ZTargetRejection = z.object({
  line: z.number().int(),
  value: z.string(),
  code: z.enum(['invalid_msisdn', 'duplicate', 'missing_variable', 'too_long', 'already_imported']),
  reason: z.string(),
});
export type TTargetRejection = z.infer<typeof ZTargetRejection>;

export const ZImportTargetsResponse = z.object({
  dry_run: z.boolean(),
  /** A problem with the whole file (no msisdn column, a variable without a column…): nothing is imported. */
  problem: z.object({ line: z.number().int(), message: z.string() }).nullable(),
  /** Rows that are (or would be) imported, opted-out ones included. */
  accepted: z.number().int(),
  /** Of the accepted, numbers that opted out: imported as opted_out, never messaged. */
  opted_out: z.number().int(),
  rejected: z.array(ZTargetRejection),
  by_country: z.record(z.string(), z.number().int()),
  /** The first accepted rows as they will be stored (numbers masked for nobody: only runners call this). */
  sample: z.array(
    z.object({
      line: z.number().int(),
      msisdn: z.string(),
      vars: z.record(z.string(), z.string()),
      opted_out: z.boolean(),
    }),
  ),
});
export type TImportTargetsResponse = z.infer<typeof ZImportTargetsResponse>;

// ── Targets table ─────────────────────────────────────────────────────────────────
export const ZListTargetsQuery = z
  .object({
    status: ZCampaignTargetStatus.optional(),
    /** Part of the number. */
    q: z
      .string()
      .trim()
      .regex(/^\+?\d{2,15}$/, 'digits of a phone number')
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type TListTargetsQuery = z.input<typeof ZListTargetsQuery>;

export const ZCampaignTarget = z.object({
  id: ZUuid,
  msisdn: z.string(),
  status: ZCampaignTargetStatus,
  vars: z.record(z.string(), z.string()),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  attempts: z.number().int(),
  /** When a waiting target is next tried (null once it has an outcome). */
  next_attempt_at: ZTimestamp.nullable(),
  /** Why it waits: quiet_hours, throttle, or the WhatsApp error code it is backing off from. */
  waiting_for: z.string().nullable(),
  message_id: z.string().nullable(),
  voucher_id: ZUuid.nullable(),
  sent_at: ZTimestamp.nullable(),
  last_update_at: ZTimestamp,
});
export type TCampaignTarget = z.infer<typeof ZCampaignTarget>;

export const ZListTargetsResponse = z.object({ items: z.array(ZCampaignTarget), next_cursor: z.string().nullable() });
export type TListTargetsResponse = z.infer<typeof ZListTargetsResponse>;

export const ZRetryTargetsRequest = z.object({ target_ids: z.array(ZUuid).min(1).max(1000).optional() }).strict();
export type TRetryTargetsRequest = z.input<typeof ZRetryTargetsRequest>;
export const ZRetryTargetsResponse = z.object({ retried: z.number().int() });

// ── Pre-flight estimate ───────────────────────────────────────────────────────────
export const ZCampaignEstimate = z.object({
  /** Targets still to be sent (queued or throttled). */
  pending: z.number().int(),
  per_minute: z.number().int(),
  by_country: z.array(
    z.object({
      country: z.string(),
      targets: z.number().int(),
      time_zone: z.string(),
      quiet_hours: ZQuietWindow.nullable(),
    }),
  ),
  /** Minutes until the last send if started now; null when sending is paused (throttle 0). */
  minutes: z.number().int().nullable(),
  finishes_at: ZTimestamp.nullable(),
  /** Minutes spent waiting for quiet hours to end. */
  quiet_minutes: z.number().int(),
});
export type TCampaignEstimate = z.infer<typeof ZCampaignEstimate>;

export const CAMPAIGN_ACTIONS = ['start', 'pause', 'resume', 'finish'] as const;
export type TCampaignAction = (typeof CAMPAIGN_ACTIONS)[number];
