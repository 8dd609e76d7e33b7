/**
 * The dashboard through the admin function, as each demo role: the 30 Kigali days (zeros
 * included) against the voucher timeline counted independently, the periods as sums of
 * them, events moved to other days landing in the right periods, running and paused
 * campaigns with their targets (by status only for the roles that may read targets),
 * pending insurance quotes, and the most and least active stations.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZDashboardResponse, type TDashboardResponse } from '../../packages/contracts/src/admin/dashboard.ts';
import { signInAll, type Role } from '../support/admin.ts';
import { db } from '../support/stack.ts';
import { call, makeVoucher, STATION_2 } from '../support/vouchers.ts';

const sql = db();
let as: Record<Role, SupabaseClient>;
const RUNNING = 'e0000000-0000-4000-8000-000000000002';
const DRAFT = 'e0000000-0000-4000-8000-000000000003';
const DONE = 'e0000000-0000-4000-8000-000000000001';
const INACTIVE_STATION = 'b0000000-0000-4000-8000-000000000008';

beforeAll(async () => {
  as = await signInAll();
});
afterAll(() => sql.end());

async function dashboard(client: SupabaseClient = as.admin): Promise<TDashboardResponse> {
  const { status, body } = await call(client, 'GET', 'admin/dashboard');
  if (status !== 200) throw new Error(`dashboard: ${status} ${JSON.stringify(body)}`);
  return ZDashboardResponse.parse(body);
}

/** Kigali's calendar day `daysAgo` days back, as YYYY-MM-DD (Rwanda: UTC+2, no daylight saving). */
function kigaliDay(daysAgo: number): string {
  return new Date(Date.now() + 2 * 3600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/** Moves every event of a voucher to noon (Kigali) `daysAgo` days back. */
async function backdate(voucherId: string, daysAgo: number): Promise<void> {
  await sql`
    update public.voucher_events
       set created_at = (${kigaliDay(daysAgo)}::date + time '12:00') at time zone 'Africa/Kigali'
     where voucher_id = ${voucherId}`;
}

describe('GET admin/dashboard', () => {
  it.each(['admin', 'support', 'dataops', 'readonly'] as const)('answers %s with the whole contract', async (role) => {
    const body = await dashboard(as[role]);
    expect(Math.abs(Date.parse(body.generated_at) - Date.now())).toBeLessThan(60_000);
  });

  it('refuses an operator (403) and anyone without a session (401)', async () => {
    expect((await call(as.operator, 'GET', 'admin/dashboard')).status).toBe(403);
    expect((await call(null, 'GET', 'admin/dashboard')).status).toBe(401);
  });

  it('has the last 30 Kigali days, oldest first, each counted as the voucher timeline says', async () => {
    const { daily } = await dashboard();
    expect(daily.map((d) => d.day)).toEqual(Array.from({ length: 30 }, (_, i) => kigaliDay(29 - i)));
    // Counted here from the events by time range (not through the view or its index).
    const counted = await sql<{ day: string; type: string; n: number; amount: number }[]>`
      select to_char(d, 'YYYY-MM-DD') as day, e.event_type as type, count(*)::int as n, sum(v.amount)::float8 as amount
        from generate_series(${kigaliDay(29)}::date, ${kigaliDay(0)}::date, interval '1 day') as d
        join public.voucher_events e
          on e.created_at >= d::date::timestamp at time zone 'Africa/Kigali'
         and e.created_at < (d::date + 1)::timestamp at time zone 'Africa/Kigali'
        join public.vouchers v on v.id = e.voucher_id
       group by 1, 2`;
    const get = (day: string, type: string) => counted.find((c) => c.day === day && c.type === type);
    for (const row of daily) {
      expect(row, row.day).toEqual({
        day: row.day,
        issued_count: get(row.day, 'issued')?.n ?? 0,
        issued_amount: get(row.day, 'issued')?.amount ?? 0,
        sent_count: get(row.day, 'sent')?.n ?? 0,
        redeemed_count: get(row.day, 'redeemed')?.n ?? 0,
        redeemed_amount: get(row.day, 'redeemed')?.amount ?? 0,
        expired_count: get(row.day, 'expired')?.n ?? 0,
        void_count: get(row.day, 'void')?.n ?? 0,
      });
    }
    expect(
      daily.some((d) => d.issued_count === 0 && d.sent_count === 0),
      'days without events are zeros',
    ).toBe(true);
    expect(
      daily.some((d) => d.issued_count > 0),
      'the seed has recent vouchers',
    ).toBe(true);
  });

  it('sums the periods from the days: today, 7 and 30 days; an event a month ago counts in none', async () => {
    const before = await dashboard();
    await makeVoucher(sql, { status: 'sent', amount: 1111 }); // today
    const lastWeek = await makeVoucher(sql, { status: 'sent', amount: 2222 });
    const lastMonth = await makeVoucher(sql, { status: 'void', amount: 3333 });
    const longAgo = await makeVoucher(sql, { status: 'sent', amount: 4444 });
    await backdate(lastWeek.id, 6);
    await backdate(lastMonth.id, 20);
    await backdate(longAgo.id, 31);
    const after = await dashboard();

    const delta = (period: keyof TDashboardResponse['periods'], kind: 'issued' | 'sent' | 'void') => [
      after.periods[period][kind].count - before.periods[period][kind].count,
      Math.round((after.periods[period][kind].amount - before.periods[period][kind].amount) * 100) / 100,
    ];
    expect(delta('today', 'issued')).toEqual([1, 1111]);
    expect(delta('today', 'sent')).toEqual([1, 1111]);
    expect(delta('days_7', 'issued')).toEqual([2, 3333]);
    expect(delta('days_7', 'sent')).toEqual([2, 3333]);
    expect(delta('days_30', 'issued')).toEqual([3, 6666]);
    expect(delta('days_30', 'sent')).toEqual([3, 6666]);
    expect(delta('days_30', 'void')).toEqual([1, 3333]);
    expect(delta('days_7', 'void')).toEqual([0, 0]);

    for (const [period, days] of [
      ['today', 1],
      ['days_7', 7],
      ['days_30', 30],
    ] as const) {
      const window = after.daily.slice(-days);
      const sum = (pick: (d: (typeof window)[number]) => number) => window.reduce((n, d) => n + pick(d), 0);
      expect(after.periods[period].issued.count, period).toBe(sum((d) => d.issued_count));
      expect(after.periods[period].redeemed.amount, period).toBeCloseTo(
        sum((d) => d.redeemed_amount),
        2,
      );
      expect(after.periods[period].void.count, period).toBe(sum((d) => d.void_count));
      const sent = sum((d) => d.sent_count);
      expect(after.periods[period].redemption_rate, period).toBe(
        sent === 0 ? null : sum((d) => d.redeemed_count) / sent,
      );
    }
  });

  it('lists running and paused campaigns with their targets; the breakdown only for roles that may read targets', async () => {
    await sql`update public.campaigns set status = 'paused' where id = ${RUNNING}`;
    try {
      const [{ total, done } = { total: -1, done: -1 }] = await sql<{ total: number; done: number }[]>`
        select count(*)::int as total,
               (count(*) filter (where status not in ('queued', 'queued_throttled')))::int as done
          from public.campaign_targets where campaign_id = ${RUNNING}`;
      const byStatus = Object.fromEntries(
        (
          await sql<{ status: string; n: number }[]>`
            select status, count(*)::int as n from public.campaign_targets where campaign_id = ${RUNNING} group by status`
        ).map((r) => [r.status, r.n]),
      );
      expect(total).toBeGreaterThan(0);
      const live = await sql<{ id: string }[]>`select id from public.campaigns where status in ('running', 'paused')`;
      for (const role of ['admin', 'support'] as const) {
        const { campaigns } = await dashboard(as[role]);
        expect(campaigns.map((c) => c.id).sort(), role).toEqual(live.map((c) => c.id).sort());
        expect(
          campaigns.find((c) => c.id === RUNNING),
          role,
        ).toMatchObject({
          name: 'November fuel vouchers',
          status: 'paused',
          type: 'voucher',
          targets_total: total,
          targets_done: done,
          by_status: byStatus,
        });
      }
      for (const role of ['dataops', 'readonly'] as const) {
        const { campaigns } = await dashboard(as[role]);
        expect(campaigns.map((c) => c.id).sort(), role).toEqual(live.map((c) => c.id).sort());
        expect(
          campaigns.find((c) => c.id === RUNNING),
          role,
        ).toMatchObject({ by_status: null, targets_total: 0, targets_done: 0 });
      }
      // Drafts and finished campaigns are not on the dashboard.
      const ids = (await dashboard()).campaigns.map((c) => c.id);
      expect(ids).not.toContain(DRAFT);
      expect(ids).not.toContain(DONE);
    } finally {
      await sql`update public.campaigns set status = 'running' where id = ${RUNNING}`;
    }
  });

  it('counts the insurance quotes waiting for a decision', async () => {
    const [quote] = await sql<{ id: string }[]>`
      insert into public.insurance_quotes (user_id) values ('c0000000-0000-4000-8000-000000000003') returning id`;
    try {
      const [{ n } = { n: -1 }] = await sql<{ n: number }[]>`
        select count(*)::int as n from public.insurance_quotes where status = 'pending'`;
      for (const role of ['admin', 'readonly'] as const) expect((await dashboard(as[role])).insurance_pending).toBe(n);
    } finally {
      await sql`delete from public.insurance_quotes where id = ${quote?.id ?? null}`;
    }
  });

  it('ranks active stations by redemptions in the last 7 days, most and least active, five each', async () => {
    const body = await dashboard(as.readonly);
    const activity = await sql<{ id: string; n: number; amount: number }[]>`
      select s.id, count(v.id)::int as n, coalesce(sum(v.amount), 0)::float8 as amount
        from public.stations s
        left join public.vouchers v on v.redeemed_station_id = s.id and v.redeemed_at >= now() - interval '7 days'
       where s.status = 'active'
       group by s.id`;
    const byId = new Map(activity.map((a) => [a.id, a]));
    for (const list of [body.stations_most_active, body.stations_least_active]) {
      expect(list.length).toBe(Math.min(5, activity.length));
      for (const s of list) {
        expect(byId.get(s.station_id), s.engencode).toMatchObject({ n: s.redeemed_7d, amount: s.redeemed_amount_7d });
      }
      expect(list.map((s) => s.station_id)).not.toContain(INACTIVE_STATION);
    }
    const most = body.stations_most_active.map((s) => s.redeemed_7d);
    const least = body.stations_least_active.map((s) => s.redeemed_7d);
    expect(most).toEqual([...most].sort((a, b) => b - a));
    expect(least).toEqual([...least].sort((a, b) => a - b));
    const counts = activity.map((a) => a.n).sort((a, b) => b - a);
    expect(most).toEqual(counts.slice(0, most.length));
    expect(least).toEqual([...counts].reverse().slice(0, least.length));
  });

  it('a redemption today moves a station up', async () => {
    const before = await dashboard();
    const at = (body: TDashboardResponse) =>
      [...body.stations_most_active, ...body.stations_least_active].find((s) => s.station_id === STATION_2)
        ?.redeemed_7d;
    const voucher = await makeVoucher(sql, { status: 'sent', amount: 500 });
    await sql`update public.vouchers set status = 'redeemed', redeemed_at = now(), redeemed_station_id = ${STATION_2}
               where id = ${voucher.id}`;
    const after = await dashboard();
    const [{ n } = { n: -1 }] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.vouchers
       where redeemed_station_id = ${STATION_2} and redeemed_at >= now() - interval '7 days'`;
    expect(at(after)).toBe(n);
    if (at(before) !== undefined) expect(at(after)).toBe((at(before) ?? 0) + 1);
    expect(after.periods.today.redeemed.count).toBe(before.periods.today.redeemed.count + 1);
  });
});
