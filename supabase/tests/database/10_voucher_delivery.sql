-- Getting voucher cards out, and the jobs around it: the global WhatsApp throttle,
-- opt-outs, the send lease and queue, recording blocked and successful sends, WhatsApp
-- status webhooks, the expiry sweep, and bulk issue on behalf of the uploading admin.
-- Each call is checked by its answer and by what it left in vouchers, voucher_events,
-- voucher_send_queue and voucher_bulk_jobs.
begin;
set local search_path = public, extensions, tests;
select plan(93);

-- ── helpers and fixtures (live only inside this transaction) ────────────────────────
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);

-- Sends other work was granted in the last minutes, or a back-off, would count here.
delete from public.send_counts where channel = 'whatsapp';
update public.send_channels set paused_until = null where channel = 'whatsapp';

create temp table fx (label text primary key, id uuid not null);

-- A voucher for driver c000…001 walked to a status by legal steps.
create function tests.fixture(label text, status text,
                              issued timestamptz default now() - interval '1 day',
                              expires timestamptz default now() + interval '30 days',
                              redeemed timestamptz default null) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  v uuid;
begin
  insert into public.vouchers (user_id, amount, issued_at, expires_at, metadata)
  values ('c0000000-0000-4000-8000-000000000001', 5000, issued, expires, jsonb_build_object('fixture', label))
  returning id into v;
  if status in ('sent', 'redeemed') then
    update public.vouchers set status = 'sent' where id = v;
  end if;
  if status = 'redeemed' then
    update public.vouchers set status = 'redeemed', redeemed_at = redeemed,
                               redeemed_station_id = 'b0000000-0000-4000-8000-000000000001' where id = v;
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
create function tests.voucher_row(label text) returns public.vouchers
language sql stable security definer set search_path = '' as $$
  select * from public.vouchers v where v.id = tests.fx(label)
$$;
create function tests.events(label text, kind text default null) returns bigint
language sql stable security definer set search_path = '' as $$
  select count(*) from public.voucher_events e where e.voucher_id = tests.fx(label) and (kind is null or e.event_type = kind)
$$;
create function tests.event_context(label text, kind text) returns jsonb
language sql stable security definer set search_path = '' as $$
  select e.context from public.voucher_events e where e.voucher_id = tests.fx(label) and e.event_type = kind
   order by e.created_at desc, e.id limit 1
$$;
-- The policy_blocked events of a voucher as [reason, retry_at] pairs.
create function tests.blocks(label text) returns jsonb
language sql stable security definer set search_path = '' as $$
  select coalesce(jsonb_agg(jsonb_build_array(e.context -> 'reason', e.context -> 'retry_at')
                            order by e.context ->> 'reason', (e.context ->> 'retry_at')::timestamptz nulls first), '[]')
    from public.voucher_events e where e.voucher_id = tests.fx(label) and e.event_type = 'policy_blocked'
$$;
create function tests.enqueue(label text, at timestamptz) returns void
language sql security definer set search_path = '' as $$
  insert into public.voucher_send_queue (voucher_id, next_attempt_at) values (tests.fx(label), at)
$$;
create function tests.queue_row(label text) returns public.voucher_send_queue
language sql stable security definer set search_path = '' as $$
  select * from public.voucher_send_queue q where q.voucher_id = tests.fx(label)
$$;
create function tests.queued(label text) returns bigint
language sql stable security definer set search_path = '' as $$
  select count(*) from public.voucher_send_queue q where q.voucher_id = tests.fx(label)
$$;
-- Sends granted on a channel (the window is emptied above), and the second of the first.
create function tests.slots_used(channel text) returns integer
language sql stable security definer set search_path = '' as $$
  select coalesce(sum(n.used), 0)::int from public.send_counts n where n.channel = slots_used.channel
$$;
create function tests.first_grant(channel text) returns timestamptz
language sql stable security definer set search_path = '' as $$
  select min(n.second) from public.send_counts n where n.channel = first_grant.channel
$$;
create function tests.due_sends() returns jsonb
language sql stable security definer set search_path = '' as $$
  select coalesce(jsonb_agg(q.voucher_id), '[]') from public.voucher_send_queue q where q.next_attempt_at <= now()
