-- Sending campaigns: the opt-out table, a sliding-window throttle shared by every sender
-- and readable with a simulated clock, and the campaign send queue (an outbox) that the
-- scheduler's dispatcher claims with FOR UPDATE SKIP LOCKED.
--
-- A target's life in the queue (every step a short transaction; `at` is the dispatcher's
-- clock, the database's when null):
--   claim   lease due rows of running campaigns (lease_until)
--   begin   mark the send as handed to WhatsApp (send_started_at); issue a voucher campaign's voucher
--   send    (outside any transaction) the template, with the target id as biz_opaque_callback_data
--   record  sent with the message id, or deferred / failed as the error code says
-- A dispatcher that dies after claim leaves a lease that runs out. One that dies after
-- begin leaves the send "in doubt": if WhatsApp took the message, its status webhook
-- carries the target id and records the send; only when no webhook came within
-- app.campaign_send_doubt() is the target sent again.

-- ════════════════════════════════════════════════════════════════════════════════
-- The opt-out table (spec phase 4 `OptOut`: one row per number, a reason and a time).
-- STOP replies and WhatsApp's marketing preference land here; settings.opt_out_list
-- (hashes an admin adds) still counts too.
-- ════════════════════════════════════════════════════════════════════════════════
create table public.opt_outs (
  phone_e164 text primary key check (app.is_e164(phone_e164)),
  reason text not null check (length(reason) between 1 and 200),
  ts timestamptz not null default now()
);
comment on table public.opt_outs is
  'Numbers that asked not to be messaged (STOP replies, WhatsApp marketing preferences), one row per number.';
comment on column public.opt_outs.reason is 'How the opt-out arrived, e.g. "keyword:STOP" or "user_preferences".';
comment on column public.opt_outs.ts is 'When the number opted out.';

alter table public.opt_outs enable row level security;
revoke all on table public.opt_outs from public, anon, authenticated, service_role;
grant select on table public.opt_outs to authenticated;
grant select, insert, update, delete on table public.opt_outs to service_role;
-- Numbers are personal data: the roles that see campaign targets see opt-outs.
create policy "super admins and support read opt-outs"
  on public.opt_outs for select to authenticated
  using ((select app.may_read_campaign_targets()));

-- Both lists: the admins' hashes and the table. `?` tests membership of a jsonb array.
create or replace function app.is_opted_out(msisdn text) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.opt_outs o where o.phone_e164 = msisdn)
      or exists (select 1 from public.settings s where s.key = 'opt_out_list' and s.value ? app.msisdn_hash(msisdn))
$$;
comment on function app.is_opted_out(text) is
  'True when the number opted out: in public.opt_outs or (as its sha256) in settings.opt_out_list.';

-- How many numbers are opted out, both lists together (a number on both counted once).
-- A count reveals no number, so every admin may read it, unlike the table.
create function app.opt_out_count() returns integer
language sql stable security definer set search_path = '' as $$
  select case when app.is_admin() then
    (select coalesce(jsonb_array_length(s.value), 0) from public.settings s where s.key = 'opt_out_list')
    + (select count(*) from public.opt_outs o
        where not exists (select 1 from public.settings s
                           where s.key = 'opt_out_list' and s.value ? app.msisdn_hash(o.phone_e164)))::int
  end
$$;
comment on function app.opt_out_count() is 'Opted-out numbers across settings.opt_out_list and public.opt_outs; null for non-admins.';
revoke all on function app.opt_out_count() from public, anon;
grant execute on function app.opt_out_count() to authenticated, service_role;

create function app.record_opt_out(msisdn text, reason text, at timestamptz default null) returns boolean
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.opt_outs (phone_e164, reason, ts) values (msisdn, reason, coalesce(at, now()))
  on conflict (phone_e164) do nothing;
  return found;
end
$$;
comment on function app.record_opt_out(text, text, timestamptz) is
  'Adds a number to the opt-out table; false when it was already there.';

create function app.record_opt_in(msisdn text) returns boolean
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.opt_outs o where o.phone_e164 = msisdn;
  return found;
end
$$;
comment on function app.record_opt_in(text) is
  'Takes a number off the opt-out table (the driver asked to resume); the admins'' list is theirs to change.';

insert into public.settings (key, value) values
  ('opt_out_keywords', '{"stop": ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "HAGARIKA", "ARRET"],
                         "resume": ["START", "UNSTOP", "RESUME"]}')
