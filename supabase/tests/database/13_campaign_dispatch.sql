-- Sending campaigns: the sliding-window throttle walked with a simulated clock, the send
-- queue kept by triggers, and the dispatcher's steps (claim, begin, record, defer, fail),
-- WhatsApp's status webhooks, drained campaigns, retrying failed targets and opt-outs.
-- Each call is checked by its answer and by what it left in campaign_targets,
-- campaign_send_queue, vouchers, send_counts and audit_log. (Concurrent dispatchers and
-- SKIP LOCKED across sessions are tested by the scheduler's own tests.)
begin;
set local search_path = public, extensions, tests;
select plan(150);

-- ── helpers and fixtures (live only inside this transaction) ────────────────────────
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);

-- Claims see every running campaign: only this file's run while it runs.
update public.campaigns set status = 'paused' where status = 'running';
-- Throttle channels of this file: pgtap13_*.
update public.settings set value = value || '{"pgtap13_walk": {"per_minute": 120}, "pgtap13_odd": {"per_minute": 30},
  "pgtap13_share": {"per_minute": 600}, "pgtap13_off": {"per_minute": 0}, "pgtap13_pause": {"per_minute": 60},
  "pgtap13_late": {"per_minute": 3}}'
 where key = 'send_throttle';

-- Campaigns and targets of this file, by label.
create temp table fx (label text primary key, id uuid not null unique);
-- What claims returned, by claim.
create temp table claims (claim text not null, target_id uuid not null, answer jsonb not null);
-- Sends granted while walking a simulated clock (seconds after the start).
create temp table walk (channel text not null, at numeric not null, available integer not null, granted integer not null);
-- What begin answered.
create temp table begun (target_id uuid not null, voucher_id uuid);
grant all on table pg_temp.claims, pg_temp.walk, pg_temp.begun to service_role;

create function tests.fx(label text) returns uuid
language sql stable security definer set search_path = '' as $$
  select f.id from pg_temp.fx f where f.label = fx.label
$$;
create function tests.labels(ids uuid[]) returns text[]
language sql stable security definer set search_path = '' as $$
  select coalesce(array_agg(coalesce(f.label, '?' || i::text) order by coalesce(f.label, '?' || i::text) collate "C"), '{}')
    from unnest(ids) i left join pg_temp.fx f on f.id = i
$$;
create function tests.ids(labels text[]) returns uuid[]
language sql stable security definer set search_path = '' as $$
  select array_agg(tests.fx(l)) from unnest(labels) l
$$;

-- A campaign walked from draft to a status.
create function tests.campaign(label text, kind text, status text, metadata jsonb default '{}') returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  c uuid;
begin
  insert into public.campaigns (name, type, template_id, metadata)
  values ('pgtap-13 ' || label, kind, 'pgtap13_template', metadata) returning id into c;
  if status <> 'draft' then
    update public.campaigns set status = 'running' where id = c;
  end if;
  if status in ('paused', 'done') then
    update public.campaigns set status = campaign.status where id = c;
  end if;
  insert into pg_temp.fx values (label, c);
  return c;
end
$$;
create function tests.set_campaign(label text, status text) returns void
language sql security definer set search_path = '' as $$
  update public.campaigns set status = set_campaign.status where id = tests.fx(label)
$$;
create function tests.campaign_row(label text) returns public.campaigns
language sql stable security definer set search_path = '' as $$
  select * from public.campaigns c where c.id = tests.fx(label)
$$;

-- A target walked from queued along legal steps (path: the statuses after queued).
create function tests.target(label text, campaign text, msisdn text, path text[] default '{}',
                             message_id text default null) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  t uuid;
  step text;
begin
  insert into public.campaign_targets (campaign_id, msisdn, personalized_vars)
  values (tests.fx(campaign), msisdn, jsonb_build_object('name', label)) returning id into t;
  foreach step in array path loop
    update public.campaign_targets
       set status = step, message_id = case when step = 'sent' then target.message_id else campaign_targets.message_id end
     where id = t;
  end loop;
  insert into pg_temp.fx values (label, t);
  return t;
end
$$;
create function tests.trow(label text) returns public.campaign_targets
language sql stable security definer set search_path = '' as $$
  select * from public.campaign_targets t where t.id = tests.fx(label)
$$;
create function tests.qrow(label text) returns public.campaign_send_queue
language sql stable security definer set search_path = '' as $$
  select * from public.campaign_send_queue q where q.target_id = tests.fx(label)
$$;
create function tests.queued(label text) returns bigint
language sql stable security definer set search_path = '' as $$
  select count(*) from public.campaign_send_queue q where q.target_id = tests.fx(label)
$$;
create function tests.queue_of(campaign text) returns bigint
language sql stable security definer set search_path = '' as $$
  select count(*) from public.campaign_send_queue q where q.campaign_id = tests.fx(campaign)
$$;
-- Moves a queue row's bookkeeping (as another dispatcher or an earlier tick left it).
create function tests.set_queue(label text, next_at timestamptz, lease timestamptz default null,
                                started timestamptz default null) returns void
language sql security definer set search_path = '' as $$
  update public.campaign_send_queue
     set next_attempt_at = next_at, lease_until = lease, send_started_at = started
   where target_id = tests.fx(label)
