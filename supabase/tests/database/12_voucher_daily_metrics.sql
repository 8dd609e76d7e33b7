-- The daily rollup behind the dashboard (voucher_daily_metrics, read through
-- view_voucher_metrics): after vouchers are issued, sent, redeemed, voided, blocked and
-- swept to expired by the real writers as the real roles, the rollup and the view equal a
-- recount from voucher_events joined to vouchers, for every day and type. Events on either
-- side of Kigali's midnight (22:00 UTC) land on their own days, whether inserted or moved;
-- moved, deleted and truncated events are taken out again. An event inserted and moved in
-- one transaction is counted once, on its new day, when it commits. Every admin role reads the
-- metrics, operators read none, anon is refused, and no one writes the rollup directly.
begin;
set local search_path = public, extensions, tests;
select plan(49);

-- ── helpers and fixtures (live only inside this transaction) ────────────────────────
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
-- The rollup is counted at commit (deferred, like the audit seal); this file never
-- commits, so count at the end of each statement instead, as a commit would.
set constraints all immediate;

-- Failures other work left at operator@'s station would block the redemption below.
delete from public.code_attempts
 where station_id = 'b0000000-0000-4000-8000-000000000001' or operator_id = 'a0000000-0000-4000-8000-000000000005';

-- The vouchers of this file carry metadata.metrics_fixture.
create function tests.mfx(label text) returns uuid
language sql stable security definer set search_path = '' as $$
  select v.id from public.vouchers v where v.metadata ->> 'metrics_fixture' = label
$$;
create function tests.mcode(label text) returns text
language sql stable security definer set search_path = '' as $$
  select v.code5::text from public.vouchers v where v.metadata ->> 'metrics_fixture' = label
$$;

-- Rows where the rollup and a recount of the events (per Kigali day and type) differ.
create function tests.rollup_differences() returns bigint
language sql stable security definer set search_path = '' as $$
  with recount as (
    select (e.created_at at time zone 'Africa/Kigali')::date as day, e.event_type, count(*) as count, sum(v.amount) as amount
      from public.voucher_events e join public.vouchers v on v.id = e.voucher_id
     group by 1, 2)
  select count(*) from recount r full join public.voucher_daily_metrics m using (day, event_type)
   where (r.count, r.amount) is distinct from (m.count, m.amount)
$$;

-- Rows where the view and the same recount, pivoted as the view was before the rollup, differ.
create function tests.view_differences() returns bigint
language sql stable security definer set search_path = '' as $$
  with recount as (
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
      from public.voucher_events e join public.vouchers v on v.id = e.voucher_id
     group by 1)
  select count(*) from recount r full join public.view_voucher_metrics m using (day)
   where (r.issued_count, r.issued_amount, r.sent_count, r.sent_amount, r.redeemed_count, r.redeemed_amount,
          r.expired_count, r.expired_amount, r.void_count, r.void_amount)
         is distinct from
         (m.issued_count, m.issued_amount, m.sent_count, m.sent_amount, m.redeemed_count, m.redeemed_amount,
          m.expired_count, m.expired_amount, m.void_count, m.void_amount)
$$;

-- One rollup row as (count,amount), (0,0) when there is none.
create function tests.daily(day date, kind text) returns text
language sql stable security definer set search_path = '' as $$
  select row(coalesce(max(m.count), 0), coalesce(max(m.amount), 0)::numeric(14, 2))::text
    from public.voucher_daily_metrics m where m.day = daily.day and m.event_type = kind
$$;

-- How today's (Kigali) row of a type moved since the snapshot, as (count,amount).
create temp table before_rollup as select * from public.voucher_daily_metrics;
create function tests.delta(kind text) returns text
language sql stable security definer set search_path = '' as $$
  select row(coalesce(m.count, 0) - coalesce(b.count, 0), (coalesce(m.amount, 0) - coalesce(b.amount, 0))::numeric(14, 2))::text
    from (select (now() at time zone 'Africa/Kigali')::date as day) today
    left join public.voucher_daily_metrics m on m.day = today.day and m.event_type = kind
    left join pg_temp.before_rollup b on b.day = today.day and b.event_type = kind
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

-- ── shape ───────────────────────────────────────────────────────────────────────────
select ok((select relrowsecurity from pg_class where oid = 'public.voucher_daily_metrics'::regclass),
  'RLS is on for voucher_daily_metrics');