on conflict (key) do nothing;

-- ════════════════════════════════════════════════════════════════════════════════
-- Throttle: a sliding window. Grants are counted per channel and second; a grant at
-- second s sees every count from s-60 on (61 seconds, so any 60-second window, however
-- it falls across the seconds, holds at most per_minute), and at most a sixtieth of the
-- budget goes in one second so sends spread over the minute. The channel row is locked
-- while granting: concurrent senders share the budget exactly.
-- ════════════════════════════════════════════════════════════════════════════════
drop function app.take_send_slot(text);
drop table public.send_slots;

create table public.send_channels (
  channel text primary key,
  paused_until timestamptz
);
comment on table public.send_channels is 'One row per sending channel: its lock for granting sends, and a back-off WhatsApp asked for.';
comment on column public.send_channels.paused_until is 'No sends before this (set after a 130429 throughput error).';

create table public.send_counts (
  channel text not null references public.send_channels (channel) on delete cascade,
  second timestamptz not null,
  used integer not null check (used > 0),
  primary key (channel, second)
);
comment on table public.send_counts is 'Sends granted per channel and second over the last two minutes, for the global throttle.';

alter table public.send_channels enable row level security;
alter table public.send_counts enable row level security;
revoke all on table public.send_channels, public.send_counts from public, anon, authenticated, service_role;
grant select on table public.send_channels, public.send_counts to service_role;
grant select on table public.send_channels to authenticated;
create policy "admins read send channels" on public.send_channels for select to authenticated
  using ((select app.is_admin()));

insert into public.send_channels (channel) values ('whatsapp');