$$;
-- The audit rows about a target (this transaction's are unsealed; earlier ones count too).
create function tests.audits(label text) returns bigint
language sql stable security definer set search_path = '' as $$
  select count(*) from public.audit_log a where a.target_table = 'campaign_targets' and a.target_id = tests.fx(label)::text
$$;
create function tests.last_audit(label text) returns public.audit_log
language sql stable security definer set search_path = '' as $$
  select * from public.audit_log a where a.target_table = 'campaign_targets' and a.target_id = tests.fx(label)::text
   order by a.stage desc limit 1
$$;
-- Audit rows about a target since the snapshot in tests.audits_record.
create function tests.new_audits(label text) returns bigint
language sql stable security definer set search_path = '' as $$
  select tests.audits(label) - (current_setting('tests.audits_record')::jsonb ->> label)::bigint
$$;
create function tests.claimed(claim text) returns text[]
language sql stable security definer set search_path = '' as $$
  select tests.labels(coalesce(array_agg(c.target_id), '{}')) from pg_temp.claims c where c.claim = claimed.claim
$$;
create function tests.answer(claim text, label text) returns jsonb
language sql stable security definer set search_path = '' as $$
  select c.answer from pg_temp.claims c where c.claim = answer.claim and c.target_id = tests.fx(label)
$$;
create function tests.vouchers_of(campaign text) returns setof public.vouchers
language sql stable security definer set search_path = '' as $$
  select * from public.vouchers v where v.campaign_id = tests.fx(campaign)
$$;
create function tests.voucher_of(label text) returns public.vouchers
language sql stable security definer set search_path = '' as $$
  select v.* from public.vouchers v join public.campaign_targets t on t.voucher_id = v.id where t.id = tests.fx(label)
$$;
create function tests.user_id(msisdn text) returns uuid
language sql stable security definer set search_path = '' as $$
  select u.id from public.users u where u.msisdn = user_id.msisdn
$$;

-- Asks the throttle for `wanted` sends every `step` seconds for `steps` steps from the
-- start, noting what send_slots_available said just before.
create function tests.walk(channel text, wanted integer, steps integer, step numeric) returns void
language plpgsql security definer set search_path = '' as $$
declare
  clock timestamptz;
  available integer;
begin
  for i in 0 .. steps - 1 loop
    clock := '2030-01-01T00:00:00Z'::timestamptz + make_interval(secs => i * step);
    available := app.send_slots_available(channel, clock);
    insert into pg_temp.walk values (channel, i * step, available, app.take_send_slots(channel, wanted, clock));
  end loop;
end
$$;
-- The most sends granted within any `span` seconds [t, t + span) of a walk (a busiest
-- window starts at a grant).
create function tests.busiest(channel text, span numeric) returns bigint
language sql stable security definer set search_path = '' as $$
  select max((select sum(b.granted) from pg_temp.walk b where b.channel = busiest.channel and b.at >= a.at and b.at < a.at + span))
    from pg_temp.walk a where a.channel = busiest.channel and a.granted > 0
$$;
-- The fewest sends granted within any `span` seconds of a walk after its first minute.
create function tests.quietest(channel text, span numeric) returns bigint
language sql stable security definer set search_path = '' as $$
  select min((select coalesce(sum(b.granted), 0) from pg_temp.walk b
               where b.channel = quietest.channel and b.at >= a.at and b.at < a.at + span))
    from pg_temp.walk a
   where a.channel = quietest.channel and a.at >= 60
     and a.at + span <= (select max(m.at) from pg_temp.walk m where m.channel = quietest.channel)
$$;
create function tests.granted(channel text, from_at numeric, to_at numeric) returns bigint
language sql stable security definer set search_path = '' as $$
  select coalesce(sum(w.granted), 0) from pg_temp.walk w where w.channel = granted.channel and w.at >= from_at and w.at < to_at
$$;
create function tests.simulated(seconds numeric) returns timestamptz
language sql immutable as $$
  select '2030-01-01T00:00:00Z'::timestamptz + make_interval(secs => seconds)
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

-- ════════════════════════════════════════════════════════════════════════════════
-- Throttle (service role, simulated clock from 2030-01-01T00:00:00Z)
-- ════════════════════════════════════════════════════════════════════════════════
select tests.act_as_service();
select is(array[app.send_per_minute('pgtap13_walk'), app.send_per_minute('pgtap13_unset')], array[120, 60],
  'a channel''s budget comes from settings.send_throttle, 60 a minute when unset');

-- 120 a minute, a lot asked every second for 200 seconds.
select tests.walk('pgtap13_walk', 1000, 200, 1);
select cmp_ok(tests.busiest('pgtap13_walk', 60), '<=', 120::bigint, 'never more than 120 sends in any 60 seconds');
select cmp_ok(tests.busiest('pgtap13_walk', 61), '<=', 120::bigint, 'nor in any 61 seconds (the window counts 61 whole seconds)');
select is((select max(w.granted) from pg_temp.walk w where w.channel = 'pgtap13_walk'), 2,
  'at most a sixtieth of the budget (2) goes in one second');
select is(tests.granted('pgtap13_walk', 0, 60), 120::bigint, 'the first minute''s budget is used within the minute');
select cmp_ok(tests.quietest('pgtap13_walk', 60), '>=', ceil(0.95 * 120)::bigint,
  'in steady state every 60 seconds use at least 95 % of the allowance');
select is((select count(*) from pg_temp.walk w where w.channel = 'pgtap13_walk' and w.granted <> least(1000, w.available)), 0::bigint,
  'send_slots_available said every time what would be granted');
select is((select min(n.second) >= tests.simulated(199 - 120) from public.send_counts n where n.channel = 'pgtap13_walk'), true,
  'counts older than two minutes are dropped');

-- 30 a minute, asked every 0.7 s (the clock crosses seconds unevenly).
select tests.walk('pgtap13_odd', 50, 300, 0.7);
select cmp_ok(tests.busiest('pgtap13_odd', 60), '<=', 30::bigint, 'with an uneven clock, never more than 30 in any 60 seconds');
select cmp_ok(tests.quietest('pgtap13_odd', 60), '>=', ceil(0.95 * 30)::bigint,
  'and every 60 seconds in steady state use at least 95 % of the allowance');
select is((select count(*) from pg_temp.walk w where w.channel = 'pgtap13_odd' and w.granted <> least(50, w.available)), 0::bigint,
  'and send_slots_available said what would be granted');

-- The share of a second: 600 a minute is 10 a second.
select is(app.take_send_slots('pgtap13_share', 25, tests.simulated(0)), 10, 'a second grants at most its share (10 of 25)');
select is(app.take_send_slots('pgtap13_share', 5, tests.simulated(0.5)), 0, 'later in the same second, none');
select is(app.next_send_slot_at('pgtap13_share', tests.simulated(0.5)), tests.simulated(1),
  'the window is not full: the next send may go the next second');
select is(app.take_send_slots('pgtap13_share', 25, tests.simulated(1)), 10, 'where the next share is granted');
select is(app.take_send_slots('pgtap13_share', 0, tests.simulated(2)), 0, 'asking for none grants none');

-- A channel at 0 a minute is paused.
select is(app.send_slots_available('pgtap13_off', tests.simulated(0)), 0, 'a channel with 0 a minute has nothing available');
select is(app.take_send_slots('pgtap13_off', 5, tests.simulated(0)), 0, 'and grants nothing');
select is(app.next_send_slot_at('pgtap13_off', tests.simulated(0.4)), tests.simulated(60),
  'and says to look again in a minute');

-- WhatsApp asked us to back off.
select app.pause_send_channel('pgtap13_pause', tests.simulated(30));
select is(array[app.send_slots_available('pgtap13_pause', tests.simulated(10)), app.take_send_slots('pgtap13_pause', 5, tests.simulated(10))],
  array[0, 0], 'a paused channel has nothing available and grants nothing before the pause ends');
select is(app.next_send_slot_at('pgtap13_pause', tests.simulated(10)), tests.simulated(30), 'and says when it ends');
select app.pause_send_channel('pgtap13_pause', tests.simulated(20));
select is((select c.paused_until from public.send_channels c where c.channel = 'pgtap13_pause'), tests.simulated(30),
  'a shorter pause does not cut a longer one short');
select is(array[app.send_slots_available('pgtap13_pause', tests.simulated(30)), app.take_send_slots('pgtap13_pause', 5, tests.simulated(30))],
  array[1, 1], 'when the pause ends, sends are available and granted again');

-- 3 a minute: a full window, and a sender whose clock runs behind.
select is(array[app.take_send_slots('pgtap13_late', 1, tests.simulated(100)), app.take_send_slots('pgtap13_late', 1, tests.simulated(101)),
                app.take_send_slots('pgtap13_late', 1, tests.simulated(102))], array[1, 1, 1], 'three sends fill the window');
select is(app.next_send_slot_at('pgtap13_late', tests.simulated(103.5)), tests.simulated(161),
  'a full window frees up when its oldest second leaves it');
select is(array[app.take_send_slots('pgtap13_late', 5, tests.simulated(160)), app.take_send_slots('pgtap13_late', 5, tests.simulated(70)),
                app.take_send_slots('pgtap13_late', 5, tests.simulated(10))], array[0, 0, 0],
  'a sender whose clock runs behind cannot overfill the window (later seconds count too)');
select is(app.take_send_slots('pgtap13_late', 5, tests.simulated(161)), 1, 'at the time answered, a send is granted');
select is((select sum(n.used) from public.send_counts n where n.channel = 'pgtap13_late'), 4::bigint,
  'and the channel counts exactly the sends granted');

-- ════════════════════════════════════════════════════════════════════════════════
-- The send queue follows the targets' status
-- ════════════════════════════════════════════════════════════════════════════════
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
select tests.campaign('queue', 'promo', 'draft');
select tests.target('q_queued', 'queue', '+250788613001');
select is(row((tests.qrow('q_queued')).campaign_id, (tests.qrow('q_queued')).next_attempt_at, (tests.qrow('q_queued')).lease_until,
              (tests.qrow('q_queued')).send_started_at)::text,
  row(tests.fx('queue'), '-infinity'::timestamptz, null::timestamptz, null::timestamptz)::text,
  'a queued target gets a queue row, due at once');
select tests.target('q_throttled', 'queue', '+250788613002', '{queued_throttled}');
select is(tests.queued('q_throttled'), 1::bigint, 'a throttled target keeps its queue row');
select tests.target('q_sent', 'queue', '+250788613003', '{sent}', 'wamid.PGTAP13-Q3');
select tests.target('q_failed', 'queue', '+250788613004', '{failed}');
select tests.target('q_opted', 'queue', '+250788613005', '{opted_out}');
select is(array[tests.queued('q_sent'), tests.queued('q_failed'), tests.queued('q_opted')], array[0, 0, 0]::bigint[],
  'a sent, failed or opted-out target leaves the queue');
update public.campaign_targets set status = 'queued' where id = tests.fx('q_failed');
select is((tests.qrow('q_failed')).next_attempt_at, '-infinity'::timestamptz, 'a failed target queued again is back in the queue');
update public.campaign_targets set personalized_vars = '{"name": "x"}' where id = tests.fx('q_queued');
select is(tests.queue_of('queue'), 3::bigint, 'other changes of a target leave the queue alone');
select tests.set_campaign('queue', 'running');
select tests.set_campaign('queue', 'done');
select is(tests.queue_of('queue'), 0::bigint, 'a campaign that is done empties its queue');
select is((tests.trow('q_queued')).status, 'queued', 'its targets keep their status');

-- ════════════════════════════════════════════════════════════════════════════════
-- claim
-- ════════════════════════════════════════════════════════════════════════════════
select tests.campaign('claim', 'promo', 'draft', '{"quiet_hours": null, "throttle_bucket": "whatsapp"}');
select tests.campaign('claim_paused', 'promo', 'paused');
select tests.campaign('claim_draft', 'promo', 'draft');
select tests.target('c_due', 'claim', '+250788613101');
select tests.target('c_now', 'claim', '+250788613102');
select tests.set_queue('c_now', now());
select tests.target('c_later', 'claim', '+250788613103');
select tests.set_queue('c_later', now() + interval '1 second');
select tests.target('c_leased', 'claim', '+250788613104');
select tests.set_queue('c_leased', '-infinity', lease => now() + interval '30 seconds');
select tests.target('c_lease_over', 'claim', '+250788613105');
select tests.set_queue('c_lease_over', '-infinity', lease => now());
select tests.target('c_doubt', 'claim', '+250788613106');
select tests.set_queue('c_doubt', '-infinity', lease => now() - interval '4 minutes', started => now() - interval '5 minutes');
select tests.target('c_doubt_over', 'claim', '+250788613107');
select tests.set_queue('c_doubt_over', '-infinity', lease => now() - interval '9 minutes', started => now() - interval '10 minutes');
select tests.target('c_throttled', 'claim', '+250788613108', '{queued_throttled}');
select tests.target('c_opt_table', 'claim', '+250788613109');
insert into public.opt_outs (phone_e164, reason) values ('+250788613109', 'keyword:STOP');
select tests.target('c_opt_list', 'claim', '+250788613110', '{queued_throttled}');
update public.settings set value = value || jsonb_build_array(app.msisdn_hash('+250788613110')) where key = 'opt_out_list';
select tests.target('c_paused', 'claim_paused', '+250788613111');
select tests.target('c_draft', 'claim_draft', '+250788613112');
select tests.set_campaign('claim', 'running');

select tests.act_as_service();
select is(app.campaign_send_doubt(), interval '10 minutes', 'a send without an outcome is in doubt for 10 minutes');
select is(app.campaign_targets_due(now()), true, 'a running campaign has targets due');
insert into pg_temp.claims select 'first', c.target_id, to_jsonb(c) from app.claim_campaign_targets(3, 60, now()) c;
insert into pg_temp.claims select 'second', c.target_id, to_jsonb(c) from app.claim_campaign_targets(100, 60, now()) c;
insert into pg_temp.claims select 'third', c.target_id, to_jsonb(c) from app.claim_campaign_targets(100, 60, now()) c;
select is(cardinality(tests.claimed('first')), 3, 'a claim takes at most its batch');
select is((select count(*) from pg_temp.claims a join pg_temp.claims b on b.target_id = a.target_id
            where a.claim = 'first' and b.claim = 'second'), 0::bigint, 'a second claim in the same transaction returns none of the first''s');
select is((select array_agg(l order by l collate "C") from unnest(tests.claimed('first') || tests.claimed('second')) l),
  array['c_doubt_over', 'c_due', 'c_lease_over', 'c_now', 'c_opt_list', 'c_opt_table', 'c_throttled'],
  'together they lease every due row of the running campaign once: not a later one, a leased one, one in doubt for less than 10 minutes, nor a paused or draft campaign''s');
select is(tests.claimed('third'), '{}', 'a claim right after gets none of the leased rows');
select is(app.campaign_targets_due(now()), false,
  'then none is due: not a later one, a leased one, one in doubt, nor a paused or draft campaign''s');
select is(app.campaign_targets_due(now() + interval '1 second'), true, 'until the later one''s time comes');
select is(row((tests.qrow('c_due')).lease_until, (tests.qrow('c_due')).send_started_at)::text,
  row(now() + interval '60 seconds', null::timestamptz)::text, 'a claimed row is leased for lease_seconds');
select is(row((tests.qrow('c_doubt_over')).lease_until, (tests.qrow('c_doubt_over')).send_started_at)::text,
  row(now() + interval '60 seconds', null::timestamptz)::text, 'a claimed row that was in doubt is no longer');
select is(coalesce(tests.answer('first', 'c_due'), tests.answer('second', 'c_due')) - 'target_id',
  jsonb_build_object('campaign_id', tests.fx('claim'), 'msisdn', '+250788613101', 'vars', '{"name": "c_due"}'::jsonb,
                     'attempts', 0, 'voucher_id', null, 'campaign_type', 'promo', 'template_id', 'pgtap13_template',
                     'options', '{"quiet_hours": null, "throttle_bucket": "whatsapp"}'::jsonb, 'opted_out', false),
  'a claim returns what the send needs: number, variables, campaign, template and options');
select is((select jsonb_object_agg((tests.labels(array[c.target_id]))[1], c.answer -> 'opted_out') from pg_temp.claims c
            where c.claim in ('first', 'second') and c.target_id = any (tests.ids(array['c_opt_table', 'c_opt_list', 'c_throttled']))),
  '{"c_opt_table": true, "c_opt_list": true, "c_throttled": false}'::jsonb,
  'numbers in opt_outs or, hashed, in settings.opt_out_list are returned opted out');

insert into pg_temp.claims select 'doubt', c.target_id, to_jsonb(c) from app.claim_campaign_targets(100, 60, now() + interval '5 minutes 1 second') c;
select is(tests.claimed('doubt'),
  array['c_doubt', 'c_doubt_over', 'c_due', 'c_later', 'c_lease_over', 'c_leased', 'c_now', 'c_opt_list', 'c_opt_table', 'c_throttled'],
  'once the leases ran out and the doubt is over, every row of the running campaign is claimed again');

select set_config('tests.audits_before_mark', (tests.audits('c_opt_list'))::text, true);
select is(app.mark_targets_opted_out(tests.ids(array['c_opt_table', 'c_opt_list'])), 2, 'opted-out targets are marked');
select is(array[(tests.trow('c_opt_table')).status, (tests.trow('c_opt_list')).status], array['opted_out', 'opted_out'],
  'as opted_out, a throttled one too');
select is(tests.queued('c_opt_table') + tests.queued('c_opt_list'), 0::bigint, 'and leave the queue');
select is(tests.audits('c_opt_list') - current_setting('tests.audits_before_mark')::bigint, 2::bigint,
  'each step audited (throttled → queued → opted_out)');
select is(((tests.last_audit('c_opt_list')).actor_kind, (tests.last_audit('c_opt_list')).diff -> 'after' ->> 'status')::text,
  '(service,opted_out)', 'as the service');
select tests.set_campaign('claim', 'paused');

-- ════════════════════════════════════════════════════════════════════════════════
-- begin
-- ════════════════════════════════════════════════════════════════════════════════
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
select tests.campaign('begin_v', 'voucher', 'draft',
  '{"voucher": {"amount": 2500, "currency": "RWF", "expires_in_days": 7, "station_scope": null}}');
select tests.campaign('begin_p', 'promo', 'draft');
select tests.target('b_known', 'begin_v', '+250788100001');
select tests.target('b_new', 'begin_v', '+250788613201');
select tests.target('b_throttled', 'begin_v', '+250788613202', '{queued_throttled}');
select tests.target('b_promo', 'begin_p', '+250788613203');
select tests.set_campaign('begin_v', 'running');
select tests.set_campaign('begin_p', 'running');
select is(tests.user_id('+250788613201'), null, 'the new number is nobody''s yet');

select tests.act_as_service();
insert into pg_temp.claims select 'begin', c.target_id, to_jsonb(c) from app.claim_campaign_targets(100, 60, now()) c;
select is(tests.claimed('begin'), array['b_known', 'b_new', 'b_promo', 'b_throttled'], 'the begin campaigns'' targets are claimed');
select set_config('tests.audits_b_promo', (tests.audits('b_promo'))::text, true);
select set_config('tests.audits_b_known', (tests.audits('b_known'))::text, true);
insert into pg_temp.begun
  select * from app.begin_campaign_sends(tests.ids(array['b_known', 'b_new', 'b_throttled', 'b_promo']), now() + interval '1 second');
select is((select count(*) from pg_temp.begun), 4::bigint, 'begin answers for every target');
select is((select array_agg(b.target_id) filter (where b.voucher_id is null) from pg_temp.begun b), tests.ids(array['b_promo']),
  'with its voucher: every voucher campaign target has one, a promo target none');
select is((select array_agg(distinct q.send_started_at) from public.campaign_send_queue q
            where q.target_id = any (tests.ids(array['b_known', 'b_new', 'b_throttled', 'b_promo']))),
  array[now() + interval '1 second'], 'the sends are marked as handed to WhatsApp');
select is((tests.trow('b_throttled')).status, 'queued', 'a throttled target is queued again');
select is((select count(*) from tests.vouchers_of('begin_v')), 3::bigint, 'one voucher is issued for each target of the voucher campaign');
select is((select jsonb_agg(jsonb_build_array(v.amount, v.currency, v.status, v.station_scope, v.expires_at = now() + interval '1 second 7 days',
                                              v.metadata ->> 'campaign_target_id' = t.id::text, v.user_id = t.user_id, b.voucher_id = v.id)
                            order by t.msisdn)
             from public.campaign_targets t join public.vouchers v on v.id = t.voucher_id join pg_temp.begun b on b.target_id = t.id
            where t.campaign_id = tests.fx('begin_v')),
  '[[2500, "RWF", "issued", null, true, true, true, true], [2500, "RWF", "issued", null, true, true, true, true],
    [2500, "RWF", "issued", null, true, true, true, true]]'::jsonb,
  'each for the campaign''s amount, valid for its days from the begin, for the target''s driver, returned by begin');