select policies_are('public', 'voucher_daily_metrics', array['admins read daily metrics'],
  'its only policy lets admins read');
select ok(
  (select prosecdef and proconfig @> array['search_path=""'] from pg_proc where oid = 'app.roll_up_voucher_event()'::regprocedure),
  'the rollup trigger function is security definer with an empty search_path');
select ok(not (has_function_privilege('anon', 'app.roll_up_voucher_event()', 'execute')
               or has_function_privilege('authenticated', 'app.roll_up_voucher_event()', 'execute')
               or has_function_privilege('service_role', 'app.roll_up_voucher_event()', 'execute')
               or has_function_privilege('public', 'app.roll_up_voucher_event()', 'execute')),
  'no API role (nor PUBLIC) may execute it');
select is(
  (select string_agg(tgname || ' ' || tgdeferrable::text || ' ' || tginitdeferred::text, ', ' order by tgname) from pg_trigger
    where tgrelid = 'public.voucher_events'::regclass and tgname in ('roll_up_daily_metrics', 'roll_up_daily_metrics_moved')),
  'roll_up_daily_metrics true true, roll_up_daily_metrics_moved true true',
  'inserted, deleted and moved events are counted at commit (deferred triggers)');
select is(
  (select count(*)::int from pg_trigger where tgrelid = 'public.voucher_events'::regclass
      and tgfoid = 'app.roll_up_voucher_event()'::regprocedure),
  3, 'the rollup is kept by those two triggers and the truncate one, nothing else');
select has_trigger('public', 'voucher_events', 'roll_up_daily_metrics_cleared', 'a truncate clears the rollup');
select is(
  (select string_agg(column_name || ' ' || data_type, ', ' order by ordinal_position) from information_schema.columns
    where table_schema = 'public' and table_name = 'view_voucher_metrics'),
  'day date, issued_count bigint, issued_amount numeric, sent_count bigint, sent_amount numeric, '
  'redeemed_count bigint, redeemed_amount numeric, expired_count bigint, expired_amount numeric, void_count bigint, void_amount numeric',
  'view_voucher_metrics keeps its columns, types and order');
select ok(has_table_privilege('authenticated', 'public.view_voucher_metrics', 'select')
          and has_table_privilege('service_role', 'public.view_voucher_metrics', 'select')
          and not has_table_privilege('authenticated', 'public.view_voucher_metrics', 'insert'),
  'and its grants: signed-in callers and the service role read it, nobody writes it');
select hasnt_index('public', 'voucher_events', 'voucher_events_kigali_day_idx',
  'the Kigali-day index of the events (only the view used it) is gone');

-- ── the seeded timeline (backfilled, then written and moved by the demo seed) ────────
select is(tests.rollup_differences(), 0::bigint, 'the rollup equals a recount of the seeded events, day by day and type by type');
select is(tests.view_differences(), 0::bigint, 'and so does the view');

-- ── the real writers, as the real roles ─────────────────────────────────────────────
select tests.act_as('dataops@easymo.test');
insert into public.vouchers (user_id, amount, metadata) values
  ('c0000000-0000-4000-8000-000000000001', 7000, '{"metrics_fixture": "send"}'),
  ('c0000000-0000-4000-8000-000000000001', 3000, '{"metrics_fixture": "void"}'),
  ('c0000000-0000-4000-8000-000000000002', 2000, '{"metrics_fixture": "block"}');
select is(tests.delta('issued'), '(3,12000.00)', 'issuing three vouchers counts three issued and their RWF today');
select app.record_send(tests.mfx('send'), 'wamid.PGTAP12-1');
select is(tests.delta('sent'), '(1,7000.00)', 'recording a send counts one sent');
update public.vouchers set status = 'void' where id = tests.mfx('void');
select is(tests.delta('void'), '(1,3000.00)', 'voiding counts one void');
select app.record_send_blocked(tests.mfx('block'), 'quiet_hours', now() + interval '8 hours');
select is(tests.delta('policy_blocked'), '(1,2000.00)', 'a blocked send counts one policy_blocked event');

select tests.act_as('operator@easymo.test');
select is(app.redeem_voucher('12000000-0000-4000-8000-000000000001', tests.mcode('send'), null, now(), false, 'hash-12-1') ->> 'ok',
  'true', 'the operator redeems the sent voucher');
