/**
 * Seeds the admin benchmark's data set straight into Postgres as the superuser, set-based
 * (generate_series into a temporary table, then one INSERT … SELECT per table):
 *
 *   ~50 stations, ~2,000 drivers (public.users), `vouchers` vouchers issued over 180 days
 *   (amounts from 1,000 to 20,000 RWF, 30 % scoped to a station, valid 30 days), and
 *   3 × `vouchers` voucher_events: each voucher's timeline (issued, sent, then redeemed,
 *   expired or void, at times that match the voucher's own dates), topped up with
 *   policy_blocked events (refused attempts) to reach exactly three per voucher.
 *
 * Statuses follow the clock: a voucher still within its 30 days is issued (12 %), sent
 * (43 %), redeemed (38 %) or void (7 %); an older one was redeemed (60 %), expired (32 %)
 * or voided (8 %). The draws are seeded (setseed), so every run builds the same spread.
 *
 * Triggers are off while seeding (`session_replication_role = replica`, this connection
 * only). The benchmark measures reads, and the triggers would make the seed something
 * else: the audit trigger would append a million audit rows whose hash chain is sealed
 * row by row at commit (a plpgsql loop computing a sha256 each), the event trigger would
 * stamp every timeline "now", and the event guard refuses status events written by hand.
 * Replica mode also skips the foreign-key checks, so the seed keeps every reference
 * valid itself (stations, drivers and the issuer exist; events point at seeded vouchers)
 * and the CHECK constraints, which still run, hold (redeemed ⇔ redeemed_at and station,
 * redeemed within scope and before expiry, expiry after issue). It also skips the trigger
 * that keeps the dashboard's daily rollup (voucher_daily_metrics), so the seed rebuilds
 * the rollup from the events afterwards, as its migration's backfill does.
 */
import type postgres from 'postgres';

export const BENCH_STATIONS = 50;
export const BENCH_DRIVERS = 2000;
/** dataops@easymo.test: the issuer of every seeded voucher. */
const ISSUER = 'a0000000-0000-4000-8000-000000000003';
/** operator@easymo.test: the actor of seeded redemptions. */
const OPERATOR = 'a0000000-0000-4000-8000-000000000005';

export interface SeedTimes {
  vouchers: number;
  events: number;
  /** Milliseconds: stations, drivers and vouchers. */
  vouchersMs: number;
  eventsMs: number;
  /** Rebuilding voucher_daily_metrics from every event (its trigger was off). */
  rollupMs: number;
  /** VACUUM ANALYZE of the seeded tables (fresh statistics and visibility map, as autovacuum would leave them). */
  vacuumMs: number;
}