select is((tests.trow('b_known')).user_id, 'c0000000-0000-4000-8000-000000000001'::uuid, 'a known number''s driver gets it');
select is(row(tests.user_id('+250788613201') is not null, (tests.trow('b_new')).user_id = tests.user_id('+250788613201'))::text, '(t,t)',
  'an unknown number becomes a driver and gets it');
select is(tests.audits('b_known') - current_setting('tests.audits_b_known')::bigint, 1::bigint,
  'the voucher given to a target is audited');
select is(tests.audits('b_promo') - current_setting('tests.audits_b_promo')::bigint, 0::bigint,
  'a promo target''s begin changes no target row');
select is((select array_agg(b.voucher_id order by b.target_id) from app.begin_campaign_sends(tests.ids(array['b_known', 'b_new']), now() + interval '1 minute') b),
  (select array_agg(b.voucher_id order by b.target_id) from pg_temp.begun b where b.target_id = any (tests.ids(array['b_known', 'b_new']))),
  'a second begin (a send tried again) reuses the vouchers');
select is((select count(*) from tests.vouchers_of('begin_v')), 3::bigint, 'and issues none');
select is(tests.audits('b_known') - current_setting('tests.audits_b_known')::bigint, 1::bigint, 'nor changes the target');

-- ════════════════════════════════════════════════════════════════════════════════
-- record: sent, waiting, failed
-- ════════════════════════════════════════════════════════════════════════════════
select is(app.record_campaign_send(tests.fx('b_known'), 'wamid.PGTAP13-BK', now() + interval '2 seconds'), true,
  'a send WhatsApp accepted is recorded');