select is(tests.delta('redeemed'), '(1,7000.00)', 'which counts one redeemed');

select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
insert into public.vouchers (user_id, amount, issued_at, expires_at, metadata)
values ('c0000000-0000-4000-8000-000000000001', 4000, now() - interval '40 days', now() - interval '10 days',
        '{"metrics_fixture": "expire"}');
select tests.act_as_service();
select set_config('tests.swept', app.expire_vouchers()::text, true);
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
select is(split_part(trim(both '()' from tests.delta('expired')), ',', 1), current_setting('tests.swept'),
  'the expiry sweep counts one expired event per voucher it swept');
select is(tests.rollup_differences(), 0::bigint, 'after all of it the rollup still equals a recount');
select is(tests.view_differences(), 0::bigint, 'and so does the view');

-- ── Kigali's midnight is 22:00 UTC ──────────────────────────────────────────────────
-- Inserted: refused attempts written at given times (the service role may write those).
select tests.act_as_service();
insert into public.voucher_events (voucher_id, event_type, context, created_at) values
  (tests.mfx('block'), 'policy_blocked', '{"metrics_fixture": "21:00"}', '2020-02-29 21:00:00+00'),
  (tests.mfx('block'), 'policy_blocked', '{"metrics_fixture": "21:59"}', '2020-02-29 21:59:59+00'),
  (tests.mfx('block'), 'policy_blocked', '{"metrics_fixture": "22:00"}', '2020-02-29 22:00:00+00');
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
select is(tests.daily('2020-02-29', 'policy_blocked') || ' ' || tests.daily('2020-03-01', 'policy_blocked'),
  '(2,4000.00) (1,2000.00)', 'an event at 21:59:59 UTC counts on that Kigali day, one at 22:00 UTC on the next');
-- Moved: the sent voucher's issued and sent events, as the demo seed moves timelines.
update public.voucher_events set created_at = '2020-02-29 21:59:00+00'
 where voucher_id = tests.mfx('send') and event_type = 'issued';
update public.voucher_events set created_at = '2020-02-29 22:00:00+00'
 where voucher_id = tests.mfx('send') and event_type = 'sent';
select results_eq(
  $$select day, issued_count, issued_amount, sent_count, sent_amount from public.view_voucher_metrics
     where day in ('2020-02-29', '2020-03-01') order by day$$,
  $$values ('2020-02-29'::date, 1::bigint, 7000::numeric, 0::bigint, 0::numeric),
           ('2020-03-01'::date, 0::bigint, 0::numeric, 1::bigint, 7000::numeric)$$,
  'moved across midnight, the issued event stays on the 29th and the sent one moves to the 1st');
select is(tests.delta('issued') || ' ' || tests.delta('sent'), '(3,9000.00) (0,0.00)',
  'and they left today''s counts');
select is(tests.rollup_differences(), 0::bigint, 'the rollup equals a recount after the moves');

-- Deferred, as in a real transaction: nothing is counted until the commit (here: until the
-- constraints are made immediate), and then an event inserted and moved is counted once.
set constraints all deferred;
insert into public.voucher_events (voucher_id, event_type, context)
values (tests.mfx('block'), 'policy_blocked', '{"metrics_fixture": "deferred"}');
select is(tests.delta('policy_blocked'), '(1,2000.00)', 'an event written in a transaction is not counted before it commits');
update public.voucher_events set created_at = '2020-03-02 10:00:00+00' where context ->> 'metrics_fixture' = 'deferred';
set constraints all immediate;
select is(tests.delta('policy_blocked') || ' ' || tests.daily('2020-03-02', 'policy_blocked'), '(1,2000.00) (1,2000.00)',
  'at commit, an event inserted and then moved is counted once, on its new day');

-- Deleted: one of two events of a day and type, then the only one.
delete from public.voucher_events where voucher_id = tests.mfx('block') and context ->> 'metrics_fixture' = '21:00';
select is(tests.daily('2020-02-29', 'policy_blocked'), '(1,2000.00)', 'a deleted event is taken out of its day');
delete from public.voucher_events where voucher_id = tests.mfx('block') and context ->> 'metrics_fixture' = '22:00';
select is((select count(*)::int from public.voucher_daily_metrics where day = '2020-03-01' and event_type = 'policy_blocked'), 0,
  'the last event of a day and type takes its row with it');