/** Seeds `count` vouchers and 3 × `count` events through `url` (a superuser connection). */
export async function seedAdminData(
  connect: () => postgres.Sql,
  count: number,
  log: (line: string) => void,
): Promise<SeedTimes> {
  // One connection: session_replication_role, setseed and the temporary table are per session.
  const sql = connect();
  try {
    const started = performance.now();
    await sql`set session_replication_role = replica`;
    await sql`select setseed(0.2026)`;

    await sql`
      insert into public.stations (name, engencode, status)
      select 'Bench station ' || n, 'BENCH-' || lpad(n::text, 3, '0'), case when n % 25 = 0 then 'inactive' else 'active' end
        from generate_series(1, ${BENCH_STATIONS}) n
      on conflict (engencode) do nothing`;
    // Rwandan mobile numbers: 7 digits from an affine map, a bijection modulo 10^7 (no repeats).
    await sql`
      insert into public.users (msisdn, display_name, locale, created_at)
      select '+25078' || lpad(((n * 7919 + 1234567) % 10000000)::text, 7, '0'), 'Bench driver ' || n,
             (array['rw', 'en', 'fr'])[1 + n % 3], now() - interval '200 days'
        from generate_series(1, ${BENCH_DRIVERS}) n
      on conflict (msisdn) do nothing`;

    // Every draw and derived date in one temporary table: the voucher rows and their
    // events are both read from it.
    await sql`
      create temporary table bench_draws on commit preserve rows as
      with refs as (
        select (select array_agg(id order by engencode) from public.stations where engencode like 'BENCH-%') as stations,
               (select array_agg(id order by msisdn) from public.users where display_name like 'Bench driver %') as drivers
      ),
      draws as (
        select n, gen_random_uuid() as id, random() as r_age, random() as r_status, random() as r_amount,
               random() as r_scope, random() as r_station, random() as r_driver, random() as r_sent,
               random() as r_path, random() as r_end,
               -- The code's number: an affine map modulo 32^5, a bijection (no code twice).
               (n::bigint * 1103515245 + 12345) % 33554432 as x
          from generate_series(1, ${count}) n
      ),
      dated as (
        select d.*, now() - d.r_age * interval '180 days' as issued_at,
               now() - d.r_age * interval '180 days' + interval '30 days' as expires_at,
               d.r_age > 30.0 / 180 as lapsed
          from draws d
      ),
      statused as (
        select d.*,
               case
                 when d.lapsed then case when d.r_status < 0.60 then 'redeemed' when d.r_status < 0.92 then 'expired' else 'void' end
                 else case when d.r_status < 0.12 then 'issued' when d.r_status < 0.55 then 'sent'
                           when d.r_status < 0.93 then 'redeemed' else 'void' end
               end as status
          from dated d
      ),
      timed as (
        select s.*,
               -- Delivered within minutes, or hours when throttled; never after now.
               case when s.status in ('sent', 'redeemed') or (s.status in ('expired', 'void') and s.r_path < 0.9)
                    then s.issued_at + least(interval '2 minutes' + s.r_sent * interval '3 hours', (now() - s.issued_at) / 2)
               end as sent_at
          from statused s
      )
      select t.n, t.id, t.status, t.issued_at, t.expires_at, t.sent_at,
             r.drivers[1 + floor(t.r_driver * cardinality(r.drivers))::int] as user_id,
             case when t.r_scope < 0.3 then r.stations[1 + floor(t.r_station * cardinality(r.stations))::int] end as station_scope,
             r.stations[1 + floor(t.r_station * cardinality(r.stations))::int] as station,
             (case when t.r_amount < 0.25 then 1000 when t.r_amount < 0.50 then 2000 when t.r_amount < 0.70 then 3000
                   when t.r_amount < 0.85 then 5000 when t.r_amount < 0.95 then 10000 else 20000 end)::numeric(12, 2) as amount,
             -- When the voucher was settled: redeemed or voided some time in its life, expired at its expiry.
             case t.status
               when 'expired' then t.expires_at
               when 'redeemed' then coalesce(t.sent_at, t.issued_at)
                                    + t.r_end * (least(t.expires_at, now()) - coalesce(t.sent_at, t.issued_at))
               when 'void' then coalesce(t.sent_at, t.issued_at)
                                + t.r_end * (least(t.expires_at, now()) - coalesce(t.sent_at, t.issued_at))
             end as ended_at,
             (substr(a, (t.x >> 20)::int + 1, 1) || substr(a, ((t.x >> 15) % 32)::int + 1, 1)
              || substr(a, ((t.x >> 10) % 32)::int + 1, 1) || substr(a, ((t.x >> 5) % 32)::int + 1, 1)
              || substr(a, (t.x % 32)::int + 1, 1))::char(5) as code5
        from timed t cross join refs r cross join (values ('0123456789ABCDEFGHJKMNPQRSTVWXYZ')) as alphabet (a)`;
    // The demo seed's own vouchers hold a few codes already.
    await sql`delete from bench_draws b using public.vouchers v where v.code5 = b.code5`;
    const [{ seeded = 0 } = {}] = await sql<{ seeded: number }[]>`select count(*)::int as seeded from bench_draws`;
    await sql`
      insert into public.vouchers (id, user_id, station_scope, amount, currency, code5, png_url, qr_url, status,
                                   issued_at, redeemed_at, expires_at, created_by, metadata, redeemed_station_id, updated_at)
      select b.id, b.user_id, b.station_scope, b.amount, 'RWF', b.code5,
             case when b.sent_at is not null then b.id || '.png' end,
             case when b.sent_at is not null then b.id || '.png' end,
             b.status, b.issued_at,
             case when b.status = 'redeemed' then b.ended_at end,
             b.expires_at, ${ISSUER}::uuid,
             case when b.sent_at is not null
                  then jsonb_build_object('whatsapp', jsonb_build_object('message_id', 'wamid.BENCH' || b.n, 'sent_at', b.sent_at))
                  else '{}'::jsonb end,
             case when b.status = 'redeemed' then coalesce(b.station_scope, b.station) end,
             coalesce(b.ended_at, b.sent_at, b.issued_at)
        from bench_draws b`;
    const vouchersMs = performance.now() - started;
    log(`  vouchers inserted in ${(vouchersMs / 1000).toFixed(1)} s`);

    const eventsStart = performance.now();
    await sql`
      insert into public.voucher_events (voucher_id, event_type, actor_id, station_id, context, created_at)
      select b.id, e.event_type, e.actor_id, e.station_id, e.context, e.created_at
        from bench_draws b
        cross join lateral (values
          ('issued', b.issued_at, ${ISSUER}::uuid, null::uuid, '{}'::jsonb),
          ('sent', b.sent_at, null, null, '{"from": "issued"}'),
          (case when b.status in ('redeemed', 'expired', 'void') then b.status end, b.ended_at,
           case when b.status = 'redeemed' then ${OPERATOR}::uuid when b.status = 'void' then ${ISSUER}::uuid end,
           case when b.status = 'redeemed' then coalesce(b.station_scope, b.station) end,
           jsonb_build_object('from', case when b.sent_at is null then 'issued' else 'sent' end))
        ) as e (event_type, created_at, actor_id, station_id, context)
       where e.event_type is not null and e.created_at is not null`;
    const [{ lifecycle = 0 } = {}] = await sql<{ lifecycle: number }[]>`
      select count(*)::int as lifecycle from public.voucher_events e join bench_draws b on b.id = e.voucher_id`;
    const extra = Math.max(0, 3 * seeded - lifecycle);
    // Refused attempts (a code typed at the wrong station, a guess) up to three events a voucher.
    await sql`
      insert into public.voucher_events (voucher_id, event_type, actor_id, station_id, context, created_at)
      select b.id, 'policy_blocked', ${OPERATOR}::uuid, b.station,
             jsonb_build_object('reason', (array['wrong_station', 'already_redeemed', 'expired'])[1 + (b.n + k) % 3]),
             b.issued_at + random() * (coalesce(b.ended_at, now()) - b.issued_at)
        from (select b.*, row_number() over (order by b.n) as i from bench_draws b) b
        cross join generate_series(0, ${Math.ceil(extra / Math.max(seeded, 1))}) k
       where k * ${seeded} + b.i <= ${extra}`;
    const eventsMs = performance.now() - eventsStart;
    const [totals] = await sql<{ vouchers: number; events: number }[]>`
      select (select count(*)::int from bench_draws) as vouchers,
             (select count(*)::int from public.voucher_events e join bench_draws b on b.id = e.voucher_id) as events`;
    log(`  events inserted in ${(eventsMs / 1000).toFixed(1)} s`);
    await sql`drop table bench_draws`;
    await sql`set session_replication_role = origin`;

    // The rollup's trigger did not see the seeded events: count everything again, in one
    // transaction (the demo seed's rows, kept by the trigger, are recounted with the rest).
    const rollupStart = performance.now();
    await sql.begin(async (tx) => {
      await tx`delete from public.voucher_daily_metrics`;
      await tx`
        insert into public.voucher_daily_metrics (day, event_type, count, amount)
        select (e.created_at at time zone 'Africa/Kigali')::date, e.event_type, count(*), sum(v.amount)
          from public.voucher_events e
          join public.vouchers v on v.id = e.voucher_id
         group by 1, 2`;
    });
    const rollupMs = performance.now() - rollupStart;
    log(`  daily rollup rebuilt in ${(rollupMs / 1000).toFixed(1)} s`);

    const vacuumStart = performance.now();
    await sql`vacuum (analyze) public.vouchers, public.voucher_events, public.voucher_daily_metrics, public.users, public.stations`;
    const vacuumMs = performance.now() - vacuumStart;
    return { vouchers: totals?.vouchers ?? 0, events: totals?.events ?? 0, vouchersMs, eventsMs, rollupMs, vacuumMs };
  } finally {
    await sql.end();
  }
}
