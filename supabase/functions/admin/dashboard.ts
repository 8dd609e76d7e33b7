/**
 * The dashboard (any admin), read as the caller in two queries whatever the data size:
 *
 *   GET /dashboard   period totals and the daily series (view_voucher_metrics, the last 30
 *                    Kigali days only, by a range on its `day`), running and paused
 *                    campaigns with their targets' progress, pending insurance quotes, and
 *                    the most and least active stations (view_active_bars)
 *
 * Period totals are sums over the daily rows, so the three periods and the chart agree.
 */
import type { Hono } from 'hono';
import {
  ZDashboardResponse,
  type TDailyMetrics,
  type TPeriodTotals,
} from '../../../packages/contracts/src/admin/dashboard.ts';
import { authenticateUser } from '../_shared/auth.ts';
import { asCaller } from '../_shared/db.ts';
import { requireRole } from '../_shared/roles.ts';
import { iso, isoOrNull } from './directory.ts';

interface DayRow extends TDailyMetrics {
  sent_amount: number;
  expired_amount: number;
  void_amount: number;
}

interface CampaignJson {
  id: string;
  name: string;
  type: 'promo' | 'voucher';
  status: 'running' | 'paused';
  started_at: string | null;
  targets_total: number;
  targets_done: number;
  by_status: Record<string, number> | null;
}

interface StationJson {
  station_id: string;
  name: string;
  engencode: string;
  redeemed_7d: number;
  redeemed_amount_7d: number;
  last_redeemed_at: string | null;
}

interface OverviewRow {
  campaigns: CampaignJson[];
  insurance_pending: number | null;
  most_active: StationJson[];
  least_active: StationJson[];
  generated_at: Date;
}

function totals(days: DayRow[]): TPeriodTotals {
  const sum = (pick: (d: DayRow) => number) => days.reduce((n, d) => n + pick(d), 0);
  const money = (pick: (d: DayRow) => number) => Math.round(sum(pick) * 100) / 100;
  const sent = sum((d) => d.sent_count);
  const redeemed = sum((d) => d.redeemed_count);
  return {
    issued: { count: sum((d) => d.issued_count), amount: money((d) => d.issued_amount) },
    sent: { count: sent, amount: money((d) => d.sent_amount) },
    redeemed: { count: redeemed, amount: money((d) => d.redeemed_amount) },
    expired: { count: sum((d) => d.expired_count), amount: money((d) => d.expired_amount) },
    void: { count: sum((d) => d.void_count), amount: money((d) => d.void_amount) },
    redemption_rate: sent === 0 ? null : redeemed / sent,
  };
}

const station = (s: StationJson) => ({ ...s, last_redeemed_at: isoOrNull(s.last_redeemed_at) });

export function dashboardRoutes(app: Hono): void {
  app.get('/dashboard', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const { days, overview } = await asCaller(caller, async (tx) => {
      await requireRole(tx, 'any admin');
      // The range is on the view's own `day` (not a join), so it reaches the view's source
      // by its day key instead of aggregating every day there is.
      const days = await tx<DayRow[]>`
        with today as (select (now() at time zone 'Africa/Kigali')::date as day)
        select to_char(d.day, 'YYYY-MM-DD') as day,
               coalesce(m.issued_count, 0)::int as issued_count, coalesce(m.issued_amount, 0)::float8 as issued_amount,
               coalesce(m.sent_count, 0)::int as sent_count, coalesce(m.sent_amount, 0)::float8 as sent_amount,
               coalesce(m.redeemed_count, 0)::int as redeemed_count,
               coalesce(m.redeemed_amount, 0)::float8 as redeemed_amount,
               coalesce(m.expired_count, 0)::int as expired_count, coalesce(m.expired_amount, 0)::float8 as expired_amount,
               coalesce(m.void_count, 0)::int as void_count, coalesce(m.void_amount, 0)::float8 as void_amount
          from today,
               generate_series((today.day - 29)::timestamp, today.day::timestamp, interval '1 day') as d (day)
          left join (
            select * from public.view_voucher_metrics vm
             where vm.day between (now() at time zone 'Africa/Kigali')::date - 29 and (now() at time zone 'Africa/Kigali')::date
          ) m on m.day = d.day::date
         order by d.day`;
      // Targets are counted as the caller: roles that may not read them count nothing, and
      // get by_status null rather than a breakdown of zeros.
      const [overview] = await tx<OverviewRow[]>`
        with activity as materialized (
          select b.station_id, b.name, b.engencode, b.redeemed_7d::int as redeemed_7d,
                 b.redeemed_amount_7d::float8 as redeemed_amount_7d, b.last_redeemed_at
            from public.view_active_bars b
           where b.status = 'active'
        ),
        campaign_rows as (
          select c.id, c.name, c.type, c.status, c.started_at,
                 coalesce(t.total, 0) as targets_total, coalesce(t.done, 0) as targets_done,
                 case when app.may_read_campaign_targets() then coalesce(t.by_status, '{}'::jsonb) end as by_status
            from public.campaigns c
            left join lateral (
              select sum(n)::int as total,
                     (sum(n) filter (where s.status not in ('queued', 'queued_throttled')))::int as done,
                     jsonb_object_agg(s.status, n) as by_status
                from (select ct.status, count(*)::int as n
                        from public.campaign_targets ct
                       where ct.campaign_id = c.id
                       group by ct.status) s
            ) t on true
           where c.status in ('running', 'paused')
        )
        select
          (select coalesce(jsonb_agg(to_jsonb(r) order by r.status, r.started_at desc nulls last, r.name), '[]'::jsonb)
             from campaign_rows r) as campaigns,
          (select count(*)::int from public.insurance_quotes q where q.status = 'pending') as insurance_pending,
          (select coalesce(jsonb_agg(to_jsonb(a) order by a.redeemed_7d desc, a.redeemed_amount_7d desc,
                                     a.last_redeemed_at desc nulls last, a.name), '[]'::jsonb)
             from (select * from activity
                    order by redeemed_7d desc, redeemed_amount_7d desc, last_redeemed_at desc nulls last, name
                    limit 5) a) as most_active,
          (select coalesce(jsonb_agg(to_jsonb(a) order by a.redeemed_7d, a.last_redeemed_at nulls first, a.name), '[]'::jsonb)
             from (select * from activity
                    order by redeemed_7d, last_redeemed_at nulls first, name
                    limit 5) a) as least_active,
          now() as generated_at`;
      return { days, overview };
    });
    if (!overview) throw new Error('the dashboard query returned no row');
    const last7 = days.slice(-7);
    return c.json(
      ZDashboardResponse.parse({
        generated_at: iso(overview.generated_at),
        periods: { today: totals(days.slice(-1)), days_7: totals(last7), days_30: totals(days) },
        daily: days.map(({ sent_amount: _s, expired_amount: _e, void_amount: _v, ...day }) => day),
        campaigns: overview.campaigns.map((campaign) => ({ ...campaign, started_at: isoOrNull(campaign.started_at) })),
        insurance_pending: overview.insurance_pending,
        stations_most_active: overview.most_active.map(station),
        stations_least_active: overview.least_active.map(station),
      }),
    );
  });
}