select is(tests.rollup_differences() + tests.view_differences(), 0::bigint, 'rollup and view equal a recount after the deletes');

-- ── who reads ───────────────────────────────────────────────────────────────────────
select set_config('tests.view_rows', (select count(*) from public.view_voucher_metrics)::text, true);
select set_config('tests.rollup_rows', (select count(*) from public.voucher_daily_metrics)::text, true);

select tests.act_as('admin@easymo.test');
select is((select count(*) from public.view_voucher_metrics) || '/' || (select count(*) from public.voucher_daily_metrics),
  current_setting('tests.view_rows') || '/' || current_setting('tests.rollup_rows'), 'a super admin reads every day and row');
select tests.act_as('support@easymo.test');
select is((select count(*) from public.view_voucher_metrics) || '/' || (select count(*) from public.voucher_daily_metrics),
  current_setting('tests.view_rows') || '/' || current_setting('tests.rollup_rows'), 'support reads every day and row');
select tests.act_as('dataops@easymo.test');
select is((select count(*) from public.view_voucher_metrics) || '/' || (select count(*) from public.voucher_daily_metrics),
  current_setting('tests.view_rows') || '/' || current_setting('tests.rollup_rows'), 'data_ops reads every day and row');
select tests.act_as('readonly@easymo.test');
select is((select count(*) from public.view_voucher_metrics) || '/' || (select count(*) from public.voucher_daily_metrics),
  current_setting('tests.view_rows') || '/' || current_setting('tests.rollup_rows'), 'readonly reads every day and row');
select tests.act_as_service();
select is((select count(*) from public.view_voucher_metrics) || '/' || (select count(*) from public.voucher_daily_metrics),
  current_setting('tests.view_rows') || '/' || current_setting('tests.rollup_rows'), 'the service role reads every day and row');

select tests.act_as('operator@easymo.test');
select is((select count(*)::int from public.view_voucher_metrics), 0, 'an operator reads no day of the view');
select is((select count(*)::int from public.voucher_daily_metrics), 0, 'nor of the rollup');

select tests.act_as_anon();
select throws_ok('select * from public.view_voucher_metrics', '42501', null, 'anon is refused the view');
select throws_ok('select * from public.voucher_daily_metrics', '42501', null, 'and the rollup');

-- ── who writes: nobody but the trigger ──────────────────────────────────────────────
select tests.act_as('admin@easymo.test');
select throws_ok($$insert into public.voucher_daily_metrics (day, event_type, count, amount) values ('2020-01-01', 'issued', 1, 1)$$,
  '42501', null, 'a super admin cannot insert into the rollup');
select throws_ok($$update public.voucher_daily_metrics set count = count + 1$$, '42501', null, 'nor update it');
select throws_ok($$delete from public.voucher_daily_metrics$$, '42501', null, 'nor delete from it');
select throws_ok($$insert into public.view_voucher_metrics (day) values ('2020-01-01')$$, '55000', null,
  'nor write the view (an aggregate: never updatable, and no one holds a write grant)');
select tests.act_as_service();
select throws_ok($$insert into public.voucher_daily_metrics (day, event_type, count, amount) values ('2020-01-01', 'issued', 1, 1)$$,
  '42501', null, 'the service role cannot insert into the rollup');
select throws_ok($$update public.voucher_daily_metrics set count = count + 1$$, '42501', null, 'nor update it');
select throws_ok($$delete from public.voucher_daily_metrics$$, '42501', null, 'nor delete from it');
select tests.act_as('operator@easymo.test');
select throws_ok($$insert into public.voucher_daily_metrics (day, event_type, count, amount) values ('2020-01-01', 'issued', 1, 1)$$,
  '42501', null, 'an operator cannot insert into the rollup');
select tests.act_as_anon();
select throws_ok($$insert into public.voucher_daily_metrics (day, event_type, count, amount) values ('2020-01-01', 'issued', 1, 1)$$,
  '42501', null, 'nor can anon');

-- ── a truncate of the events (a stack reset) empties the rollup with them ───────────
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
truncate public.voucher_events;
select is((select count(*)::int from public.voucher_daily_metrics), 0, 'truncating the events clears the rollup');

select * from finish();
rollback;
