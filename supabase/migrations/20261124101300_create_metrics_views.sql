-- Dashboard views (spec: "Views / Helpers"). security_invoker: the caller's RLS applies
-- to the underlying tables, so a view never shows more than its tables would.

-- Issued / sent / redeemed / expired / voided vouchers per day (Rwanda's calendar day),
-- counted from the voucher timeline, with their RWF amounts.
create view public.view_voucher_metrics with (security_invoker = on) as
select (e.created_at at time zone 'Africa/Kigali')::date as day,
       count(*) filter (where e.event_type = 'issued') as issued_count,
       coalesce(sum(v.amount) filter (where e.event_type = 'issued'), 0) as issued_amount,
       count(*) filter (where e.event_type = 'sent') as sent_count,
       coalesce(sum(v.amount) filter (where e.event_type = 'sent'), 0) as sent_amount,
       count(*) filter (where e.event_type = 'redeemed') as redeemed_count,
       coalesce(sum(v.amount) filter (where e.event_type = 'redeemed'), 0) as redeemed_amount,
       count(*) filter (where e.event_type = 'expired') as expired_count,
       coalesce(sum(v.amount) filter (where e.event_type = 'expired'), 0) as expired_amount,
       count(*) filter (where e.event_type = 'void') as void_count,
       coalesce(sum(v.amount) filter (where e.event_type = 'void'), 0) as void_amount
  from public.voucher_events e
  join public.vouchers v on v.id = e.voucher_id
 group by 1;
comment on view public.view_voucher_metrics is
  'Per day (Africa/Kigali): how many vouchers were issued, sent, redeemed, expired and voided, and their amounts.';

-- Dashboards ask for recent days: index the Kigali day the view groups by, so a filter on
-- `day` reads only those events.
create index voucher_events_kigali_day_idx on public.voucher_events (((created_at at time zone 'Africa/Kigali')::date));

-- Station activity (the legacy name "bars" = stations): redemptions in the last day and
-- week, the last redemption and how many operators are assigned. Each figure reads one
-- station's recent redemptions through vouchers (redeemed_station_id, redeemed_at).
create view public.view_active_bars with (security_invoker = on) as
select s.id as station_id,
       s.name,
       s.engencode,
       s.status,
       recent.redeemed_24h,
       recent.redeemed_7d,
       recent.redeemed_amount_7d,
       (select max(v.redeemed_at) from public.vouchers v where v.redeemed_station_id = s.id) as last_redeemed_at,
       (select count(*) from public.station_operators so where so.station_id = s.id and so.active) as active_operators
  from public.stations s
  cross join lateral (
    select count(*) filter (where v.redeemed_at >= now() - interval '1 day') as redeemed_24h,
           count(*) as redeemed_7d,
           coalesce(sum(v.amount), 0) as redeemed_amount_7d
      from public.vouchers v
     where v.redeemed_station_id = s.id and v.redeemed_at >= now() - interval '7 days'
  ) as recent;
comment on view public.view_active_bars is
  'Per station: redemptions in the last 24 h and 7 days, the RWF redeemed in 7 days, the last redemption, assigned operators.';

revoke all on public.view_voucher_metrics, public.view_active_bars from public, anon, authenticated, service_role;
grant select on public.view_voucher_metrics, public.view_active_bars to authenticated, service_role;