select is(row((tests.trow('b_known')).status, (tests.trow('b_known')).message_id, (tests.trow('b_known')).sent_at, tests.queued('b_known'))::text,
  row('sent', 'wamid.PGTAP13-BK', now() + interval '2 seconds', 0)::text, 'the target is sent, with the message id and time, off the queue');
select is(row((tests.voucher_of('b_known')).status, (tests.voucher_of('b_known')).metadata #>> '{whatsapp,message_id}')::text,
  '(sent,wamid.PGTAP13-BK)', 'its voucher is sent too, with the message id');
select is(app.record_campaign_send(tests.fx('b_known'), 'wamid.PGTAP13-BK2', now() + interval '3 seconds'), false,
  'recording it again answers false');
select is(row((tests.trow('b_known')).message_id, (tests.voucher_of('b_known')).metadata #>> '{whatsapp,message_id}')::text,
  '(wamid.PGTAP13-BK,wamid.PGTAP13-BK)', 'and changes nothing');
select is(app.record_campaign_send(tests.fx('b_promo'), 'wamid.PGTAP13-BP'), true, 'a promo send is recorded');
select is(row((tests.trow('b_promo')).status, (tests.trow('b_promo')).voucher_id)::text, '(sent,)', 'without a voucher');
select is(((tests.last_audit('b_promo')).diff -> 'after' ->> 'status', (tests.last_audit('b_promo')).diff -> 'after' ->> 'message_id')::text,
  '(sent,wamid.PGTAP13-BP)', 'a recorded send is audited');

select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
select tests.campaign('record', 'promo', 'running');
select tests.target('r_wait', 'record', '+250788613301');
select tests.target('r_err', 'record', '+250788613302');
select tests.target('r_err_free', 'record', '+250788613303');
select tests.target('r_thr', 'record', '+250788613304');
select tests.target('r_limit', 'record', '+250788613305');
select tests.target('r_fail', 'record', '+250788613306');
select tests.target('r_fail_thr', 'record', '+250788613307', '{queued_throttled}');
select tests.target('r_sent_thr', 'record', '+250788613308', '{queued_throttled}');
select tests.act_as_service();
insert into pg_temp.claims select 'record', c.target_id, to_jsonb(c) from app.claim_campaign_targets(100, 60, now()) c;
select app.begin_campaign_sends(tests.ids(array['r_err', 'r_limit', 'r_fail']), now());
select set_config('tests.audits_record',
  (select jsonb_object_agg(l, tests.audits(l)) from unnest(array['r_wait', 'r_err', 'r_err_free', 'r_thr', 'r_limit', 'r_fail', 'r_fail_thr']) l)::text, true);

select app.defer_campaign_targets(tests.ids(array['r_wait']), now() + interval '8 hours', 'quiet_hours');
select is(row((tests.qrow('r_wait')).next_attempt_at, (tests.qrow('r_wait')).lease_until, (tests.qrow('r_wait')).send_started_at,
              (tests.qrow('r_wait')).waiting_for)::text,
  row(now() + interval '8 hours', null::timestamptz, null::timestamptz, 'quiet_hours')::text,
  'a wait puts the target back in the queue until then, saying why');
select is(row((tests.trow('r_wait')).status, (tests.trow('r_wait')).attempts, tests.new_audits('r_wait'))::text, '(queued,0,0)',
  'a plain wait does not touch the target (no audit row)');

select app.defer_campaign_targets(tests.ids(array['r_err']), now() + interval '5 minutes', '131000', counts => true,
                                  error_code => '131000', error_message => 'Something went wrong');
select is(row((tests.trow('r_err')).status, (tests.trow('r_err')).attempts, (tests.trow('r_err')).error_code,
              (tests.trow('r_err')).error_message, tests.new_audits('r_err'))::text,
  '(queued,1,131000,"Something went wrong",1)', 'a WhatsApp error that counts: one attempt more and the error kept, audited');
select is(row((tests.qrow('r_err')).next_attempt_at, (tests.qrow('r_err')).send_started_at, (tests.qrow('r_err')).waiting_for)::text,
  row(now() + interval '5 minutes', null::timestamptz, '131000')::text, 'and it waits, no longer in doubt');
select app.defer_campaign_targets(tests.ids(array['r_err_free']), now() + interval '1 minute', '131000',
                                  error_code => '131000', error_message => 'Something went wrong');
select is(row((tests.trow('r_err_free')).attempts, (tests.trow('r_err_free')).error_code, tests.new_audits('r_err_free'))::text,
  '(0,131000,1)', 'an error that does not count is kept without an attempt');

select app.defer_campaign_targets(tests.ids(array['r_thr']), now() + interval '1 second', 'throttle', throttled => true);
select is(row((tests.trow('r_thr')).status, (tests.trow('r_thr')).attempts, tests.queued('r_thr'), (tests.qrow('r_thr')).next_attempt_at,
              tests.new_audits('r_thr'))::text,
  row('queued_throttled', 0, 1, now() + interval '1 second', 1)::text, 'a throttled wait: queued_throttled, still queued, audited');
select app.defer_campaign_targets(tests.ids(array['r_limit']), now() + interval '1 minute', '130429', throttled => true,
                                  error_code => '130429', error_message => 'Rate limit hit');
select is(row((tests.trow('r_limit')).status, (tests.trow('r_limit')).attempts, (tests.trow('r_limit')).error_code)::text,
  '(queued_throttled,0,130429)', 'WhatsApp''s rate limit is a throttle, not an attempt');

select app.fail_campaign_target(tests.fx('r_fail'), '131026', 'Message undeliverable');
select is(row((tests.trow('r_fail')).status, (tests.trow('r_fail')).attempts, (tests.trow('r_fail')).error_code,
              (tests.trow('r_fail')).error_message, tests.queued('r_fail'), tests.new_audits('r_fail'))::text,
  '(failed,1,131026,"Message undeliverable",0,1)', 'a target WhatsApp will not take fails with the code, one attempt more, off the queue');
select app.fail_campaign_target(tests.fx('r_fail_thr'), '131049', null);
select is(row((tests.trow('r_fail_thr')).status, (tests.trow('r_fail_thr')).attempts, tests.new_audits('r_fail_thr'))::text,
  '(failed,1,2)', 'a throttled target fails too (throttled → queued → failed)');
select lives_ok($$select app.record_campaign_send(tests.fx('r_sent_thr'), 'wamid.PGTAP13-RST')$$,
  'a throttled target''s send is recorded (record_campaign_send takes queued_throttled targets)');
select is((tests.trow('r_sent_thr')).status, 'sent', 'as sent');

-- ════════════════════════════════════════════════════════════════════════════════
-- WhatsApp status webhooks
-- ════════════════════════════════════════════════════════════════════════════════
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
select tests.campaign('hook', 'promo', 'running');
select tests.target('w_fwd', 'hook', '+250788613401', '{sent}', 'wamid.PGTAP13-W1');
select tests.target('w_read', 'hook', '+250788613402', '{sent}', 'wamid.PGTAP13-W2');
select tests.target('w_fail', 'hook', '+250788613403', '{sent}', 'wamid.PGTAP13-W3');
select tests.target('w_fail_msg', 'hook', '+250788613404', '{sent}', 'wamid.PGTAP13-W4');
select tests.target('w_delivered', 'hook', '+250788613405', '{sent,delivered}', 'wamid.PGTAP13-W5');
select tests.target('w_doubt', 'hook', '+250788613406');
select tests.target('w_doubt_sent', 'hook', '+250788613407');
select tests.target('w_doubt_fail', 'hook', '+250788613408');
select tests.target('w_not_begun', 'hook', '+250788613409');
select tests.target('w_retried', 'hook', '+250788613410', '{sent,failed,queued}', 'wamid.PGTAP13-W10');
select tests.act_as_service();
insert into pg_temp.claims select 'hook', c.target_id, to_jsonb(c) from app.claim_campaign_targets(100, 60, now()) c;
select app.begin_campaign_sends(tests.ids(array['w_doubt', 'w_doubt_sent', 'w_doubt_fail', 'w_retried']), now());

select is(app.record_target_message_status('wamid.PGTAP13-W1', 'delivered', now()), true, 'delivered is recorded');
select is((tests.trow('w_fwd')).status, 'delivered', 'sent → delivered');
select set_config('tests.audits_w_fwd', (tests.audits('w_fwd'))::text, true);
select is(array[app.record_target_message_status('wamid.PGTAP13-W1', 'delivered', now()),
                app.record_target_message_status('wamid.PGTAP13-W1', 'sent', now())], array[false, false],
  'a duplicate delivered, or a late sent, answers false');
select is(row((tests.trow('w_fwd')).status, tests.audits('w_fwd') - current_setting('tests.audits_w_fwd')::bigint)::text, '(delivered,0)',
  'and changes nothing');
select is(app.record_target_message_status('wamid.PGTAP13-W1', 'read', now()), true, 'read is recorded');
select is(array[app.record_target_message_status('wamid.PGTAP13-W1', 'delivered', now()),
                app.record_target_message_status('wamid.PGTAP13-W1', 'failed', now(), '{"code": 131026}')], array[false, false],
  'a late delivered, or a failure, after read answers false');
select is(row((tests.trow('w_fwd')).status, (tests.trow('w_fwd')).error_code)::text, '(read,)', 'and the target stays read');
select is(app.record_target_message_status('wamid.PGTAP13-W2', 'read', now()), true, 'read straight after sent is recorded');
select is((tests.trow('w_read')).status, 'read', 'sent → read');

select is(app.record_target_message_status('wamid.PGTAP13-W3', 'failed', now(), '{"code": 131026, "title": "Message undeliverable"}'),
  true, 'a failure after sent is recorded');
select is(row((tests.trow('w_fail')).status, (tests.trow('w_fail')).error_code, (tests.trow('w_fail')).error_message)::text,
  '(failed,131026,"Message undeliverable")', 'failed, with the code and title from the failure');
select is(app.record_target_message_status('wamid.PGTAP13-W3', 'failed', now(), '{"code": 131026}'), false,
  'a duplicate failure answers false');
select is(app.record_target_message_status('wamid.PGTAP13-W4', 'failed', now(), '{"code": 131049, "message": "Not delivered"}'),
  true, 'a failure with a message instead of a title');
select is(row((tests.trow('w_fail_msg')).error_code, (tests.trow('w_fail_msg')).error_message)::text, '(131049,"Not delivered")',
  'keeps the message');
select is(app.record_target_message_status('wamid.PGTAP13-W5', 'failed', now(), '{"code": 131026}'), false,
  'a failure after delivered answers false');
select is((tests.trow('w_delivered')).status, 'delivered', 'failed only follows sent');
select is(app.record_target_message_status('wamid.PGTAP13-UNKNOWN', 'delivered', now()), false, 'an unknown message answers false');
select throws_ok($$select app.record_target_message_status('wamid.PGTAP13-W1', 'seen', now())$$, '22023', null,
  'an unknown status is refused');

-- A send whose outcome was never recorded, found by the target id WhatsApp echoes back.
select is(app.record_target_message_status('wamid.PGTAP13-W6', 'delivered', now() + interval '3 seconds', null, tests.fx('w_doubt')::text),
  true, 'a webhook for a send in doubt is adopted through its callback data');
select is(row((tests.trow('w_doubt')).status, (tests.trow('w_doubt')).message_id, (tests.trow('w_doubt')).sent_at,
              tests.queued('w_doubt'))::text,
  row('delivered', 'wamid.PGTAP13-W6', now() + interval '3 seconds', 0)::text,
  'the send is recorded (message id, sent at the report) and the status applied');
select is(app.record_target_message_status('wamid.PGTAP13-W7', 'sent', now(), null, tests.fx('w_doubt_sent')::text), true,
  'a sent webhook for a send in doubt is adopted');
select is(row((tests.trow('w_doubt_sent')).status, (tests.trow('w_doubt_sent')).message_id)::text, '(sent,wamid.PGTAP13-W7)',
  'as sent');
select is(app.record_target_message_status('wamid.PGTAP13-W8', 'failed', now(), '{"code": 131026}', tests.fx('w_doubt_fail')::text),
  true, 'a failure webhook for a send in doubt is adopted');
select is(row((tests.trow('w_doubt_fail')).status, (tests.trow('w_doubt_fail')).message_id, (tests.trow('w_doubt_fail')).error_code)::text,
  '(failed,wamid.PGTAP13-W8,131026)', 'and recorded as sent, then failed');
select is(app.record_target_message_status('wamid.PGTAP13-W9', 'delivered', now(), null, tests.fx('w_not_begun')::text), false,
  'a target not handed to WhatsApp is not adopted');
select is(row((tests.trow('w_not_begun')).status, (tests.trow('w_not_begun')).message_id)::text, '(queued,)', 'and stays queued');
select is(app.record_target_message_status('wamid.PGTAP13-W11', 'delivered', now(), null, tests.fx('w_retried')::text), false,
  'a target that has a message id is not adopted');
select is(row((tests.trow('w_retried')).status, (tests.trow('w_retried')).message_id)::text, '(queued,wamid.PGTAP13-W10)',
  'and keeps its message id');
select is(app.record_target_message_status('wamid.PGTAP13-W12', 'delivered', now(), null, 'not-a-uuid'), false,
  'callback data that is not a target id is ignored');
select is(app.record_target_message_status('wamid.PGTAP13-W13', 'delivered', now(), null, tests.fx('w_fwd')::text), false,
  'and so is a target already sent');
select is(((tests.last_audit('w_doubt')).actor_kind, (tests.last_audit('w_doubt')).diff -> 'after' ->> 'status')::text,
  '(service,delivered)', 'webhook changes are audited');

-- ════════════════════════════════════════════════════════════════════════════════
-- Drained campaigns are done
-- ════════════════════════════════════════════════════════════════════════════════
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
select tests.set_campaign('begin_v', 'paused');
select tests.set_campaign('begin_p', 'paused');
select tests.set_campaign('record', 'paused');
select tests.set_campaign('hook', 'paused');
select tests.campaign('drained', 'promo', 'draft');
select tests.target('d_sent', 'drained', '+250788613501', '{sent}', 'wamid.PGTAP13-D1');
select tests.target('d_failed', 'drained', '+250788613502', '{failed}');
select tests.campaign('draining', 'promo', 'draft');
select tests.target('d_queued', 'draining', '+250788613503');
select tests.campaign('drained_paused', 'promo', 'draft');
select tests.target('d_paused_sent', 'drained_paused', '+250788613504', '{sent}', 'wamid.PGTAP13-D4');
select tests.set_campaign('drained', 'running');
select tests.set_campaign('draining', 'running');
select tests.set_campaign('drained_paused', 'running');
select tests.set_campaign('drained_paused', 'paused');
select tests.act_as_service();
select set_config('tests.drained', (select count(*) from public.campaigns c where c.status = 'running'
  and not exists (select 1 from public.campaign_send_queue q where q.campaign_id = c.id))::text, true);
select is(app.finish_drained_campaigns(), current_setting('tests.drained')::int, 'every running campaign with nothing left to send is finished');
select is(row((tests.campaign_row('drained')).status, (tests.campaign_row('drained')).finished_at is not null)::text, '(done,t)',
  'a campaign whose targets all have an outcome is done');
select is(array[(tests.campaign_row('draining')).status, (tests.campaign_row('drained_paused')).status], array['running', 'paused'],
  'one with a target still queued runs on, a paused one stays paused');
select is(app.finish_drained_campaigns(), 0, 'a second pass finishes nothing');

-- ════════════════════════════════════════════════════════════════════════════════
-- Retry failed targets (the panel, as the signed-in admin)
-- ════════════════════════════════════════════════════════════════════════════════
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
select tests.campaign('retry', 'promo', 'running');
select tests.target('t_one', 'retry', '+250788613601', '{failed}');
select tests.target('t_two', 'retry', '+250788613602', '{failed}');
select tests.target('t_sent', 'retry', '+250788613603', '{sent}', 'wamid.PGTAP13-T3');
update public.campaign_targets set attempts = 3, error_code = '131026' where id = any (tests.ids(array['t_one', 't_two']));
select tests.campaign('retry_paused', 'promo', 'paused');
select tests.target('t_paused', 'retry_paused', '+250788613604', '{failed}');
select tests.campaign('retry_draft', 'promo', 'draft');
select tests.campaign('retry_done', 'promo', 'done');

select tests.act_as('dataops@easymo.test');
select throws_ok(format('select app.retry_failed_targets(%L)', tests.fx('retry')), '42501', null, 'data ops cannot retry targets');
select tests.act_as('readonly@easymo.test');
select throws_ok(format('select app.retry_failed_targets(%L)', tests.fx('retry')), '42501', null, 'nor can a read-only admin');
select tests.act_as_anon();
select throws_ok(format('select app.retry_failed_targets(%L)', tests.fx('retry')), '42501', null, 'nor anon');
select tests.act_as('support@easymo.test');
select is(app.retry_failed_targets(tests.fx('retry'), tests.ids(array['t_one'])), 1, 'support retries a chosen failed target');
select is(row((tests.trow('t_one')).status, (tests.trow('t_one')).attempts, (tests.qrow('t_one')).next_attempt_at,
              (tests.last_audit('t_one')).actor_id)::text,
  row('queued', 0, '-infinity'::timestamptz, tests.uid('support@easymo.test'))::text,
  'it is queued again with fresh attempts, due at once, audited as support');
select is((tests.trow('t_two')).status, 'failed', 'the other failed target is left alone');
select is(app.retry_failed_targets(tests.fx('retry')), 1, 'retrying all takes the remaining failed target');
select is(array[(tests.trow('t_two')).status, (tests.trow('t_sent')).status], array['queued', 'sent'], 'and no other');
select tests.act_as('admin@easymo.test');
select is(app.retry_failed_targets(tests.fx('retry_paused')), 1, 'a super admin retries a paused campaign''s targets');
select throws_ok(format('select app.retry_failed_targets(%L)', tests.fx('retry_draft')), '23514', null, 'not a draft''s');
select throws_ok(format('select app.retry_failed_targets(%L)', tests.fx('retry_done')), '23514', null, 'nor a finished campaign''s');

-- ════════════════════════════════════════════════════════════════════════════════
-- Opt-outs
-- ════════════════════════════════════════════════════════════════════════════════
select tests.act_as_service();
select is(app.record_opt_out('+250788613701', 'keyword:STOP', now() - interval '1 hour'), true, 'an opt-out is recorded');
select is((select row(o.reason, o.ts)::text from public.opt_outs o where o.phone_e164 = '+250788613701'),
  row('keyword:STOP', now() - interval '1 hour')::text, 'with its reason and time');
select is(app.record_opt_out('+250788613701', 'user_preferences'), false, 'a second opt-out answers false');
select is((select o.reason from public.opt_outs o where o.phone_e164 = '+250788613701'), 'keyword:STOP', 'and keeps the first');
select is(app.is_opted_out('+250788613701'), true, 'the number is opted out');
select is(app.record_opt_in('+250788613701'), true, 'an opt-in takes it off');
select is(app.record_opt_in('+250788613701'), false, 'a second opt-in answers false');
select is(app.is_opted_out('+250788613701'), false, 'the number is no longer opted out');
select is(app.is_opted_out('+250788100011'), true, 'a number whose hash is on settings.opt_out_list is opted out');
select is(app.record_opt_in('+250788100011'), false, 'an opt-in does not touch the admins'' list');
select is(app.is_opted_out('+250788100011'), true, 'so the number stays opted out');
select throws_ok($$select app.record_opt_out('0788613702', 'keyword:STOP')$$, '23514', null, 'a number not in E.164 is refused');

-- ════════════════════════════════════════════════════════════════════════════════
-- Grants
-- ════════════════════════════════════════════════════════════════════════════════
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
create temp table dispatch_functions (f regprocedure primary key, admins boolean not null);
insert into dispatch_functions values
  ('app.record_opt_out(text, text, timestamptz)', false), ('app.record_opt_in(text)', false),
  ('app.send_per_minute(text)', true), ('app.take_send_slots(text, integer, timestamptz)', false),
  ('app.send_slots_available(text, timestamptz)', false), ('app.campaign_targets_due(timestamptz)', false),
  ('app.next_send_slot_at(text, timestamptz)', true), ('app.take_send_slot(text)', true),
  ('app.pause_send_channel(text, timestamptz)', false), ('app.campaign_send_doubt()', false),
  ('app.claim_campaign_targets(integer, integer, timestamptz)', false), ('app.mark_targets_opted_out(uuid[])', false),
  ('app.defer_campaign_targets(uuid[], timestamptz, text, boolean, boolean, text, text)', false),
  ('app.begin_campaign_sends(uuid[], timestamptz)', false), ('app.record_campaign_send(uuid, text, timestamptz)', false),
  ('app.fail_campaign_target(uuid, text, text)', false),
  ('app.record_target_message_status(text, text, timestamptz, jsonb, text)', false),
  ('app.finish_drained_campaigns()', false), ('app.retry_failed_targets(uuid, uuid[])', true),
  ('app.sync_campaign_send_queue()', false), ('app.drop_finished_campaign_queue()', false);
select is((select array_agg(f::text order by f::text) from pg_temp.dispatch_functions where has_function_privilege('authenticated', f, 'execute')),
  (select array_agg(f::text order by f::text) from pg_temp.dispatch_functions where admins),
  'signed-in callers execute only take_send_slot, send_per_minute, next_send_slot_at and retry_failed_targets');
select is((select array_agg(f::text order by f::text) from pg_temp.dispatch_functions where has_function_privilege('anon', f, 'execute')), null,
  'anon executes none of them');
select is((select array_agg(f::text order by f::text) from pg_temp.dispatch_functions
            where not has_function_privilege('service_role', f, 'execute') and f::text not like '%retry_failed_targets%'),
  array['app.drop_finished_campaign_queue()', 'app.sync_campaign_send_queue()'],
  'the service role executes every dispatcher function (not the triggers'', nor retry, which is the panel''s)');
select tests.act_as('admin@easymo.test');
select throws_ok('select app.claim_campaign_targets(10, 60)', '42501', null, 'a super admin cannot claim the dispatcher''s targets');
select throws_ok($$select app.record_opt_out('+250788613703', 'keyword:STOP')$$, '42501', null, 'nor record opt-outs');

select * from finish();
rollback;