create function app.send_per_minute(send_channel text) returns integer
language sql stable security definer set search_path = '' as $$
  select coalesce((select (s.value #>> array[send_channel, 'per_minute'])::int from public.settings s where s.key = 'send_throttle'), 60)
$$;
comment on function app.send_per_minute(text) is 'The channel''s budget per minute (settings.send_throttle; 60 when unset).';

-- How many sends may be granted at `at`: what the last 61 seconds left of per_minute, and
-- of this second's share. Later seconds count too: a sender whose clock runs behind cannot
-- overfill a window. A dispatcher claims nothing while it is 0.
create function app.send_slots_available(send_channel text, at timestamptz default null) returns integer
language sql stable security definer set search_path = '' as $$
  with clock as (select coalesce(at, clock_timestamp()) as t),
  counted as (
    select coalesce(sum(n.used), 0) as in_window,
           coalesce(sum(n.used) filter (where n.second = date_trunc('second', clock.t)), 0) as in_second
      from clock left join public.send_counts n
        on n.channel = send_channel and n.second >= date_trunc('second', clock.t) - interval '60 seconds'
     group by clock.t
  )
  select case
           when coalesce((select c.paused_until from public.send_channels c where c.channel = send_channel), '-infinity') > clock.t then 0
           else greatest(0, least(app.send_per_minute(send_channel) - counted.in_window,
                                  greatest(1, ceil(app.send_per_minute(send_channel) / 60.0)::int) - counted.in_second))::int
         end
    from clock, counted
$$;
comment on function app.send_slots_available(text, timestamptz) is 'How many sends the channel''s throttle would grant now.';

-- Grants up to `wanted` sends at `at`; returns how many. The room is send_slots_available,
-- read after taking the channel's lock, so it sees every grant committed before.
create function app.take_send_slots(send_channel text, wanted integer, at timestamptz default null) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  clock timestamptz := coalesce(at, clock_timestamp());
  this_second timestamptz := date_trunc('second', clock);
  granted integer;
begin
  insert into public.send_channels (channel) values (send_channel) on conflict (channel) do nothing;
  perform 1 from public.send_channels c where c.channel = send_channel for update;
  granted := greatest(0, least(wanted, app.send_slots_available(send_channel, clock)));
  if granted > 0 then
    insert into public.send_counts as n (channel, second, used) values (send_channel, this_second, granted)
    on conflict (channel, second) do update set used = n.used + excluded.used;
  end if;
  delete from public.send_counts n where n.channel = send_channel and n.second < this_second - interval '120 seconds';
  return granted;
end
$$;
comment on function app.take_send_slots(text, integer, timestamptz) is
  'Grants up to wanted sends from the channel''s sliding 60-second window (and its share per second); returns how many.';

-- When a send refused now may next be granted.
create function app.next_send_slot_at(send_channel text, at timestamptz default null) returns timestamptz
language plpgsql stable security definer set search_path = '' as $$
declare
  clock timestamptz := coalesce(at, clock_timestamp());
  this_second timestamptz := date_trunc('second', clock);
  per_minute integer := app.send_per_minute(send_channel);
  paused timestamptz := (select c.paused_until from public.send_channels c where c.channel = send_channel);
  window_full boolean;
begin
  if per_minute <= 0 then
    return this_second + interval '1 minute'; -- a paused channel: look again in a minute
  end if;
  if paused > clock then
    return paused;
  end if;
  select coalesce(sum(n.used), 0) >= per_minute into window_full
    from public.send_counts n where n.channel = send_channel and n.second >= this_second - interval '60 seconds';
  if not window_full then
    return this_second + interval '1 second';
  end if;
  -- The window frees up as its oldest second leaves it.
  return (select min(n.second) from public.send_counts n
           where n.channel = send_channel and n.second >= this_second - interval '60 seconds') + interval '61 seconds';
end
$$;
comment on function app.next_send_slot_at(text, timestamptz) is 'The earliest time a send refused by the throttle may be granted.';

-- One send for the voucher pipeline: null when granted, else when to try again.
create function app.take_send_slot(send_channel text) returns timestamptz
language plpgsql volatile security definer set search_path = '' as $$
begin
  if app.take_send_slots(send_channel, 1, null) = 1 then
    return null;
  end if;
  return app.next_send_slot_at(send_channel, null);
end
$$;
comment on function app.take_send_slot(text) is
  'Takes one send from the channel''s throttle: null when granted, else the time to retry.';

create function app.pause_send_channel(send_channel text, until timestamptz) returns void
language sql volatile security definer set search_path = '' as $$
  insert into public.send_channels as c (channel, paused_until) values (send_channel, until)
  on conflict (channel) do update set paused_until = greatest(c.paused_until, excluded.paused_until)
$$;
comment on function app.pause_send_channel(text, timestamptz) is 'Holds every send on the channel until the given time (WhatsApp asked us to back off).';

-- ════════════════════════════════════════════════════════════════════════════════
-- Targets: what the dispatcher records on them
-- ════════════════════════════════════════════════════════════════════════════════
alter table public.campaign_targets
  add column attempts integer not null default 0 check (attempts >= 0),
  add column error_message text,
  add column sent_at timestamptz,
  add column voucher_id uuid references public.vouchers (id) on delete set null;
comment on column public.campaign_targets.attempts is 'Failed sends that count towards giving up (WhatsApp refusals and outages, not throttling).';
comment on column public.campaign_targets.error_message is 'What WhatsApp said about the last failure.';
comment on column public.campaign_targets.sent_at is 'When WhatsApp accepted the message.';
comment on column public.campaign_targets.voucher_id is 'A voucher campaign''s voucher for this target, issued when its turn comes.';
create unique index campaign_targets_voucher_id_idx on public.campaign_targets (voucher_id) where voucher_id is not null;
-- The panel's targets table: a campaign's targets, newest activity first, in keyset pages.
create index campaign_targets_campaign_activity_idx on public.campaign_targets (campaign_id, last_update_at desc, id desc);

-- A failed target can be tried again (the panel's "Retry failed").
insert into app.state_transitions (machine, from_state, to_state) values ('campaign_target', 'failed', 'queued');

-- ════════════════════════════════════════════════════════════════════════════════
-- The campaign send queue: one row per target still to be sent, kept by a trigger from
-- the target's status. Only the dispatcher's bookkeeping lives here, so leases and
-- waits do not fill the audit log; every status change of a target is audited.
-- ════════════════════════════════════════════════════════════════════════════════
create table public.campaign_send_queue (
  target_id uuid primary key references public.campaign_targets (id) on delete cascade,
  campaign_id uuid not null references public.campaigns (id) on delete cascade,
  next_attempt_at timestamptz not null default '-infinity',
  lease_until timestamptz,
  send_started_at timestamptz,
  waiting_for text
);
comment on table public.campaign_send_queue is
  'Campaign targets still to be sent (queued, queued_throttled): when next due, the dispatcher''s lease and whether a send is in flight.';
comment on column public.campaign_send_queue.next_attempt_at is 'Not sent before this (quiet hours, throttle, WhatsApp back-off); -infinity: at once.';
comment on column public.campaign_send_queue.lease_until is 'A dispatcher holds the target until then.';
comment on column public.campaign_send_queue.send_started_at is
  'Set when the message is handed to WhatsApp; cleared when the outcome is recorded. Still set after the lease: the send is in doubt.';
comment on column public.campaign_send_queue.waiting_for is 'Why the target waits: quiet_hours, throttle, or a WhatsApp error code.';
create index campaign_send_queue_due_idx on public.campaign_send_queue (next_attempt_at);
create index campaign_send_queue_campaign_id_idx on public.campaign_send_queue (campaign_id);

alter table public.campaign_send_queue enable row level security;
revoke all on table public.campaign_send_queue from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.campaign_send_queue to service_role;
grant select on table public.campaign_send_queue to authenticated;
create policy "super admins and support read the campaign send queue"
  on public.campaign_send_queue for select to authenticated
  using ((select app.may_read_campaign_targets()));

create function app.sync_campaign_send_queue() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.status in ('queued', 'queued_throttled') then
    insert into public.campaign_send_queue (target_id, campaign_id) values (new.id, new.campaign_id)
    on conflict (target_id) do nothing;
  elsif tg_op = 'UPDATE' then
    delete from public.campaign_send_queue q where q.target_id = new.id;
  end if;
  return null;
end
$$;
comment on function app.sync_campaign_send_queue() is 'Keeps one queue row for each target waiting to be sent.';
revoke all on function app.sync_campaign_send_queue() from public, anon, authenticated;
create trigger sync_campaign_send_queue after insert or update of status on public.campaign_targets
  for each row execute function app.sync_campaign_send_queue();
-- Targets already waiting when this migration runs join the queue.
insert into public.campaign_send_queue (target_id, campaign_id)
select t.id, t.campaign_id from public.campaign_targets t join public.campaigns c on c.id = t.campaign_id
 where t.status in ('queued', 'queued_throttled') and c.status <> 'done'
on conflict (target_id) do nothing;

-- A finished campaign sends nothing more: its queue empties (its targets keep their status).
create function app.drop_finished_campaign_queue() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.campaign_send_queue q where q.campaign_id = new.id;
  return null;
end
$$;
comment on function app.drop_finished_campaign_queue() is 'Empties the send queue of a campaign that is done.';
revoke all on function app.drop_finished_campaign_queue() from public, anon, authenticated;
create trigger drop_finished_campaign_queue after update of status on public.campaigns
  for each row when (new.status = 'done' and old.status is distinct from 'done')
  execute function app.drop_finished_campaign_queue();

-- How long a send handed to WhatsApp without a recorded outcome waits for WhatsApp's
-- status webhook before the target is sent again.
create function app.campaign_send_doubt() returns interval
language sql immutable set search_path = '' as $$ select interval '10 minutes' $$;
comment on function app.campaign_send_doubt() is 'How long an unrecorded send waits for its status webhook before it is tried again.';

-- ── claim ───────────────────────────────────────────────────────────────────────────
create function app.claim_campaign_targets(batch integer, lease_seconds integer, at timestamptz default null)
returns table (target_id uuid, campaign_id uuid, msisdn text, vars jsonb, attempts integer, voucher_id uuid,
               campaign_type text, template_id text, options jsonb, opted_out boolean)
language plpgsql volatile security definer set search_path = '' as $$
declare
  clock timestamptz := coalesce(at, clock_timestamp());
begin
  return query
  with due as (
    select q.target_id from public.campaign_send_queue q
      join public.campaigns c on c.id = q.campaign_id and c.status = 'running'
     where q.next_attempt_at <= clock
       and (q.lease_until is null or q.lease_until <= clock)
       and (q.send_started_at is null or q.send_started_at <= clock - app.campaign_send_doubt())
     order by q.next_attempt_at, q.target_id
     limit batch
     for update of q skip locked
  ), leased as (
    update public.campaign_send_queue q
       set lease_until = clock + make_interval(secs => lease_seconds), send_started_at = null
      from due where q.target_id = due.target_id
    returning q.target_id
  )
  select t.id, t.campaign_id, t.msisdn, t.personalized_vars, t.attempts, t.voucher_id,
         c.type, c.template_id, c.metadata, app.is_opted_out(t.msisdn)
    from leased l
    join public.campaign_targets t on t.id = l.target_id
    join public.campaigns c on c.id = t.campaign_id;
end
$$;
comment on function app.claim_campaign_targets(integer, integer, timestamptz) is
  'Leases up to batch due targets of running campaigns (SKIP LOCKED: concurrent dispatchers take disjoint sets).';

-- Whether a running campaign has a target due (the dispatcher waits for the throttle only then).
create function app.campaign_targets_due(at timestamptz default null) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.campaign_send_queue q
      join public.campaigns c on c.id = q.campaign_id and c.status = 'running'
     where q.next_attempt_at <= coalesce(at, clock_timestamp())
       and (q.lease_until is null or q.lease_until <= coalesce(at, clock_timestamp()))
       and (q.send_started_at is null or q.send_started_at <= coalesce(at, clock_timestamp()) - app.campaign_send_doubt()))
$$;
comment on function app.campaign_targets_due(timestamptz) is 'True when a running campaign has a target the dispatcher could claim now.';

-- ── opted out ───────────────────────────────────────────────────────────────────────
create function app.mark_targets_opted_out(targets uuid[]) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  marked integer;
begin
  update public.campaign_targets t set status = 'queued' where t.id = any (targets) and t.status = 'queued_throttled';
  update public.campaign_targets t set status = 'opted_out' where t.id = any (targets) and t.status = 'queued';
  get diagnostics marked = row_count;
  return marked;
end
$$;
comment on function app.mark_targets_opted_out(uuid[]) is 'Claimed targets whose number opted out: opted_out, never messaged.';

-- ── wait (quiet hours, throttle, WhatsApp back-off) ─────────────────────────────────
-- Without an error the target's row is untouched (a wait is not a change of status).
-- `until` null releases the lease and keeps the due time (the target keeps its place).
create function app.defer_campaign_targets(targets uuid[], until timestamptz, waiting_for text,
                                           throttled boolean default false, counts boolean default false,
                                           error_code text default null, error_message text default null)
returns void
language plpgsql volatile security definer set search_path = '' as $$
begin
  if throttled then
    update public.campaign_targets t set status = 'queued_throttled' where t.id = any (targets) and t.status = 'queued';
  end if;
  if counts or error_code is not null then
    update public.campaign_targets t
       set attempts = t.attempts + counts::int,
           error_code = defer_campaign_targets.error_code, error_message = defer_campaign_targets.error_message
     where t.id = any (targets);
  end if;
  update public.campaign_send_queue q
     set next_attempt_at = coalesce(until, q.next_attempt_at), lease_until = null, send_started_at = null,
         waiting_for = defer_campaign_targets.waiting_for
   where q.target_id = any (targets);
end
$$;
comment on function app.defer_campaign_targets(uuid[], timestamptz, text, boolean, boolean, text, text) is
  'Puts claimed targets back in the queue until a time, with why (and, for WhatsApp errors, the error and the attempt).';

-- ── begin: the send is about to be handed to WhatsApp ──────────────────────────────
-- Voucher campaigns issue the target's voucher here (once: a retry reuses it), to the
-- driver with this number (created when unknown), valid for the campaign's days.
create function app.begin_campaign_sends(targets uuid[], at timestamptz default null)
returns table (target_id uuid, voucher_id uuid)
language plpgsql volatile security definer set search_path = '' as $$
declare
  clock timestamptz := coalesce(at, clock_timestamp());
  row record;
  driver uuid;
  voucher uuid;
begin
  update public.campaign_targets t set status = 'queued' where t.id = any (targets) and t.status = 'queued_throttled';
  for row in
    select t.id, t.msisdn, t.campaign_id, c.metadata -> 'voucher' as voucher_options
      from public.campaign_targets t join public.campaigns c on c.id = t.campaign_id
     where t.id = any (targets) and c.type = 'voucher' and t.voucher_id is null
  loop
    if (row.voucher_options ->> 'amount') is null or (row.voucher_options ->> 'expires_in_days') is null then
      -- Only a campaign written around the API lacks these: nothing to issue, nothing sent.
      perform app.fail_campaign_target(row.id, 'voucher_options', 'the campaign has no voucher amount or expiry');
      continue;
    end if;
    insert into public.users (msisdn) values (row.msisdn) on conflict (msisdn) do nothing;
    select u.id into driver from public.users u where u.msisdn = row.msisdn;
    insert into public.vouchers (user_id, amount, currency, station_scope, campaign_id, expires_at, metadata)
    values (driver, (row.voucher_options ->> 'amount')::numeric, coalesce(row.voucher_options ->> 'currency', 'RWF'),
            (row.voucher_options ->> 'station_scope')::uuid, row.campaign_id,
            clock + make_interval(days => (row.voucher_options ->> 'expires_in_days')::int),
            jsonb_build_object('campaign_target_id', row.id))
    returning id into voucher;
    update public.campaign_targets t set voucher_id = voucher, user_id = driver where t.id = row.id;
  end loop;
  update public.campaign_send_queue q set send_started_at = clock, waiting_for = null where q.target_id = any (targets);
  return query select t.id, t.voucher_id from public.campaign_targets t where t.id = any (targets) and t.status = 'queued';
end
$$;
comment on function app.begin_campaign_sends(uuid[], timestamptz) is
  'Marks claimed targets as being handed to WhatsApp (in doubt until recorded); issues voucher campaigns'' vouchers. Returns the targets to send.';

-- ── record ──────────────────────────────────────────────────────────────────────────
-- Sent: the message id kept (status webhooks find the target by it). False when a status
-- webhook recorded it first. A voucher campaign's voucher is marked sent too.
create function app.record_campaign_send(target uuid, message_id text, at timestamptz default null) returns boolean
language plpgsql volatile security definer set search_path = '' as $$
declare
  clock timestamptz := coalesce(at, clock_timestamp());
  voucher uuid;
begin
  update public.campaign_targets t set status = 'queued' where t.id = target and t.status = 'queued_throttled';
  update public.campaign_targets t
     set status = 'sent', message_id = record_campaign_send.message_id, sent_at = clock,
         error_code = null, error_message = null
   where t.id = target and t.status in ('queued', 'queued_throttled')
  returning t.voucher_id into voucher;
  if not found then
    return false;
  end if;
  if voucher is not null then
    perform app.record_send(voucher, message_id);
  end if;
  return true;
end
$$;
comment on function app.record_campaign_send(uuid, text, timestamptz) is
  'Records that WhatsApp accepted a target''s message (queued → sent, message id kept).';

create function app.fail_campaign_target(target uuid, error_code text, error_message text) returns void
language plpgsql volatile security definer set search_path = '' as $$
begin
  update public.campaign_targets t set status = 'queued' where t.id = target and t.status = 'queued_throttled';
  update public.campaign_targets t
     set status = 'failed', attempts = t.attempts + 1,
         error_code = fail_campaign_target.error_code, error_message = fail_campaign_target.error_message
   where t.id = target and t.status = 'queued';
end
$$;
comment on function app.fail_campaign_target(uuid, text, text) is 'A target WhatsApp will not take: failed, with the error code.';

-- What WhatsApp's status webhooks say about a target's message: forward only (sent →
-- delivered → read; sent → failed), so duplicated or reordered webhooks change nothing.
-- A send whose outcome was never recorded (the dispatcher died after sending) is found
-- by the target id WhatsApp echoes back (biz_opaque_callback_data) and recorded now.
create function app.record_target_message_status(message_id text, message_status text, reported_at timestamptz,
                                                 failure jsonb default null, callback_data text default null)
returns boolean
language plpgsql volatile security definer set search_path = '' as $$
declare
  rank constant text[] := array['sent', 'delivered', 'read'];
  target public.campaign_targets;
  adopted boolean := false;
begin
  if message_status not in ('sent', 'delivered', 'read', 'failed') then
    raise exception 'unknown message status %', message_status using errcode = 'invalid_parameter_value';
  end if;
  select * into target from public.campaign_targets t where t.message_id = record_target_message_status.message_id for update;
  if not found and callback_data ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    select * into target from public.campaign_targets t
     where t.id = callback_data::uuid and t.message_id is null and t.status in ('queued', 'queued_throttled')
       and exists (select 1 from public.campaign_send_queue q where q.target_id = t.id and q.send_started_at is not null)
       for update;
    if found then
      perform app.record_campaign_send(target.id, message_id, reported_at);
      select * into target from public.campaign_targets t where t.id = target.id;
      adopted := true;
    end if;
  end if;
  if target.id is null then
    return false;
  end if;
  if message_status = 'failed' then
    if target.status <> 'sent' then
      return adopted;
    end if;
    update public.campaign_targets t
       set status = 'failed', error_code = coalesce(failure ->> 'code', 'failed'),
           error_message = coalesce(failure ->> 'title', failure ->> 'message')
     where t.id = target.id;
    return true;
  end if;
  if array_position(rank, message_status) <= coalesce(array_position(rank, target.status), 99) then
    return adopted;
  end if;
  update public.campaign_targets t set status = message_status where t.id = target.id;
  return true;
end
$$;
comment on function app.record_target_message_status(text, text, timestamptz, jsonb, text) is
  'Applies a WhatsApp status webhook to a campaign target: forward moves only; recovers sends never recorded.';

-- ── campaigns that have nothing left to send are done ───────────────────────────────
create function app.finish_drained_campaigns() returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  finished integer;
begin
  update public.campaigns c set status = 'done'
   where c.status = 'running'
     and not exists (select 1 from public.campaign_send_queue q where q.campaign_id = c.id);
  get diagnostics finished = row_count;
  return finished;
end
$$;
comment on function app.finish_drained_campaigns() is 'Running campaigns whose every target has an outcome become done.';

-- ── retry failed targets (campaign runners, from the panel) ─────────────────────────
create function app.retry_failed_targets(campaign uuid, targets uuid[] default null) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  retried integer;
begin
  if not app.has_any_role('{super_admin,support}') then
    raise exception 'only super admins and support retry campaign targets' using errcode = 'insufficient_privilege';
  end if;
  if app.campaign_status(campaign) not in ('running', 'paused') then
    raise exception 'only a running or paused campaign''s targets can be retried' using errcode = 'check_violation';
  end if;
  -- The old message id goes: a new send's status webhooks must be able to find the target.
  update public.campaign_targets t set status = 'queued', attempts = 0, message_id = null, sent_at = null
   where t.campaign_id = campaign and t.status = 'failed' and (targets is null or t.id = any (targets));
  get diagnostics retried = row_count;
  return retried;
end
$$;
comment on function app.retry_failed_targets(uuid, uuid[]) is
  'Puts a campaign''s failed targets (all, or the given ones) back in the queue with fresh attempts.';

revoke all on function app.record_opt_out(text, text, timestamptz), app.record_opt_in(text), app.send_per_minute(text),
  app.take_send_slots(text, integer, timestamptz), app.next_send_slot_at(text, timestamptz), app.take_send_slot(text),
  app.send_slots_available(text, timestamptz), app.pause_send_channel(text, timestamptz), app.campaign_send_doubt(),
  app.claim_campaign_targets(integer, integer, timestamptz), app.campaign_targets_due(timestamptz),
  app.mark_targets_opted_out(uuid[]),
  app.defer_campaign_targets(uuid[], timestamptz, text, boolean, boolean, text, text),
  app.begin_campaign_sends(uuid[], timestamptz), app.record_campaign_send(uuid, text, timestamptz),
  app.fail_campaign_target(uuid, text, text), app.record_target_message_status(text, text, timestamptz, jsonb, text),
  app.finish_drained_campaigns(), app.retry_failed_targets(uuid, uuid[])
  from public, anon, authenticated;
grant execute on function app.record_opt_out(text, text, timestamptz), app.record_opt_in(text), app.send_per_minute(text),
  app.take_send_slots(text, integer, timestamptz), app.next_send_slot_at(text, timestamptz),
  app.send_slots_available(text, timestamptz), app.pause_send_channel(text, timestamptz), app.campaign_send_doubt(),
  app.claim_campaign_targets(integer, integer, timestamptz), app.campaign_targets_due(timestamptz),
  app.mark_targets_opted_out(uuid[]),
  app.defer_campaign_targets(uuid[], timestamptz, text, boolean, boolean, text, text),
  app.begin_campaign_sends(uuid[], timestamptz), app.record_campaign_send(uuid, text, timestamptz),
  app.fail_campaign_target(uuid, text, text), app.record_target_message_status(text, text, timestamptz, jsonb, text),
  app.finish_drained_campaigns()
  to service_role;
-- Voucher senders (admins, as themselves) take one slot at a time at the database's clock.
grant execute on function app.take_send_slot(text), app.send_per_minute(text), app.next_send_slot_at(text, timestamptz)
  to authenticated, service_role;
grant execute on function app.retry_failed_targets(uuid, uuid[]) to authenticated;