$$;
create function tests.expirable() returns bigint
language sql stable security definer set search_path = '' as $$
  -- Issued vouchers expire at once; sent ones once the offline window (72 h) has passed too.
  select count(*) from public.vouchers v
   where (v.status = 'issued' and v.expires_at < now()) or (v.status = 'sent' and v.expires_at < now() - interval '72 hours')
$$;
-- Bulk jobs of this file are told apart by a note in their rows.
create function tests.job(note text) returns public.voucher_bulk_jobs
language sql stable security definer set search_path = '' as $$
  select * from public.voucher_bulk_jobs j where j.rows @> jsonb_build_array(jsonb_build_object('note', note))
$$;
create function tests.job_vouchers(note text) returns setof public.vouchers
language sql stable security definer set search_path = '' as $$
  select * from public.vouchers v where v.metadata ->> 'bulk_job' = (tests.job(note)).id::text
$$;
create function tests.job_queued(note text) returns bigint
language sql stable security definer set search_path = '' as $$
  select count(*) from public.voucher_send_queue q join tests.job_vouchers(note) v on v.id = q.voucher_id
$$;
create function tests.demote(email text) returns void
language sql security definer set search_path = '' as $$
  delete from public.admin_roles where user_id = tests.uid(email)
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

select tests.fixture('c1', 'issued');
select tests.fixture('c2', 'issued');
select tests.fixture('b1', 'issued');
select tests.fixture('s1', 'issued');
select tests.enqueue('s1', now());
select tests.fixture('vd', 'void');
select tests.fixture('due', 'issued');
select tests.enqueue('due', now() - interval '1 minute');
select tests.fixture('later', 'issued');
select tests.enqueue('later', now() + interval '1 hour');
select tests.fixture('gone', 'issued');
select tests.enqueue('gone', now() - interval '1 minute');
update public.vouchers set status = 'void' where id = tests.fx('gone');
select tests.fixture('x_issued', 'issued', issued => now() - interval '10 days', expires => now() - interval '1 day');
select tests.fixture('x_sent', 'sent', issued => now() - interval '10 days', expires => now() - interval '4 days');
select tests.fixture('x_recent', 'sent', issued => now() - interval '10 days', expires => now() - interval '1 day');
select tests.fixture('x_redeemed', 'redeemed', issued => now() - interval '10 days', expires => now() - interval '1 day',
                     redeemed => now() - interval '5 days');
select tests.fixture('x_void', 'void', issued => now() - interval '10 days', expires => now() - interval '1 day');
-- A sent voucher whose resend was deferred (the scheduler retries queued sent vouchers with resend).
select tests.fixture('resend', 'sent');
select tests.enqueue('resend', now() + interval '8 hours');

-- ── throttle: settings.send_throttle.whatsapp.per_minute sends a minute ─────────────
select tests.act_as('admin@easymo.test');
select is(tests.affected($$update public.settings set value = value || '{"whatsapp": {"per_minute": 3}}' where key = 'send_throttle'$$), 1,
  'a super admin sets the WhatsApp throttle to 3 sends a minute');
-- 3 a minute is a share of 1 a second. The two calls below must fall in one second: start
-- them at the beginning of the next one.
select pg_sleep(1 - extract(microseconds from clock_timestamp())::int % 1000000 / 1e6);
select tests.act_as('dataops@easymo.test');
select is(app.take_send_slot('whatsapp'), null, 'a send is granted');
select is(app.take_send_slot('whatsapp') - tests.first_grant('whatsapp'), interval '1 second',
  'a second one in the same second is told to retry the next second (the share of a second is used)');
