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
  attempts integer not null default 0,
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

-- A send that did not happen: a policy_blocked event with the reason, and a place in
-- the queue for when it may be tried again.
create function app.record_send_blocked(voucher uuid, reason text, retry_at timestamptz, context jsonb default '{}') returns void
language plpgsql security definer set search_path = '' as $$
begin
  if not app.may_send_vouchers() then
    raise exception 'only voucher issuers record sends' using errcode = 'insufficient_privilege';
  end if;
  insert into public.voucher_events (voucher_id, event_type, actor_id, context)
  values (voucher, 'policy_blocked', auth.uid(), context || jsonb_build_object('reason', reason, 'retry_at', retry_at));
  insert into public.voucher_send_queue as q (voucher_id, next_attempt_at, attempts, last_reason)
  values (voucher, coalesce(retry_at, now()), 1, reason)
  on conflict (voucher_id) do update set next_attempt_at = excluded.next_attempt_at, attempts = q.attempts + 1, last_reason = reason;
end
$$;
comment on function app.record_send_blocked(uuid, text, timestamptz, jsonb) is
  'Records why a card was not sent (policy_blocked event) and queues the voucher for a retry.';

-- A send that happened: issued → sent, with WhatsApp's message id in the event.
create function app.record_send(voucher uuid, message_id text) returns void
language plpgsql security definer set search_path = '' as $$
begin
  if not app.may_send_vouchers() then
    raise exception 'only voucher issuers record sends' using errcode = 'insufficient_privilege';
  end if;
  perform app.set_voucher_event_context(jsonb_build_object('channel', 'whatsapp', 'message_id', message_id));
  update public.vouchers set status = 'sent' where id = voucher and status = 'issued';
  delete from public.voucher_send_queue where voucher_id = voucher;
end
$$;
comment on function app.record_send(uuid, text) is 'Marks a voucher sent (event with the WhatsApp message id) and takes it off the send queue.';

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
  delete from public.voucher_send_queue q using public.vouchers v where v.id = q.voucher_id and v.status <> 'issued';
  return swept;
end
$$;
comment on function app.expire_vouchers(int) is 'Moves issued and sent vouchers past their expiry to expired (one event each); returns how many.';

create index vouchers_expiry_due_idx on public.vouchers (expires_at) where status in ('issued', 'sent');

revoke all on function app.take_send_slot(text), app.msisdn_hash(text), app.is_opted_out(text), app.may_send_vouchers(),
  app.record_send_blocked(uuid, text, timestamptz, jsonb), app.record_send(uuid, text), app.expire_vouchers(int)
  from public, anon;
grant execute on function app.take_send_slot(text), app.msisdn_hash(text), app.is_opted_out(text), app.may_send_vouchers(),
  app.record_send_blocked(uuid, text, timestamptz, jsonb), app.record_send(uuid, text)
  to authenticated, service_role;
revoke all on function app.expire_vouchers(int) from authenticated;
grant execute on function app.expire_vouchers(int) to service_role;
