-- Redemption at a station, as the station operators themselves (their JWT): the
-- station's configuration, what a code shows on the pump display, redeeming exactly once
-- (online and from the offline queue, judged at the device's capture time, idempotent by
-- key), and the guessing defence. Every answer is checked, and so is what it left behind
-- (voucher row, voucher_events, audit_log, voucher_redemptions, code_attempts).
--
-- operator@  (a000…005) operates Engen Kacyiru   (b000…001)
-- operator2@ (a000…006) operates Engen Nyabugogo (b000…002)
begin;
set local search_path = public, extensions, tests;
select plan(70);

-- ── helpers and fixtures (live only inside this transaction) ────────────────────────
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);

-- Known limits, whatever the stack's settings are at the moment.
update public.settings set value = '{"attempt_limit": 10, "attempt_window_minutes": 10, "offline_max_age_hours": 72,
  "clock_skew_minutes": 10, "offline_max_count": 50, "offline_max_total": 500000}'
 where key = 'redemption';
-- Failures other work left at these stations or by these operators would count here.
delete from public.code_attempts
 where station_id in ('b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002')
    or operator_id in ('a0000000-0000-4000-8000-000000000005', 'a0000000-0000-4000-8000-000000000006');

create temp table fx (label text primary key, id uuid not null);

-- A voucher for driver c000…001 (+250788100001) walked to a status by legal steps.
create function tests.fixture(label text, status text, scope uuid default null,
                              issued timestamptz default now() - interval '1 day',
                              expires timestamptz default now() + interval '30 days',
                              redeemed timestamptz default null, redeemed_station uuid default null) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  v uuid;
begin
  insert into public.vouchers (user_id, station_scope, amount, issued_at, expires_at, metadata)
  values ('c0000000-0000-4000-8000-000000000001', scope, 5000, issued, expires, jsonb_build_object('fixture', label))
  returning id into v;
  if status in ('sent', 'redeemed') then
    update public.vouchers set status = 'sent' where id = v;
  end if;
  if status = 'redeemed' then
    update public.vouchers set status = 'redeemed', redeemed_at = redeemed, redeemed_station_id = redeemed_station where id = v;
  elsif status in ('void', 'expired') then
    update public.vouchers set status = fixture.status where id = v;
  end if;
  insert into pg_temp.fx values (label, v);
  return v;
end
$$;

create function tests.fx(label text) returns uuid
language sql stable security definer set search_path = '' as $$
  select f.id from pg_temp.fx f where f.label = fx.label
$$;
create function tests.code(label text) returns text
language sql stable security definer set search_path = '' as $$
  select v.code5::text from public.vouchers v where v.id = tests.fx(label)
$$;
-- What the tables hold, whatever the caller may read.
create function tests.voucher_row(label text) returns public.vouchers
language sql stable security definer set search_path = '' as $$
  select * from public.vouchers v where v.id = tests.fx(label)
$$;
create function tests.events(label text, kind text default null) returns bigint
language sql stable security definer set search_path = '' as $$
  select count(*) from public.voucher_events e where e.voucher_id = tests.fx(label) and (kind is null or e.event_type = kind)
$$;
create function tests.event(label text, kind text) returns public.voucher_events
language sql stable security definer set search_path = '' as $$
  select * from public.voucher_events e where e.voucher_id = tests.fx(label) and e.event_type = kind order by e.created_at desc limit 1
$$;
create function tests.stored(key uuid) returns public.voucher_redemptions
language sql stable security definer set search_path = '' as $$
  select * from public.voucher_redemptions r where r.idempotency_key = key
$$;
create function tests.stored_count(key uuid) returns bigint
language sql stable security definer set search_path = '' as $$
  select count(*) from public.voucher_redemptions r where r.idempotency_key = key
$$;
create function tests.attempts(operator_email text) returns bigint
language sql stable security definer set search_path = '' as $$
  select count(*) from public.code_attempts a where a.operator_id = tests.uid(operator_email)
$$;
create function tests.blocked_audits(station uuid) returns bigint
language sql stable security definer set search_path = '' as $$
  select count(*) from public.audit_log a where a.target_table = 'code_attempts' and a.target_id = station::text and a.seq is null
$$;
create function tests.clear_attempts() returns void
language sql security definer set search_path = '' as $$
  delete from public.code_attempts
   where station_id in ('b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002')
      or operator_id in ('a0000000-0000-4000-8000-000000000005', 'a0000000-0000-4000-8000-000000000006')