-- Two more at the next seconds of a simulated clock (the dispatcher's way) fill the window.
select tests.act_as_service();
select is(array[app.take_send_slots('whatsapp', 5, tests.first_grant('whatsapp') + interval '1 second'),
                app.take_send_slots('whatsapp', 5, tests.first_grant('whatsapp') + interval '2 seconds')], array[1, 1],
  'the next two seconds grant one send each');
select is(app.take_send_slots('whatsapp', 5, tests.first_grant('whatsapp') + interval '3 seconds'), 0,
  'with three sends in the window, the fourth second grants none');
select tests.act_as('dataops@easymo.test');
select is(app.take_send_slot('whatsapp'), tests.first_grant('whatsapp') + interval '61 seconds',
  'a fourth send is told to retry when the oldest send leaves the window');
select is(app.next_send_slot_at('whatsapp', tests.first_grant('whatsapp') + interval '30 seconds'),
  tests.first_grant('whatsapp') + interval '61 seconds', 'and so is a sender asking later in the window');
select is(tests.slots_used('whatsapp'), 3, 'and the window''s counts stay at the budget');

-- ── opt-outs: sha256 hex of the E.164 number in settings.opt_out_list ───────────────
select tests.act_as('admin@easymo.test');
select is(tests.affected($$update public.settings set value = value || jsonb_build_array(app.msisdn_hash('+250788999111'))
                            where key = 'opt_out_list'$$), 1, 'a super admin adds a number''s hash to the opt-out list');
select tests.act_as('dataops@easymo.test');
select is(app.msisdn_hash('+250788999111'), encode(sha256(convert_to('+250788999111', 'UTF8')), 'hex'),
  'a number is hashed as the sha256 hex of its E.164 form');
select is(app.is_opted_out('+250788999111'), true, 'a number whose hash is on the list is opted out');
select is(app.is_opted_out('+250788100011'), true, 'so is the seed''s driver who replied STOP');
select is(app.is_opted_out('+250788999112'), false, 'another number is not');

-- ── send lease ──────────────────────────────────────────────────────────────────────
select is(app.claim_send(tests.fx('c1')), true, 'the first claim of a card takes the lease');
select is(app.claim_send(tests.fx('c1')), false, 'a second claim while the lease runs gets nothing');
select is(row((tests.queue_row('c1')).next_attempt_at, (tests.queue_row('c1')).last_reason)::text,
  row(now() + interval '120 seconds', 'sending')::text, 'the lease holds the queue row for two minutes');
select tests.act_as('readonly@easymo.test');
select throws_ok($$select app.claim_send(tests.fx('c2'))$$, '42501', null, 'a read-only admin cannot claim a send');
select tests.act_as('support@easymo.test');
select throws_ok($$select app.claim_send(tests.fx('c2'))$$, '42501', null, 'nor can support');
select tests.act_as_service();
select is(app.claim_send(tests.fx('c2')), true, 'the service role can');

-- ── a blocked send ──────────────────────────────────────────────────────────────────
select app.record_send_blocked(tests.fx('b1'), 'quiet_hours', now() + interval '8 hours', '{"timezone": "Africa/Kigali"}');
select is(tests.events('b1', 'policy_blocked'), 1::bigint, 'a blocked send writes one policy_blocked event');
select is(tests.event_context('b1', 'policy_blocked'),
  jsonb_build_object('timezone', 'Africa/Kigali', 'reason', 'quiet_hours', 'retry_at', now() + interval '8 hours'),
  'with its reason and retry time in the context');
select is((tests.voucher_row('b1')).status, 'issued', 'the voucher stays issued');
select is(row((tests.queue_row('b1')).next_attempt_at, (tests.queue_row('b1')).attempts, (tests.queue_row('b1')).last_reason)::text,
  row(now() + interval '8 hours', 0, 'quiet_hours')::text, 'and is queued for the retry time, not counted as a failed send');
select app.record_send_blocked(tests.fx('b1'), 'whatsapp_error', now() + interval '5 minutes', '{"error": {"code": 131026}}');
select is(row((tests.queue_row('b1')).next_attempt_at, (tests.queue_row('b1')).attempts, (tests.queue_row('b1')).last_reason)::text,
  row(now() + interval '5 minutes', 1, 'whatsapp_error')::text, 'a WhatsApp error counts an attempt and moves the retry');
select app.record_send_blocked(tests.fx('b1'), 'quiet_hours', now() + interval '9 hours');
select is(row((tests.queue_row('b1')).next_attempt_at, (tests.queue_row('b1')).attempts, (tests.queue_row('b1')).last_reason)::text,
  row(now() + interval '9 hours', 1, 'quiet_hours')::text, 'a quiet-hours wait does not count an attempt');
select app.record_send_blocked(tests.fx('b1'), 'opted_out', null);
select is(tests.queued('b1'), 0::bigint, 'a block without a retry time takes the voucher off the queue');
select is(tests.blocks('b1'),
  jsonb_build_array(jsonb_build_array('opted_out', null), jsonb_build_array('quiet_hours', now() + interval '8 hours'),
                    jsonb_build_array('quiet_hours', now() + interval '9 hours'), jsonb_build_array('whatsapp_error', now() + interval '5 minutes')),
  'every block is one event with its reason and retry time');
select is((tests.voucher_row('b1')).status, 'issued', 'and the voucher is still issued');

-- ── a send that happened ────────────────────────────────────────────────────────────
select tests.act_as('dataops@easymo.test');
select is(app.record_send(tests.fx('s1'), 'wamid.PGTAP10-1'), true, 'recording a send answers true');
select is(row((tests.voucher_row('s1')).status, tests.events('s1', 'sent'))::text, '(sent,1)',
  'the voucher moves issued → sent with exactly one sent event');
select is(tests.event_context('s1', 'sent'), '{"channel": "whatsapp", "message_id": "wamid.PGTAP10-1", "from": "issued"}'::jsonb,
  'the sent event keeps the WhatsApp message id');
select is((tests.voucher_row('s1')).metadata -> 'whatsapp',
  jsonb_build_object('message_id', 'wamid.PGTAP10-1', 'sent_at', now(), 'sends', 1),
  'metadata.whatsapp holds the message id and one send');
select is(tests.queued('s1'), 0::bigint, 'the voucher leaves the send queue');
select is(app.record_send(tests.fx('s1'), 'wamid.PGTAP10-2'), true, 'a resend of a sent voucher is recorded');
select is(row((tests.voucher_row('s1')).status, tests.events('s1'), (tests.voucher_row('s1')).metadata #>> '{whatsapp,sends}',
              (tests.voucher_row('s1')).metadata #>> '{whatsapp,message_id}')::text,
  '(sent,2,2,wamid.PGTAP10-2)', 'it stays sent, adds no event, and counts a second send with the new message id');
select is(app.record_send(tests.fx('vd'), 'wamid.PGTAP10-VOID'), false, 'a send on a void voucher answers false');
select is(row((tests.voucher_row('vd')).status, (tests.voucher_row('vd')).metadata, tests.events('vd', 'sent'))::text,
  row('void', '{"fixture": "vd"}'::jsonb, 0::bigint)::text, 'and changes nothing');

-- ── WhatsApp status webhooks (service role) ─────────────────────────────────────────
select throws_ok($$select app.record_voucher_message_status('wamid.PGTAP10-2', 'delivered', now())$$, '42501', null,
  'a signed-in admin cannot record message statuses');
select tests.act_as_service();
select is(app.record_voucher_message_status('wamid.PGTAP10-2', 'delivered', now()), true, 'delivered is recorded');
select is((tests.voucher_row('s1')).metadata #>> '{whatsapp,status}', 'delivered', 'metadata.whatsapp.status is delivered');
select is(app.record_voucher_message_status('wamid.PGTAP10-2', 'read', now()), true, 'read is recorded');
select is((tests.voucher_row('s1')).metadata #>> '{whatsapp,status}', 'read', 'metadata.whatsapp.status is read');
select is(app.record_voucher_message_status('wamid.PGTAP10-2', 'delivered', now()), false, 'a late delivered after read answers false');
select is((tests.voucher_row('s1')).metadata #>> '{whatsapp,status}', 'read', 'and the status stays read');
select throws_ok($$select app.record_voucher_message_status('wamid.PGTAP10-2', 'seen', now())$$, '22023', null,
  'an unknown status is refused');

-- ── the scheduler's due sends (service role) ────────────────────────────────────────
select tests.act_as('dataops@easymo.test');
select throws_ok('select app.claim_due_sends(10)', '42501', null, 'a signed-in admin cannot claim the scheduler''s sends');
select tests.act_as_service();
select set_config('tests.due', tests.due_sends()::text, true);
select set_config('tests.claimed', (select coalesce(jsonb_agg(c), '[]')::text from app.claim_due_sends(1000) c), true);
select is((select jsonb_object_agg(l, current_setting('tests.claimed')::jsonb ? tests.fx(l)::text) from unnest(array['due', 'later', 'gone']) l),
  '{"due": true, "later": false, "gone": false}'::jsonb, 'the due send is claimed; a later one and a void voucher''s are not');
select is((select count(*) from jsonb_array_elements_text(current_setting('tests.claimed')::jsonb) c
            where not current_setting('tests.due')::jsonb ? c), 0::bigint, 'every claimed send was due');
select is(row((tests.queue_row('due')).next_attempt_at, (tests.queue_row('due')).last_reason)::text,
  row(now() + interval '120 seconds', 'sending')::text, 'a claimed send is leased');
select is((select count(*) from app.claim_due_sends(1000) c where current_setting('tests.claimed')::jsonb ? c::text), 0::bigint,
  'a second tick right away gets none of them');
select is(tests.queued('gone'), 0::bigint, 'the queue row of a voucher that can no longer be sent is dropped');

-- ── expiry sweep (service role) ─────────────────────────────────────────────────────
select tests.act_as('dataops@easymo.test');
select throws_ok('select app.expire_vouchers()', '42501', null, 'a signed-in admin cannot run the expiry sweep');
select tests.act_as_service();
select is(tests.queued('resend'), 1::bigint, 'a sent voucher''s deferred resend is queued before the sweep');
select set_config('tests.expirable', tests.expirable()::text, true);
select is(app.expire_vouchers(), current_setting('tests.expirable')::int, 'the sweep returns how many vouchers it expired');
select is((select jsonb_object_agg(l, (tests.voucher_row(l)).status) from unnest(array['x_issued', 'x_sent', 'x_redeemed', 'x_void']) l),
  '{"x_issued": "expired", "x_sent": "expired", "x_redeemed": "redeemed", "x_void": "void"}'::jsonb,
  'issued vouchers past expiry, and sent ones past it by the offline window, are expired; redeemed and void ones are untouched');
select is((tests.voucher_row('x_recent')).status, 'sent',
  'a sent voucher expired a day ago stays sent: an offline capture from before its expiry may still arrive');
select is((select jsonb_object_agg(l, tests.events(l, 'expired')) from unnest(array['x_issued', 'x_sent', 'x_redeemed', 'x_void']) l),
  '{"x_issued": 1, "x_sent": 1, "x_redeemed": 0, "x_void": 0}'::jsonb, 'with one expired event each');
select is(tests.event_context('x_sent', 'expired') - 'swept_at', '{"reason": "expiry", "from": "sent"}'::jsonb,
  'the event says it was the expiry sweep');
select is(tests.expirable(), 0::bigint, 'nothing the sweep should take is left');
select is(tests.queued('resend'), 1::bigint, 'the sweep keeps the queued resend of a sent voucher that has not expired');

-- ── bulk issue, on behalf of the uploading admin ────────────────────────────────────
select tests.act_as('dataops@easymo.test');
select is(tests.affected($$insert into public.voucher_bulk_jobs (campaign_id, send, rows, total)
  values ('e0000000-0000-4000-8000-000000000003', true, jsonb_build_array(
    jsonb_build_object('line', 2, 'msisdn', '+250788555201', 'amount', 3000, 'name', 'Bulk One', 'note', 'pgtap-10 job A'),
    jsonb_build_object('line', 3, 'msisdn', 'bad', 'amount', 3000, 'name', 'Bad Row'),
    jsonb_build_object('line', 4, 'msisdn', '+250788555203', 'amount', 4500, 'expires_at', now() + interval '14 days')), 3)$$), 1,
  'a data ops admin uploads a bulk job');
select is(row((tests.job('pgtap-10 job A')).status, (tests.job('pgtap-10 job A')).created_by)::text,
  row('queued', tests.uid('dataops@easymo.test'))::text, 'the job waits, created by the uploader');
select is(app.process_bulk_job((tests.job('pgtap-10 job A')).id, 2), 2, 'the first batch takes two rows');
select is(row((tests.job('pgtap-10 job A')).status, (tests.job('pgtap-10 job A')).next_row,
              (select count(*) from tests.job_vouchers('pgtap-10 job A')))::text,
  '(running,2,1)', 'one is issued, the invalid number is skipped, the job runs on');
select is((select jsonb_agg(e - 'message') from jsonb_array_elements((tests.job('pgtap-10 job A')).errors) e),
  '[{"line": 3, "column": ""}]'::jsonb, 'the skipped row is reported with its line');
select matches((tests.job('pgtap-10 job A')).errors -> 0 ->> 'message', 'users_msisdn_check',
  'with the database''s reason');
select tests.act_as('admin@easymo.test');
select throws_ok($$select app.process_bulk_job((tests.job('pgtap-10 job A')).id, 2)$$, '42501', null,
  'another admin cannot process someone else''s job');
select tests.act_as('dataops@easymo.test');
select is(app.process_bulk_job((tests.job('pgtap-10 job A')).id, 2), 1, 'the next batch takes the last row');
select is(row((tests.job('pgtap-10 job A')).status, (tests.job('pgtap-10 job A')).next_row,
              (tests.job('pgtap-10 job A')).finished_at is not null)::text,
  '(done,3,t)', 'and the job is done');
select is((select jsonb_agg(jsonb_build_array(v.amount, v.metadata -> 'bulk_line', v.campaign_id, v.status, v.created_by) order by v.amount)
             from tests.job_vouchers('pgtap-10 job A') v),
  jsonb_build_array(
    jsonb_build_array(3000, 2, 'e0000000-0000-4000-8000-000000000003', 'issued', tests.uid('dataops@easymo.test')),
    jsonb_build_array(4500, 4, 'e0000000-0000-4000-8000-000000000003', 'issued', tests.uid('dataops@easymo.test'))),
  'two vouchers are issued for the campaign, created by the uploader');
select is((select (v.expires_at = now() + interval '14 days') from tests.job_vouchers('pgtap-10 job A') v where v.amount = 4500), true,
  'a row''s expiry is kept');
select is(tests.job_queued('pgtap-10 job A'), 2::bigint, 'each card is queued for sending');
select is(app.process_bulk_job((tests.job('pgtap-10 job A')).id, 2), 0, 'a finished job issues nothing more');
select app.record_send((select v.id from tests.job_vouchers('pgtap-10 job A') v where v.amount = 3000), 'wamid.PGTAP10-BULK');
select is(app.bulk_job_progress((tests.job('pgtap-10 job A')).id) - array['id', 'errors', 'created_at', 'finished_at'],
  '{"status": "done", "total": 3, "processed": 3, "issued": 2, "sent": 1}'::jsonb,
  'progress counts the rows processed, the vouchers issued and the cards sent');

-- A creator who loses the right to issue: the job fails and nothing more is issued.
select is(tests.affected($$insert into public.voucher_bulk_jobs (campaign_id, send, rows, total)
  values (null, false, jsonb_build_array(
    jsonb_build_object('line', 2, 'msisdn', '+250788555211', 'amount', 1000, 'note', 'pgtap-10 job B'),
    jsonb_build_object('line', 3, 'msisdn', '+250788555212', 'amount', 1000)), 2)$$), 1,
  'a second job is uploaded');
select is(app.process_bulk_job((tests.job('pgtap-10 job B')).id, 1), 1, 'its first row is issued');
select tests.demote('dataops@easymo.test');
select is(app.process_bulk_job((tests.job('pgtap-10 job B')).id, 5), 0, 'once the creator''s admin role is removed, a batch takes nothing');
select is(row((tests.job('pgtap-10 job B')).status, (tests.job('pgtap-10 job B')).finished_at is not null,
              (tests.job('pgtap-10 job B')).errors -> -1 ->> 'message')::text,
  '(failed,t,"the creator may no longer issue vouchers")', 'the job fails, saying why');
select is(row((select count(*) from tests.job_vouchers('pgtap-10 job B')), tests.job_queued('pgtap-10 job B'))::text, '(1,0)',
  'only the voucher issued before stays, and a job without sending queues nothing');

-- ── hardening: card names, what a card prints, send take-over, undelivered cards ─────
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
select tests.fixture('h_sent', 'sent');
select tests.fixture('h_issued', 'issued');
select tests.fixture('h_lapsed', 'sent', expires => now() - interval '1 hour');
select tests.enqueue('h_lapsed', now() - interval '1 minute');
select tests.act_as('admin@easymo.test');
select throws_ok(format($$update public.vouchers set png_url = '../docs/f0000000-0000-4000-8000-000000000001/national-id.png' where id = %L$$,
                        tests.fx('h_issued')),
  '23514', null, 'a card name that would leave its bucket is refused');
select is(tests.affected(format($$update public.vouchers set png_url = %L, qr_url = %L where id = %L$$,
                                tests.fx('h_issued') || '.png', tests.fx('h_issued') || '.png', tests.fx('h_issued'))), 1,
  'the one name a card and its QR may have is <voucher id>.png');
select throws_like(format($$update public.vouchers set expires_at = now() + interval '90 days' where id = %L$$, tests.fx('h_sent')),
  '%they change only before it is sent', 'a sent voucher''s expiry is printed on its card: it does not change');
select throws_like(format($$update public.vouchers set station_scope = 'b0000000-0000-4000-8000-000000000002' where id = %L$$,
                          tests.fx('h_sent')),
  '%they change only before it is sent', 'nor does its station scope');
select is(tests.affected(format($$update public.vouchers set expires_at = now() + interval '90 days' where id = %L$$,
                                tests.fx('h_issued'))), 1,
  'an issued voucher''s expiry may still change');

select tests.act_as_service();
select app.record_send_blocked(tests.fx('h_sent'), 'quiet_hours', now() + interval '8 hours');
select tests.act_as('admin@easymo.test');
select is(app.claim_send(tests.fx('h_sent')), true, 'a resend takes over a card waiting for quiet hours to end');
select is(app.claim_send(tests.fx('h_sent')), false, 'but not one being sent right now');

select tests.act_as_service();
select is((select count(*) from app.claim_due_sends(1000) c where c = tests.fx('h_lapsed')), 0::bigint,
  'a queued card of a voucher past its expiry (not swept yet) is not claimed');
select is(tests.queued('h_lapsed'), 0::bigint, 'and leaves the queue');

-- WhatsApp accepted a card and later reports it undelivered: it is queued again.
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
delete from public.voucher_send_queue where voucher_id = tests.fx('h_sent');
update public.vouchers set metadata = metadata || '{"whatsapp": {"message_id": "wamid.PGTAP10-F", "sends": 1}}' where id = tests.fx('h_sent');
select tests.act_as_service();
select is(app.record_voucher_message_status('wamid.PGTAP10-F', 'failed', now(), '{"code": 131026}'), true,
  'an undelivered card is recorded');
select is(row((tests.queue_row('h_sent')).attempts, (tests.queue_row('h_sent')).next_attempt_at > now() + interval '59 minutes')::text,
  '(1,t)', 'and queued again in an hour, counting one failure');
select is((select count(*) from public.voucher_events e where e.voucher_id = tests.fx('h_sent') and e.event_type = 'policy_blocked'
             and e.context ->> 'reason' = 'whatsapp_error' and e.context #>> '{whatsapp_failure,code}' = '131026'), 1::bigint,
  'with a policy_blocked event giving the reason');
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
insert into public.voucher_events (voucher_id, event_type, context)
select tests.fx('h_sent'), 'policy_blocked', '{"reason": "whatsapp_error"}' from generate_series(1, 3);
update public.vouchers set metadata = metadata || '{"whatsapp": {"message_id": "wamid.PGTAP10-G", "sends": 2}}' where id = tests.fx('h_sent');
select tests.act_as_service();
select is(app.record_voucher_message_status('wamid.PGTAP10-G', 'failed', now()), true, 'a fifth undelivered card is recorded');
select is(tests.queued('h_sent'), 0::bigint, 'but not queued again: five failures and it stops');

select * from finish();
rollback;
