-- Getting a voucher's card to its driver on WhatsApp, under the programme's rules: a
-- global throttle per channel (settings.send_throttle), opt-outs (settings.opt_out_list
-- holds sha256 hashes of E.164 numbers), quiet hours (judged by the sender, in the
-- driver's time zone). A blocked send leaves the voucher issued, records why, and queues
-- it for the scheduler to retry; expired vouchers are swept.

-- ════════════════════════════════════════════════════════════════════════════════
-- Throttle: one counter row per channel and minute; the row lock makes concurrent
-- senders (campaign ticks, single sends) share the budget exactly.
-- ════════════════════════════════════════════════════════════════════════════════
create table public.send_slots (
  channel text not null,
  minute timestamptz not null,
  used integer not null default 0 check (used >= 0),
  primary key (channel, minute)
);
comment on table public.send_slots is 'Messages sent per channel and minute, for the global throttle. Old minutes are dropped by the scheduler.';
alter table public.send_slots enable row level security;
revoke all on table public.send_slots from public, anon, authenticated, service_role;
grant select, delete on table public.send_slots to service_role;

-- Takes one send from this minute's budget: null when granted, else when to try again.
create function app.take_send_slot(send_channel text) returns timestamptz
language plpgsql volatile security definer set search_path = '' as $$
declare
  per_minute int := coalesce((select (s.value #>> array[send_channel, 'per_minute'])::int from public.settings s where s.key = 'send_throttle'), 60);
  this_minute timestamptz := date_trunc('minute', clock_timestamp());
begin
  if per_minute <= 0 then
    return this_minute + interval '1 minute'; -- a paused channel
  end if;
  insert into public.send_slots as slot (channel, minute, used) values (send_channel, this_minute, 1)
  on conflict (channel, minute) do update set used = slot.used + 1 where slot.used < per_minute;
  if found then
    return null;
  end if;
  return this_minute + interval '1 minute';
end
$$;
comment on function app.take_send_slot(text) is
  'Takes one message from the channel''s per-minute budget: null when granted, else the time to retry.';

-- ════════════════════════════════════════════════════════════════════════════════
-- Opt-outs
-- ════════════════════════════════════════════════════════════════════════════════
create function app.msisdn_hash(msisdn text) returns text
language sql immutable set search_path = '' as $$
  select encode(sha256(convert_to(msisdn, 'UTF8')), 'hex')
$$;
comment on function app.msisdn_hash(text) is 'How opt-outs store a number: the sha256 hex of its E.164 form.';

create function app.is_opted_out(msisdn text) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.settings s, jsonb_array_elements_text(s.value) h
                  where s.key = 'opt_out_list' and h = app.msisdn_hash(msisdn))
$$;
comment on function app.is_opted_out(text) is 'True when the number is on the opt-out list (settings.opt_out_list).';

-- ════════════════════════════════════════════════════════════════════════════════
-- The send queue: vouchers waiting for their card to go out
-- ════════════════════════════════════════════════════════════════════════════════
create table public.voucher_send_queue (
  voucher_id uuid primary key references public.vouchers (id) on delete cascade,
  next_attempt_at timestamptz not null default now(),
  attempts integer not null default 0, -- failed WhatsApp sends so far
  last_reason text,
  enqueued_at timestamptz not null default now()
);
comment on table public.voucher_send_queue is
  'Issued vouchers whose card is still to be sent: new bulk vouchers, and sends blocked by quiet hours, the throttle or WhatsApp errors.';
create index voucher_send_queue_due_idx on public.voucher_send_queue (next_attempt_at);
alter table public.voucher_send_queue enable row level security;
revoke all on table public.voucher_send_queue from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.voucher_send_queue to service_role;
grant select on table public.voucher_send_queue to authenticated;
create policy "admins read the send queue" on public.voucher_send_queue for select to authenticated
  using ((select app.is_admin()));

create function app.may_send_vouchers() returns boolean
language sql stable set search_path = '' as $$
  select auth.role() = 'service_role' or app.has_any_role('{super_admin,data_ops}')
$$;
comment on function app.may_send_vouchers() is 'Voucher issuers and the service role may send cards and record sends.';

-- Sends are claimed with a lease (the queue row's next_attempt_at moves past the lease),
-- so two senders (an admin's resend, a scheduler tick) never send the same card at once.
-- A sender that dies mid-send loses its lease and the card goes out on a later tick.
create function app.claim_send(voucher uuid, lease_seconds integer default 120) returns boolean
language plpgsql security definer set search_path = '' as $$
begin
  if not app.may_send_vouchers() then
    raise exception 'only voucher issuers send voucher cards' using errcode = 'insufficient_privilege';
  end if;
  insert into public.voucher_send_queue as q (voucher_id, next_attempt_at, last_reason)
  values (voucher, now() + make_interval(secs => lease_seconds), 'sending')
  on conflict (voucher_id) do update set next_attempt_at = excluded.next_attempt_at, last_reason = 'sending'
   where q.next_attempt_at <= now();
  return found;
end
$$;
comment on function app.claim_send(uuid, integer) is
  'Takes the send lease of a voucher: false when another sender holds it.';

-- The scheduler's share of due sends, leased (FOR UPDATE SKIP LOCKED: concurrent ticks
-- take disjoint sets). Queue rows of vouchers that can no longer be sent are dropped.
create function app.claim_due_sends(batch integer, lease_seconds integer default 120) returns setof uuid
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.voucher_send_queue q using public.vouchers v
   where v.id = q.voucher_id and v.status not in ('issued', 'sent');
  return query
  with due as (
    select q.voucher_id from public.voucher_send_queue q
     where q.next_attempt_at <= now()
     order by q.next_attempt_at limit batch for update skip locked
  )
  update public.voucher_send_queue q set next_attempt_at = now() + make_interval(secs => lease_seconds), last_reason = 'sending'
    from due where q.voucher_id = due.voucher_id
  returning q.voucher_id;
end
$$;
comment on function app.claim_due_sends(integer, integer) is 'Leases up to batch due sends for a scheduler tick and returns their vouchers.';

-- A send that did not happen: a policy_blocked event with the reason and, when retry_at
-- is given, the voucher's place in the queue for then (without, it leaves the queue).
create function app.record_send_blocked(voucher uuid, reason text, retry_at timestamptz, context jsonb default '{}') returns void
language plpgsql security definer set search_path = '' as $$
begin
  if not app.may_send_vouchers() then
    raise exception 'only voucher issuers record sends' using errcode = 'insufficient_privilege';
  end if;
  insert into public.voucher_events (voucher_id, event_type, actor_id, context)
  values (voucher, 'policy_blocked', auth.uid(), context || jsonb_build_object('reason', reason, 'retry_at', retry_at));
  if retry_at is null then
    delete from public.voucher_send_queue where voucher_id = voucher;
    return;
  end if;
  -- Only WhatsApp's refusals count towards giving up; policy waits do not.
  insert into public.voucher_send_queue as q (voucher_id, next_attempt_at, attempts, last_reason)
  values (voucher, retry_at, (reason = 'whatsapp_error')::int, reason)
  on conflict (voucher_id) do update
    set next_attempt_at = excluded.next_attempt_at, attempts = q.attempts + excluded.attempts, last_reason = reason;
end
$$;
comment on function app.record_send_blocked(uuid, text, timestamptz, jsonb) is
  'Records why a card was not sent (policy_blocked event) and queues the voucher for retry_at (or drops it from the queue).';

-- A send that happened: issued → sent (the event keeps WhatsApp's message id), the id
-- and count of sends in metadata.whatsapp (a resend of a sent voucher changes only that,
-- which the audit log records). False when the voucher was settled meanwhile.
create function app.record_send(voucher uuid, message_id text) returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  recorded boolean;
begin
  if not app.may_send_vouchers() then
    raise exception 'only voucher issuers record sends' using errcode = 'insufficient_privilege';
  end if;
  perform app.set_voucher_event_context(jsonb_build_object('channel', 'whatsapp', 'message_id', message_id));
  update public.vouchers v
     set status = 'sent',
         metadata = coalesce(v.metadata, '{}'::jsonb) || jsonb_build_object('whatsapp', jsonb_build_object(
           'message_id', message_id, 'sent_at', now(),
           'sends', coalesce((v.metadata #>> '{whatsapp,sends}')::int, 0) + 1))
   where v.id = voucher and v.status in ('issued', 'sent');
  recorded := found;
  delete from public.voucher_send_queue where voucher_id = voucher;
  return recorded;
end
$$;
comment on function app.record_send(uuid, text) is
  'Marks a voucher sent (event and metadata keep the WhatsApp message id) and takes it off the send queue.';

-- What WhatsApp later reports about a card's message (status webhooks): kept in
-- metadata.whatsapp, moving only forward (sent → delivered → read; failed is final), so
-- replayed or out-of-order webhooks change nothing.
create index vouchers_whatsapp_message_id_idx on public.vouchers ((metadata #>> '{whatsapp,message_id}'))
  where metadata ? 'whatsapp';

create function app.record_voucher_message_status(message_id text, message_status text, reported_at timestamptz,
                                                  failure jsonb default null) returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  progress constant text[] := array['sent', 'delivered', 'read', 'failed'];
begin
  if array_position(progress, message_status) is null then
    raise exception 'unknown message status %', message_status using errcode = 'invalid_parameter_value';
  end if;
  update public.vouchers v
     set metadata = jsonb_set(v.metadata, '{whatsapp}', (v.metadata -> 'whatsapp')
           || jsonb_build_object('status', message_status, 'status_at', reported_at)
           || case when failure is null then '{}'::jsonb else jsonb_build_object('failure', failure) end)
   where v.metadata #>> '{whatsapp,message_id}' = message_id and v.metadata ? 'whatsapp'
     and array_position(progress, message_status) > coalesce(array_position(progress, v.metadata #>> '{whatsapp,status}'), 0);
  return found;
end
$$;
comment on function app.record_voucher_message_status(text, text, timestamptz, jsonb) is
  'Records a WhatsApp status (delivered, read, failed) of a voucher card''s message; only forward moves count.';

-- ════════════════════════════════════════════════════════════════════════════════
-- Expiry sweep (scheduler)
-- ════════════════════════════════════════════════════════════════════════════════
create function app.expire_vouchers(batch int default 1000) returns int
language plpgsql security definer set search_path = '' as $$
declare
  swept int;
begin
  perform app.set_voucher_event_context(jsonb_build_object('reason', 'expiry', 'swept_at', now()));
  with due as (
    select id from public.vouchers
     where status in ('issued', 'sent') and expires_at < now()
     order by expires_at limit batch for update skip locked
  )
  update public.vouchers v set status = 'expired' from due where v.id = due.id;
  get diagnostics swept = row_count;
  -- Cards of vouchers that can no longer be sent leave the queue (a sent voucher may still
  -- be waiting for a resend).
  delete from public.voucher_send_queue q using public.vouchers v
   where v.id = q.voucher_id and v.status not in ('issued', 'sent');
  return swept;
end
$$;
comment on function app.expire_vouchers(int) is 'Moves issued and sent vouchers past their expiry to expired (one event each); returns how many.';

create index vouchers_expiry_due_idx on public.vouchers (expires_at) where status in ('issued', 'sent');

revoke all on function app.take_send_slot(text), app.msisdn_hash(text), app.is_opted_out(text), app.may_send_vouchers(),
  app.claim_send(uuid, integer), app.claim_due_sends(integer, integer),
  app.record_send_blocked(uuid, text, timestamptz, jsonb), app.record_send(uuid, text), app.expire_vouchers(int),
  app.record_voucher_message_status(text, text, timestamptz, jsonb)
  from public, anon;
grant execute on function app.take_send_slot(text), app.msisdn_hash(text), app.is_opted_out(text), app.may_send_vouchers(),
  app.claim_send(uuid, integer), app.record_send_blocked(uuid, text, timestamptz, jsonb), app.record_send(uuid, text)
  to authenticated, service_role;
revoke all on function app.expire_vouchers(int), app.claim_due_sends(integer, integer),
  app.record_voucher_message_status(text, text, timestamptz, jsonb) from authenticated;
grant execute on function app.expire_vouchers(int), app.claim_due_sends(integer, integer),
  app.record_voucher_message_status(text, text, timestamptz, jsonb) to service_role;
