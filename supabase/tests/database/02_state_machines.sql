-- The four status machines, through the real tables and triggers: every (from, to)
-- pair is tried; the legal ones (the spec's, plus the additions documented in
-- docs/data-model.md, listed here independently of app.state_transitions) succeed and
-- every other one fails naming the change. Each voucher change leaves one event.
begin;
set local search_path = public, extensions, tests;

create temp table legal (machine text, from_state text, to_state text) on commit drop;
insert into legal values
  ('voucher', 'issued', 'sent'), ('voucher', 'sent', 'redeemed'), ('voucher', 'issued', 'expired'),
  ('voucher', 'issued', 'void'), ('voucher', 'sent', 'void'), ('voucher', 'sent', 'expired'),
  ('campaign', 'draft', 'running'), ('campaign', 'running', 'paused'), ('campaign', 'paused', 'running'),
  ('campaign', 'running', 'done'),
  ('campaign_target', 'queued', 'sent'), ('campaign_target', 'sent', 'delivered'), ('campaign_target', 'sent', 'read'),
  ('campaign_target', 'queued', 'failed'), ('campaign_target', 'queued', 'opted_out'),
  ('campaign_target', 'queued_throttled', 'queued'), ('campaign_target', 'queued', 'queued_throttled'),
  ('campaign_target', 'delivered', 'read'), ('campaign_target', 'sent', 'failed'),
  ('campaign_target', 'failed', 'queued'),
  ('insurance_quote', 'pending', 'approved'), ('insurance_quote', 'pending', 'needs_changes'),
  ('insurance_quote', 'needs_changes', 'pending');

create temp table states (machine text, state text, path text[]) on commit drop;
-- How to reach each state from a new row, by legal steps.
insert into states values
  ('voucher', 'issued', '{}'), ('voucher', 'sent', '{sent}'), ('voucher', 'redeemed', '{sent,redeemed}'),
  ('voucher', 'expired', '{expired}'), ('voucher', 'void', '{void}'),
  ('campaign', 'draft', '{}'), ('campaign', 'running', '{running}'), ('campaign', 'paused', '{running,paused}'),
  ('campaign', 'done', '{running,done}'),
  ('campaign_target', 'queued', '{}'), ('campaign_target', 'queued_throttled', '{queued_throttled}'),
  ('campaign_target', 'sent', '{sent}'), ('campaign_target', 'delivered', '{sent,delivered}'),
  ('campaign_target', 'read', '{sent,read}'), ('campaign_target', 'failed', '{failed}'),
  ('campaign_target', 'opted_out', '{opted_out}'),
  ('insurance_quote', 'pending', '{}'), ('insurance_quote', 'approved', '{approved}'),
  ('insurance_quote', 'needs_changes', '{needs_changes}');

-- A new row of the machine's table, in its initial state.
create function tests.new_row(machine text) returns uuid language plpgsql as $$
declare
  id uuid;
begin
  case machine
    when 'voucher' then
      insert into public.vouchers (user_id, amount) values ('c0000000-0000-4000-8000-000000000001', 1000) returning vouchers.id into id;
    when 'campaign' then
      insert into public.campaigns (name, type, template_id) values ('machine test', 'promo', 'weekend_promo') returning campaigns.id into id;
    when 'campaign_target' then
      insert into public.campaign_targets (campaign_id, msisdn)
      values ('e0000000-0000-4000-8000-000000000003', '+2507' || lpad((random() * 1e8)::bigint::text, 8, '0'))
      returning campaign_targets.id into id;
    when 'insurance_quote' then
      insert into public.insurance_quotes (user_id) values ('c0000000-0000-4000-8000-000000000002') returning insurance_quotes.id into id;
  end case;
  return id;
end
$$;

-- Moves a row to a status, filling what that status requires.
create function tests.set_status(machine text, row_id uuid, to_state text) returns void language plpgsql as $$
begin
  case machine
    when 'voucher' then
      update public.vouchers
         set status = to_state,
             redeemed_at = case when to_state = 'redeemed' then now() end,
             redeemed_station_id = case when to_state = 'redeemed' then 'b0000000-0000-4000-8000-000000000001'::uuid end
       where id = row_id;
    when 'campaign' then
      update public.campaigns set status = to_state where id = row_id;
    when 'campaign_target' then
      update public.campaign_targets set status = to_state where id = row_id;
    when 'insurance_quote' then
      -- A decision carries its fields; a resubmission (back to pending) brings a new document.
      update public.insurance_quotes
         set status = to_state, premium = 50000, insurer = 'SONARWA', reviewer_comment = 'Please resend the yellow card.',
             change_reason = case when to_state = 'needs_changes' then 'other' end,
             uploaded_docs = case when to_state = 'pending' then uploaded_docs || (row_id || '/resent.png') else uploaded_docs end
       where id = row_id;
  end case;
end
$$;

-- 'ok', or 'refused: <message>' when a check_violation stopped the last step.
create function tests.try_transition(machine text, from_state text, to_state text) returns text language plpgsql as $$
declare
  row_id uuid;
  step text;
  outcome text;
begin
  begin
    row_id := tests.new_row(machine);
    foreach step in array (select path from states s where s.machine = try_transition.machine and s.state = from_state) loop
      perform tests.set_status(machine, row_id, step);
    end loop;
    outcome := 'ok';
    perform tests.set_status(machine, row_id, to_state);
    raise exception using errcode = 'TS901';
  exception
    when sqlstate 'TS901' then null;
    when check_violation then outcome := 'refused: ' || sqlerrm;
  end;
  return outcome;
end
$$;

-- The event types a voucher's timeline holds after walking a path then one more step.
create function tests.timeline_after(from_state text, to_state text) returns text[] language plpgsql as $$
declare
  row_id uuid := tests.new_row('voucher');
  step text;