$$;
create function tests.redeem_audits(label text) returns bigint
language sql stable security definer set search_path = '' as $$
  select count(*) from public.audit_log a
   where a.target_table = 'vouchers' and a.target_id = tests.fx(label)::text and a.action = 'update'
     and a.diff #>> '{after,status}' = 'redeemed' and a.actor_id = tests.uid('operator@easymo.test') and a.seq is null
$$;
-- Failures on a station's count under another account (a stand-in colleague).
create function tests.fail_at_station(station uuid, times int) returns void
language sql security definer set search_path = '' as $$
  insert into public.code_attempts (station_id, operator_id, code5, outcome)
  select station, tests.uid('admin@easymo.test'), '#STN', 'not_found' from generate_series(1, times)
$$;
-- Idempotency keys of this file: 09000000-…-0000000000NN.
create function tests.key(n int) returns uuid
language sql immutable as $$
  select ('09000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

select tests.fixture('ok', 'sent');
select tests.fixture('other', 'sent', scope => 'b0000000-0000-4000-8000-000000000002');
select tests.fixture('void', 'void');
select tests.fixture('expired', 'expired', issued => now() - interval '40 days', expires => now() - interval '10 days');
select tests.fixture('lapsed', 'sent', issued => now() - interval '5 days', expires => now() - interval '1 hour');
select tests.fixture('issued', 'issued');
select tests.fixture('here', 'redeemed', redeemed => now() - interval '1 hour',
                     redeemed_station => 'b0000000-0000-4000-8000-000000000001');
select tests.fixture('there', 'redeemed', redeemed => now() - interval '1 hour',
                     redeemed_station => 'b0000000-0000-4000-8000-000000000002');
select tests.fixture('late', 'sent', issued => now() - interval '5 days', expires => now() - interval '1 hour');
select tests.fixture('guess', 'sent');

-- ── the station's configuration ─────────────────────────────────────────────────────
select tests.act_as('operator@easymo.test');
select is(app.station_config() -> 'station',
  '{"id": "b0000000-0000-4000-8000-000000000001", "name": "Engen Kacyiru", "engencode": "KGL-KCY-01"}'::jsonb,
  'an operator''s configuration names the station they operate');
select is(app.station_config() -> 'operator',
  '{"id": "a0000000-0000-4000-8000-000000000005", "email": "operator@easymo.test"}'::jsonb,
  'and the operator');
select is(app.station_config() -> 'offline',
  '{"max_count": 50, "max_total": 500000, "max_age_hours": 72, "clock_skew_minutes": 10}'::jsonb,
  'and the limits of the offline queue from settings.redemption');
select is(app.station_config() -> 'attempts', '{"limit": 10, "window_minutes": 10}'::jsonb,
  'and the guessing limits');
select tests.act_as('admin@easymo.test');
select throws_ok('select app.station_config()', '42501', null, 'an admin who operates no station gets no station configuration');

-- ── lookup: what the pump display shows ─────────────────────────────────────────────
select tests.act_as('operator@easymo.test');
select is(app.lookup_voucher(tests.code('ok')),
  jsonb_build_object('ok', true, 'voucher', jsonb_build_object(
    'voucher_id', tests.fx('ok'), 'code5', tests.code('ok'), 'amount', 5000, 'currency', 'RWF', 'status', 'sent',
    'expires_at', (tests.voucher_row('ok')).expires_at, 'masked_msisdn', '+25078*****01', 'redeemable', true)),
  'a sent voucher looked up by its code is shown redeemable, with the driver''s number masked');
select is(app.lookup_voucher(tests.code('ok'), tests.fx('ok')) #>> '{voucher,voucher_id}', tests.fx('ok')::text,
  'a code with its QR token''s voucher id finds the voucher');
select is(app.lookup_voucher(tests.code('ok'), tests.fx('guess')) -> 'error' ->> 'code', 'not_found',
  'a code with another voucher''s id is not found');
select is(tests.attempts('operator@easymo.test'), 0::bigint, 'a genuine QR is no guess: that miss is not counted');
select is(app.lookup_voucher(tests.code('other')) -> 'error' ->> 'code', 'wrong_station',
  'a voucher scoped to another station is refused as wrong_station');
select is(tests.attempts('operator@easymo.test'), 1::bigint, 'and counted as a failed attempt');
select is(app.lookup_voucher(tests.code('void')) -> 'error' ->> 'code', 'void', 'a void voucher is refused as void');
select is(app.lookup_voucher(tests.code('expired')) -> 'error' ->> 'code', 'expired', 'an expired voucher is refused as expired');
select is(app.lookup_voucher(tests.code('lapsed')) -> 'error' ->> 'code', 'expired',
  'a sent voucher past its expiry (not swept yet) is refused as expired');
select is(app.lookup_voucher(tests.code('issued')) -> 'error' ->> 'code', 'not_found',
  'a voucher never sent to its driver does not exist for a station (not_found)');
select is((select jsonb_build_object('ok', r -> 'ok', 'redeemable', r #> '{voucher,redeemable}', 'reason', r #> '{voucher,reason}')
             from (select app.lookup_voucher(tests.code('here')) as r) answer),
  '{"ok": true, "redeemable": false, "reason": "already_redeemed"}'::jsonb,
  'a voucher redeemed at this station is shown, not redeemable');
select is(app.lookup_voucher(tests.code('there')) -> 'error' ->> 'code', 'already_redeemed',
  'a voucher redeemed at another station is refused as already_redeemed');
select is(tests.attempts('operator@easymo.test'), 2::bigint,
  'only typed codes that find nothing here (unknown, never sent, another station''s) count as failed attempts');

-- ── redeem: exactly once ────────────────────────────────────────────────────────────
select is(app.redeem_voucher(tests.key(1), tests.code('ok'), null, now(), false, 'hash-1'),
  jsonb_build_object('ok', true, 'redemption', jsonb_build_object(
    'idempotency_key', tests.key(1), 'voucher_id', tests.fx('ok'), 'code5', tests.code('ok'), 'amount', 5000,
    'currency', 'RWF', 'redeemed_at', now(), 'offline', false, 'replayed', false)),
  'a sent voucher is redeemed: the answer names the voucher, the time and the key');
select is(row((tests.voucher_row('ok')).status, (tests.voucher_row('ok')).redeemed_station_id, (tests.voucher_row('ok')).redeemed_at)::text,
  row('redeemed', 'b0000000-0000-4000-8000-000000000001'::uuid, now())::text,
  'the voucher is now redeemed at the operator''s station');
select is(tests.events('ok', 'redeemed'), 1::bigint, 'exactly one redeemed event is written');
select is(row((tests.event('ok', 'redeemed')).station_id, (tests.event('ok', 'redeemed')).actor_id,
              (tests.event('ok', 'redeemed')).context ->> 'idempotency_key')::text,
  row('b0000000-0000-4000-8000-000000000001'::uuid, tests.uid('operator@easymo.test'), tests.key(1)::text)::text,
  'the event names the station, the operator and the key');
select is(tests.redeem_audits('ok'), 1::bigint, 'exactly one audit_log update row records the redemption, by the operator');

select is(app.redeem_voucher(tests.key(2), tests.code('ok'), null, now(), false, 'hash-2') -> 'error' ->> 'code',
  'already_redeemed', 'a second redemption under another key is refused as already_redeemed');
select is(tests.events('ok'), 3::bigint, 'and writes no event (issued, sent, redeemed only)');
select is((tests.stored(tests.key(2))).voucher_id, tests.fx('ok'),
  'the stored refusal names the voucher it was about');
select is(app.redeem_voucher(tests.key(1), tests.code('ok'), null, now(), false, 'hash-1'),
  jsonb_set((tests.stored(tests.key(1))).result, '{redemption,replayed}', 'true') || '{"replayed": true}',
  'the same key again gets the first answer, marked replayed');
select is(app.redeem_voucher(tests.key(2), tests.code('ok'), null, now(), false, 'hash-2'),
  (tests.stored(tests.key(2))).result || '{"replayed": true}',
  'a stored refusal is replayed too');
select is(tests.events('ok'), 3::bigint, 'replays write no event');
select throws_ok($$select app.redeem_voucher(tests.key(1), tests.code('ok'), null, now(), false, 'hash-other')$$,
  'P0422', null, 'the same key with another request is refused');
select tests.act_as('operator2@easymo.test');
select throws_ok($$select app.redeem_voucher(tests.key(1), tests.code('ok'), null, now(), false, 'hash-1')$$,
  'P0422', null, 'the same key from another station''s operator is refused');
select tests.act_as('operator@easymo.test');

select is(app.redeem_voucher(tests.key(3), tests.code('issued'), null, now(), false, 'hash-3') -> 'error' ->> 'code',
  'not_found', 'a voucher never sent is not redeemed, and not revealed (not_found)');
select is(app.redeem_voucher(tests.key(4), tests.code('other'), null, now(), false, 'hash-4') -> 'error' ->> 'code',
  'wrong_station', 'a voucher scoped to another station is not redeemed (wrong_station)');
select is(app.redeem_voucher(tests.key(5), tests.code('lapsed'), null, now(), false, 'hash-5') -> 'error' ->> 'code',
  'expired', 'a voucher past its expiry is not redeemed (expired)');
select is(row((tests.voucher_row('issued')).status, (tests.voucher_row('other')).status, (tests.voucher_row('lapsed')).status)::text,
  '(issued,sent,sent)', 'refused vouchers keep their status');
select is(tests.attempts('operator@easymo.test'), 4::bigint,
  'of these refusals the never-sent and the wrong-station ones count as failed attempts');
select is((tests.stored(tests.key(3))).voucher_id, null::uuid, 'the record of a miss does not name the undelivered voucher');
select is(app.redeem_voucher(tests.key(6), tests.code('guess'), null, now() + interval '11 minutes', true, 'hash-6') -> 'error' ->> 'code',
  'capture_rejected', 'a capture time beyond the clock skew in the future is rejected');
select is(app.redeem_voucher(tests.key(7), tests.code('guess'), null, now() - interval '73 hours', true, 'hash-7') -> 'error' ->> 'code',
  'capture_rejected', 'a capture older than offline_max_age_hours is rejected');
select is((tests.voucher_row('guess')).status, 'sent', 'a rejected capture leaves the voucher unredeemed');

select is(app.redeem_voucher(tests.key(8), tests.code('late'), tests.fx('late'), now() - interval '2 hours', true, 'hash-8')
            #> '{redemption,offline}', 'true'::jsonb,
  'a voucher captured offline before its expiry is redeemed after it, flagged offline');
select is(row((tests.voucher_row('late')).status, (tests.voucher_row('late')).redeemed_at)::text,
  row('redeemed', now() - interval '2 hours')::text, 'its redemption time is the capture time');
select is(row((tests.stored(tests.key(8))).offline, (tests.event('late', 'redeemed')).context -> 'offline')::text,
  row(true, 'true'::jsonb)::text, 'the stored request and the event are flagged offline');

select is((select jsonb_object_agg(k.n, (tests.stored(tests.key(k.n))).result_code) from generate_series(1, 8) k (n)),
  '{"1": "redeemed", "2": "already_redeemed", "3": "not_found", "4": "wrong_station", "5": "expired",
    "6": "capture_rejected", "7": "capture_rejected", "8": "redeemed"}'::jsonb,
  'every answer is stored under its key with its result code');
select is((select sum(tests.stored_count(tests.key(k.n))) from generate_series(1, 8) k (n)), 8::numeric,
  'once per key, replays included');
select is((tests.stored(tests.key(6))).result,
  '{"ok": false, "error": {"code": "capture_rejected", "message": "the device clock is ahead: captured_at is in the future"}}'::jsonb,
  'a refusal is stored as the ok:false answer that was given');

-- ── guessing defence ────────────────────────────────────────────────────────────────
select tests.clear_attempts();
-- ZZ001…ZZ010: well-formed codes no voucher has (a clash among 33.5 M codes is not a worry here).
select is((select count(*) from generate_series(1, 10) g (n)
            where app.lookup_voucher('ZZ' || lpad(g.n::text, 3, '0')) -> 'error' ->> 'code' = 'not_found'),
  10::bigint, 'ten unknown codes are each not found');
select is(tests.attempts('operator@easymo.test'), 10::bigint, 'and each is counted');
select is(app.lookup_voucher(tests.code('guess')) -> 'error' ->> 'code', 'too_many_attempts',
  'after attempt_limit failures even a valid code gets too_many_attempts');
select is((app.lookup_voucher(tests.code('guess')) #>> '{error,retry_after}')::int, 600,
  'retry_after counts the seconds until the failures leave the 10-minute window');
select is(tests.blocked_audits('b0000000-0000-4000-8000-000000000001'), 1::bigint,
  'the block is audited once for the station''s window');
select is(row((tests.event('guess', 'policy_blocked')).context ->> 'reason', (tests.event('guess', 'policy_blocked')).station_id,
              tests.events('guess', 'policy_blocked'))::text,
  row('too_many_attempts', 'b0000000-0000-4000-8000-000000000001'::uuid, 1::bigint)::text,
  'a policy_blocked event is written on the presented voucher');
select is(app.lookup_voucher('ZZ999') -> 'error' ->> 'code', 'too_many_attempts', 'an unknown code is blocked as well');
select is(tests.attempts('operator@easymo.test'), 10::bigint, 'blocked lookups are not counted as more failures');
select is(app.redeem_voucher(tests.key(9), tests.code('guess'), null, now(), false, 'hash-9') -> 'error' ->> 'code',
  'too_many_attempts', 'redeeming is blocked too');
select is(row(tests.blocked_audits('b0000000-0000-4000-8000-000000000001'), tests.events('guess', 'policy_blocked'))::text,
  '(1,1)', 'repeated blocked calls add no audit row and no event within the window');
select is(row(tests.stored_count(tests.key(9)), (tests.voucher_row('guess')).status)::text, '(0,sent)',
  'a blocked redemption stores nothing under its key and redeems nothing');
select tests.clear_attempts(); -- the window has passed
select is(app.redeem_voucher(tests.key(9), tests.code('guess'), null, now(), false, 'hash-9') -> 'ok', 'true'::jsonb,
  'once unblocked the same key redeems');
select is((tests.voucher_row('guess')).status, 'redeemed', 'and the voucher is redeemed');

-- The seed has no second operator at Kacyiru (operator@ is its only active operator;
-- operator2@ works at Nyabugogo), so "a colleague at the same station is blocked by the
-- station's count" cannot be shown with seed accounts. Instead, ten failures are put on
-- Kacyiru's count under another account (a stand-in colleague): operator@, with no
-- failures of their own, is then blocked by the station's count alone.
select tests.clear_attempts();
select tests.fail_at_station('b0000000-0000-4000-8000-000000000001', 10);
select is(app.lookup_voucher(tests.code('void')) -> 'error' ->> 'code', 'too_many_attempts',
  'the station''s count blocks an operator with no failures of their own');
select tests.act_as('operator2@easymo.test');
select is(app.lookup_voucher(tests.code('other')) -> 'ok', 'true'::jsonb, 'another station is not blocked by it');

-- Failures a minute apart, and the limit lowered below their count meanwhile: the
-- lock-out lasts until enough have left the window for the count to fall under the limit
-- (9 failures, limit 5: the 5th oldest, 5 minutes ago, must leave), not until the oldest leaves.
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
select tests.clear_attempts();
insert into public.code_attempts (station_id, operator_id, code5, outcome, created_at)
select 'b0000000-0000-4000-8000-000000000002', tests.uid('operator2@easymo.test'), 'ZZ' || lpad(g.n::text, 3, '0'),
       'not_found', now() - make_interval(mins => 10 - g.n)
  from generate_series(1, 9) g (n);
update public.settings set value = value || '{"attempt_limit": 5}' where key = 'redemption';
select tests.act_as('operator2@easymo.test');
select is((app.lookup_voucher('ZZ999') #>> '{error,retry_after}')::int, 300,
  'retry_after waits until the count is under the limit again, not just for the oldest failure');
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
update public.settings set value = value || '{"attempt_limit": 10}' where key = 'redemption';
select tests.clear_attempts();

-- ── who may call what ───────────────────────────────────────────────────────────────
select tests.act_as('support@easymo.test');
select throws_ok($$select app.guard_attempts('b0000000-0000-4000-8000-000000000001', 'AAAAA')$$, '42501', null,
  'a signed-in non-operator cannot call the attempt guard directly');
select throws_ok($$select app.record_failed_attempt('b0000000-0000-4000-8000-000000000001', 'AAAAA', 'not_found')$$, '42501', null,
  'nor record failed attempts');
select tests.act_as('operator@easymo.test');
select throws_ok($$select app.record_failed_attempt('b0000000-0000-4000-8000-000000000002', 'AAAAA', 'not_found')$$, '42501', null,
  'nor can an operator (to block another station)');
-- ── a code is exactly 5 Crockford characters: longer ones are refused, not cut ───────
select tests.act_as('operator@easymo.test');
select throws_ok($$select app.lookup_voucher('A9NVCQ')$$, '22P02', null,
  'a 6-character code is refused, not cut to the seeded voucher A9NVC');
select throws_ok($$select app.redeem_voucher('09000000-0000-4000-8000-000000000098', 'A9NVCQ', null, now(), false, 'h')$$,
  '22P02', null, 'and cannot be redeemed');
select is((select count(*)::int from public.voucher_redemptions where idempotency_key = '09000000-0000-4000-8000-000000000098'), 0,
  'nothing is stored for it');

select tests.act_as_anon();
select throws_ok($$select app.lookup_voucher('AAAAA')$$, '42501', null, 'anon cannot look codes up');
select throws_ok($$select app.redeem_voucher('09000000-0000-4000-8000-000000000099', 'AAAAA', null, now(), false, 'h')$$,
  '42501', null, 'anon cannot redeem');

select * from finish();
rollback;
