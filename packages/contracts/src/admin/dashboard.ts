/**
 * `GET /admin/dashboard`: the numbers on the panel's first page, read as the caller.
 * Periods are Rwanda calendar days (Africa/Kigali): `today`, the last 7 and 30 days
 * including today. `daily` comes from `view_voucher_metrics`, one row per day, oldest
 * first, days without events included as zeros.
 */
import { z } from 'zod';
import { ZTimestamp, ZUuid } from '../fields.ts';

export const ZCountAmount = z.object({ count: z.number().int(), amount: z.number() });

export const ZPeriodTotals = z.object({
  issued: ZCountAmount,
  sent: ZCountAmount,
  redeemed: ZCountAmount,
  expired: ZCountAmount,
  void: ZCountAmount,
  /**
   * redeemed ÷ sent in the period, null when nothing was sent. Usually 0 to 1; it can pass 1
   * when vouchers sent before the period are redeemed in it.
   */
  redemption_rate: z.number().nullable(),
});
export type TPeriodTotals = z.infer<typeof ZPeriodTotals>;

export const ZDailyMetrics = z.object({
  /** YYYY-MM-DD, Kigali calendar day. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  issued_count: z.number().int(),
  issued_amount: z.number(),
  sent_count: z.number().int(),
  redeemed_count: z.number().int(),
  redeemed_amount: z.number(),
  expired_count: z.number().int(),
  void_count: z.number().int(),
});
export type TDailyMetrics = z.infer<typeof ZDailyMetrics>;

export const ZRunningCampaign = z.object({
  id: ZUuid,
  name: z.string(),
  type: z.enum(['promo', 'voucher']),
  status: z.enum(['running', 'paused']),
  started_at: ZTimestamp.nullable(),
  /** Targets counted as the caller: 0 for roles that may not read targets (then by_status is null). */
  targets_total: z.number().int(),
  /** Targets no longer waiting (sent, delivered, read, failed, opted out), counted the same way. */
  targets_done: z.number().int(),
  /** Null when the caller's role may not read targets (RLS: super_admin and support only). */
  by_status: z.record(z.string(), z.number().int()).nullable(),
});
export type TRunningCampaign = z.infer<typeof ZRunningCampaign>;

export const ZStationActivity = z.object({
  station_id: ZUuid,
  name: z.string(),
  engencode: z.string(),
  redeemed_7d: z.number().int(),
  redeemed_amount_7d: z.number(),
  last_redeemed_at: ZTimestamp.nullable(),
});
export type TStationActivity = z.infer<typeof ZStationActivity>;

export const ZDashboardResponse = z.object({
  generated_at: ZTimestamp,
  periods: z.object({ today: ZPeriodTotals, days_7: ZPeriodTotals, days_30: ZPeriodTotals }),
  daily: z.array(ZDailyMetrics),
  campaigns: z.array(ZRunningCampaign),
  /** Quotes waiting for a decision (pending); null when the caller's role may not read quotes. */
  insurance_pending: z.number().int().nullable(),
  /** Active stations by 7-day redemptions: up to 5 each, most active first / least active first. */
  stations_most_active: z.array(ZStationActivity),
  stations_least_active: z.array(ZStationActivity),
});
export type TDashboardResponse = z.infer<typeof ZDashboardResponse>;