begin
  foreach step in array (select path from states s where s.machine = 'voucher' and s.state = from_state) || to_state loop
    perform tests.set_status('voucher', row_id, step);
  end loop;
  return array(select event_type from public.voucher_events where voucher_id = row_id order by created_at, id);
end
$$;

select plan(
  (select count(*)::int from states a join states b on a.machine = b.machine and a.state <> b.state)  -- every pair
  + (select count(*)::int from states) - 4                                                              -- non-initial inserts
  + (select count(*)::int from legal where machine = 'voucher')                                          -- one event each
  + 9);

-- ── every (from, to) pair ───────────────────────────────────────────────────────────
select is(
  tests.try_transition(a.machine, a.state, b.state),
  case when l.machine is not null then 'ok'
       else format('refused: %s: illegal transition %s → %s', a.machine, a.state, b.state) end,
  format('%s: %s → %s is %s', a.machine, a.state, b.state, case when l.machine is not null then 'allowed' else 'refused' end))
  from states a
  join states b on a.machine = b.machine and a.state <> b.state
  left join legal l on l.machine = a.machine and l.from_state = a.state and l.to_state = b.state
 order by a.machine, a.state, b.state;

-- ── a new row starts in the initial state only ──────────────────────────────────────
select throws_like(
  case s.machine
    when 'voucher' then format($$insert into public.vouchers (user_id, amount, status) values ('c0000000-0000-4000-8000-000000000001', 1, %L)$$, s.state)
    when 'campaign' then format($$insert into public.campaigns (name, type, template_id, status) values ('x', 'promo', 't', %L)$$, s.state)
    when 'campaign_target' then format($$insert into public.campaign_targets (campaign_id, msisdn, status) values ('e0000000-0000-4000-8000-000000000003', '+250788555555', %L)$$, s.state)
    when 'insurance_quote' then format($$insert into public.insurance_quotes (status, premium, insurer, reviewer_comment) values (%L, 1, 'x', 'x')$$, s.state)
  end,
  format('%s: a new row cannot start as %s%%', s.machine, s.state),
  format('%s: a new row cannot start as %s', s.machine, s.state))
  from states s
 where s.path <> '{}'
 order by s.machine, s.state;

-- ── voucher events: one per change, with actor, station and context ──────────────────
-- Events share the transaction's timestamp, so order them by the path instead.
select is(
  (select array_agg(e order by e) from unnest(tests.timeline_after(l.from_state, l.to_state)) e),
  (select array_agg(e order by e) from unnest('{issued}'::text[] || s.path || l.to_state) e),
  format('voucher %s → %s leaves exactly one event, and every earlier change its own', l.from_state, l.to_state))
  from legal l join states s on s.machine = 'voucher' and s.state = l.from_state
 where l.machine = 'voucher'
 order by l.from_state, l.to_state;

create temp table ev on commit drop as select tests.new_row('voucher') as id;
select is((select array_agg(event_type) from public.voucher_events where voucher_id = (select id from ev)), '{issued}',
  'a new voucher has exactly one event: issued');

select set_config('request.jwt.claims', '{"role": "authenticated", "sub": "a0000000-0000-4000-8000-000000000003"}', true);
select app.set_voucher_event_context('{"channel": "whatsapp", "wamid": "wamid.TEST"}');
select tests.set_status('voucher', (select id from ev), 'sent');
select results_eq(
  $$select event_type, actor_id, station_id, context from public.voucher_events
     where voucher_id = (select id from ev) and event_type = 'sent'$$,
  $$values ('sent'::text, 'a0000000-0000-4000-8000-000000000003'::uuid, null::uuid,
            '{"channel": "whatsapp", "wamid": "wamid.TEST", "from": "issued"}'::jsonb)$$,
  'the sent event records the acting user, the caller''s context and the previous status');

select app.set_voucher_event_context('{"offline": true}');
select tests.set_status('voucher', (select id from ev), 'redeemed');
select results_eq(
  $$select station_id, context ->> 'offline' from public.voucher_events where voucher_id = (select id from ev) and event_type = 'redeemed'$$,
  $$values ('b0000000-0000-4000-8000-000000000001'::uuid, 'true')$$,
  'the redeemed event records the redeeming station');
select is((select count(*)::int from public.voucher_events where voucher_id = (select id from ev)), 3,
  'three changes (issue, send, redeem), three events');

update public.vouchers set metadata = '{"note": "edited"}' where id = (select id from ev);
select is((select count(*)::int from public.voucher_events where voucher_id = (select id from ev)), 3,
  'an update that does not change the status writes no event');

select throws_ok(
  $$update public.vouchers set status = 'issued' where id = (select id from ev)$$,
  '23514', 'voucher: illegal transition redeemed → issued',
  'the refusal names the machine and the change');
select is((select count(*)::int from public.voucher_events where voucher_id = (select id from ev)), 3,
  'a refused change leaves no event behind');

-- ── stamps that come with transitions ───────────────────────────────────────────────
create temp table c on commit drop as select tests.new_row('campaign') as id;
select tests.set_status('campaign', (select id from c), 'running');
select tests.set_status('campaign', (select id from c), 'done');
select ok((select started_at is not null and finished_at is not null from public.campaigns where id = (select id from c)),
  'a campaign records when it started and when it was done');
create temp table q on commit drop as select tests.new_row('insurance_quote') as id;
select tests.set_status('insurance_quote', (select id from q), 'approved');
select ok((select approved_at is not null and reviewed_by = 'a0000000-0000-4000-8000-000000000003' from public.insurance_quotes where id = (select id from q)),
  'an approved quote records when and by whom');

select * from finish();
rollback;
