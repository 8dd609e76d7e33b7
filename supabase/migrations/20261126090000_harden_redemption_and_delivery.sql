-- Hardening of redemption and delivery after review (a new migration: the ones it amends
-- may already be applied). Functions are replaced in place (their grants are kept);
-- record_failed_attempt changes its return type, so it is dropped and re-created.
--
-- Redemption: a voucher whose card never went out is not_found to a station, scope is
-- judged before status, only typed codes count as guesses, and failures are counted
-- exactly under advisory locks (no overshoot under concurrency); retry_after is when
-- every blocking count is back under the limit.
-- Delivery: a card waiting for its retry may be sent at once; lapsed queue rows are
-- dropped; a sent voucher is swept to expired only after the offline window; a failed
-- message status queues a resend (at most 5); image names can only be <id>.png.
-- Vouchers: scope and expiry are printed in the signed QR, so they freeze once sent.

-- ════════════════════════════════════════════════════════════════════════════════
-- Vouchers
-- ════════════════════════════════════════════════════════════════════════════════
create or replace function app.freeze_voucher() returns trigger
language plpgsql set search_path = '' as $$
begin
  if (new.id, new.user_id, new.amount, new.currency, new.code5, new.campaign_id, new.created_by, new.issued_at)
     is distinct from (old.id, old.user_id, old.amount, old.currency, old.code5, old.campaign_id, old.created_by, old.issued_at) then
    raise exception 'voucher %: who it is for, its amount, code, campaign and issue never change', old.code5
      using errcode = 'check_violation';
  end if;
  if (new.redeemed_at, new.redeemed_station_id) is distinct from (old.redeemed_at, old.redeemed_station_id)
     and not (old.status = 'sent' and new.status = 'redeemed') then
    raise exception 'voucher %: the redemption is recorded only when it is redeemed', old.code5
      using errcode = 'check_violation';
  end if;
  if old.status in ('redeemed', 'expired', 'void')
     and (to_jsonb(new) - array['metadata', 'updated_at']) is distinct from (to_jsonb(old) - array['metadata', 'updated_at']) then
    raise exception 'voucher % is %: only its metadata may change', old.code5, old.status
      using errcode = 'check_violation';
  end if;
  -- Scope and expiry are printed in the card's signed QR: they change only before it is sent.
  if old.status <> 'issued' and (new.station_scope, new.expires_at) is distinct from (old.station_scope, old.expires_at) then
    raise exception 'voucher %: its station scope and expiry are on its card: they change only before it is sent', old.code5
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;
comment on function app.freeze_voucher() is
  'Refuses changes to a voucher''s identity and value, to scope and expiry once sent, to redemption fields outside redemption, and to settled vouchers.';

-- Card and QR live at <voucher id>.png in their buckets: a name is never taken from the
-- column (a path like '../docs/…' would reach another bucket), and the column can hold
-- nothing else. (Senders always wrote these names; a hand-written path fails here, loudly.)
alter table public.vouchers add constraint vouchers_images_named_by_id
  check ((png_url is null or png_url = id::text || '.png') and (qr_url is null or qr_url = id::text || '.png'));

-- ════════════════════════════════════════════════════════════════════════════════
-- Guessing defence and redemption
-- ════════════════════════════════════════════════════════════════════════════════
-- Returns null when the caller may try a code, or the error answer when the operator or
-- the station failed attempt_limit times within the window. The first refusal of a
-- lock-out writes an audit row (and a policy_blocked event when the code is a voucher's);
-- refusals are returned, not raised, so that this record survives.
create or replace function app.guard_attempts(station uuid, presented_code text) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  lim int := app.redemption_setting('attempt_limit');
  window_length interval := make_interval(mins => app.redemption_setting('attempt_window_minutes')::int);
  by_operator int;
  by_station int;
  free_at timestamptz;
  last_failure timestamptz;
  voucher uuid;
begin
  select count(*) into by_operator from public.code_attempts
   where operator_id = auth.uid() and created_at > now() - window_length;
  select count(*) into by_station from public.code_attempts
   where station_id = station and created_at > now() - window_length;
  if by_operator < lim and by_station < lim then
    return null;
  end if;
  -- Free again when every blocking count drops below the limit: for a count of n, when
  -- its (n - limit + 1)-th oldest failure leaves the window.
  select max(t.at) into free_at from (
    (select a.created_at + window_length as at from public.code_attempts a
      where by_operator >= lim and a.operator_id = auth.uid() and a.created_at > now() - window_length
      order by a.created_at offset greatest(by_operator - lim, 0) limit 1)
    union all
    (select a.created_at + window_length from public.code_attempts a
      where by_station >= lim and a.station_id = station and a.created_at > now() - window_length
      order by a.created_at offset greatest(by_station - lim, 0) limit 1)) t;
  -- Recorded once per lock-out: unless a record is newer than the last counted failure.
  select max(created_at) into last_failure from public.code_attempts
   where (operator_id = auth.uid() or station_id = station) and created_at > now() - window_length;
  if not exists (select 1 from public.audit_log a where a.target_table = 'code_attempts' and a.target_id = station::text
                    and a.created_at >= last_failure) then
    select v.id into voucher from public.vouchers v where v.code5 = app.presented_code5(presented_code);
    if voucher is not null then
      insert into public.voucher_events (voucher_id, event_type, actor_id, station_id, context)
      values (voucher, 'policy_blocked', auth.uid(), station,
              jsonb_build_object('reason', 'too_many_attempts', 'operator_failures', by_operator, 'station_failures', by_station));
    end if;
    perform app.append_audit(auth.uid(), 'user', 'insert', 'code_attempts', station::text,
      jsonb_build_object('after', jsonb_build_object('blocked', true, 'reason', 'too_many_attempts', 'code', presented_code,
                                                     'operator_failures', by_operator, 'station_failures', by_station)));
  end if;
  return jsonb_build_object('ok', false, 'error', jsonb_build_object(
    'code', 'too_many_attempts', 'message', 'too many failed attempts: try again later',
    'retry_after', greatest(1, ceil(extract(epoch from (free_at - now())))::int)));
end
$$;
comment on function app.guard_attempts(uuid, text) is
  'Null when attempts are allowed; else the too_many_attempts answer (with retry_after seconds), recorded once per lock-out.';

drop function app.record_failed_attempt(uuid, text, text);

-- Counts a failure, exactly: the station's and the operator's counts are re-read under
-- their advisory locks (always station first, then operator: no deadlock), so concurrent
-- failures cannot overshoot the limit. Returns null once counted, or the too_many_attempts
-- answer when the limit was reached meanwhile (then nothing is counted). Only failing
-- requests take these locks; successful redemptions never wait on them.
create function app.record_failed_attempt(station uuid, presented_code text, outcome text) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  blocked jsonb;
begin
  perform pg_advisory_xact_lock(hashtext('code_attempts:station'), hashtext(station::text));
  perform pg_advisory_xact_lock(hashtext('code_attempts:operator'), hashtext(auth.uid()::text));
  blocked := app.guard_attempts(station, presented_code);
  if blocked is null then
    insert into public.code_attempts (station_id, operator_id, code5, outcome)
    values (station, auth.uid(), presented_code, outcome);
  end if;
  return blocked;
end
$$;
comment on function app.record_failed_attempt(uuid, text, text) is
  'Counts a failed lookup or redemption for the guessing defence, exactly under concurrency; the lock-out answer when it is reached.';
revoke all on function app.record_failed_attempt(uuid, text, text) from public, anon, authenticated;

-- Why a voucher cannot be redeemed at a station at a moment (null when it can).
create or replace function app.redeem_refusal(v public.vouchers, station uuid, at timestamptz) returns text
language sql stable set search_path = '' as $$
  -- Scope first: what is another station's is not this one's to know about. A voucher
  -- whose card never went out does not exist for a station (its code cannot have been
  -- shown at a pump), so a guess that finds one learns nothing.
  select case
    when v.station_scope is not null and v.station_scope <> station then 'wrong_station'
    when v.status = 'issued' then 'not_found'
    when v.status = 'redeemed' then 'already_redeemed'
    when v.status = 'void' then 'void'
    when v.status = 'expired' or (v.expires_at is not null and v.expires_at < at) then 'expired'
    when v.issued_at > at then 'not_yet_valid'
  end
$$;
comment on function app.redeem_refusal(public.vouchers, uuid, timestamptz) is
  'The error code a redemption of this voucher at this station and time would get, or null.';

create or replace function app.refusal_message(refusal text) returns text
language sql immutable set search_path = '' as $$
  select case refusal
    when 'already_redeemed' then 'this voucher was already redeemed'
    when 'void' then 'this voucher was cancelled'
    when 'expired' then 'this voucher expired before it was presented'
    when 'not_found' then 'no voucher has this code'
    when 'wrong_station' then 'this voucher is for another station'
    when 'not_yet_valid' then 'this voucher was presented before it was issued'
    else refusal
  end
$$;
comment on function app.refusal_message(text) is 'The sentence shown for a redemption refusal code.';

-- A voucher for the pump display: found by code (and, from a QR, by id too). Answers
-- {"ok": true, "voucher": {...}} only for a voucher this station may redeem, or redeemed
-- here, with the driver's number masked; otherwise {"ok": false, "error": {...}}.
create or replace function app.lookup_voucher(presented_code text, token_voucher_id uuid default null) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  station uuid := app.require_station();
  code char(5) := app.presented_code5(presented_code);
  blocked jsonb := app.guard_attempts(station, code);
  v public.vouchers;
  refusal text;
  msisdn text;
begin
  if blocked is not null then
    return blocked;
  end if;
  select * into v from public.vouchers where code5 = code
     and (token_voucher_id is null or id = token_voucher_id);
  refusal := case when v.id is null then 'not_found' else app.redeem_refusal(v, station, now()) end;
  if refusal is not null and not (refusal = 'already_redeemed' and v.redeemed_station_id = station) then
    -- A typed code that finds nothing here is a guess; a genuine QR never is.
    if refusal in ('not_found', 'wrong_station') and token_voucher_id is null then
      blocked := app.record_failed_attempt(station, presented_code, refusal);
      if blocked is not null then
        return blocked;
      end if;
    end if;
    return jsonb_build_object('ok', false, 'error', jsonb_build_object('code', refusal, 'message', app.refusal_message(refusal)));
  end if;
  select u.msisdn into msisdn from public.users u where u.id = v.user_id;
  return jsonb_build_object('ok', true, 'voucher', jsonb_build_object(
    'voucher_id', v.id, 'code5', v.code5, 'amount', v.amount, 'currency', v.currency, 'status', v.status,
    'expires_at', v.expires_at, 'masked_msisdn', app.mask_msisdn(msisdn), 'redeemable', refusal is null)
    || case when refusal is null then '{}'::jsonb else jsonb_build_object('reason', refusal) end);
end
$$;
comment on function app.lookup_voucher(text, uuid) is
  'What the pump display shows for a code: only vouchers this station may redeem (or redeemed here), number masked.';

-- Redeems once. Returns the stored answer as jsonb: {"ok": true, "redemption": {...}} or
-- {"ok": false, "error": {"code", "message"}}; replays return the first answer with
-- "replayed": true. Only a reused key with another payload raises (SQLSTATE P0422).
create or replace function app.redeem_voucher(
  idempotency_key uuid, presented_code text, token_voucher_id uuid, captured_at timestamptz, offline boolean, request_hash text
) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  station uuid := app.require_station();
  operator uuid := auth.uid();
  stored public.voucher_redemptions;
  v public.vouchers;
  matched uuid;
  skew interval := make_interval(mins => app.redemption_setting('clock_skew_minutes')::int);
  max_age interval := make_interval(hours => app.redemption_setting('offline_max_age_hours')::int);
  effective_at timestamptz;
  late boolean;
  refusal text;
  message text;
  answer jsonb;
begin
  perform app.presented_code5(presented_code);
  -- A retry: the first answer, or a refusal when the key is reused for something else.
  select * into stored from public.voucher_redemptions r where r.idempotency_key = redeem_voucher.idempotency_key;
  if stored.id is not null then
    if stored.request_hash <> redeem_voucher.request_hash or stored.station_id <> station then
      raise exception 'this idempotency key was already used for a different request' using errcode = 'P0422';
    end if;
    return app.as_replay(stored.result);
  end if;

  -- Blocked attempts are answered, not stored: the same key may succeed once unblocked.
  answer := app.guard_attempts(station, presented_code);
  if answer is not null then
    return answer;
  end if;

  -- Judge a late redemption by the device's capture time, within limits.
  if captured_at > now() + skew then
    refusal := 'capture_rejected';
    message := 'the device clock is ahead: captured_at is in the future';
  elsif captured_at < now() - max_age then
    refusal := 'capture_rejected';
    message := format('captured more than %s hours ago: too old to redeem', extract(epoch from max_age) / 3600);
  end if;
  effective_at := least(captured_at, now());
  late := offline or captured_at < now() - interval '5 minutes';

  if refusal is null then
    select * into v from public.vouchers where code5 = app.presented_code5(presented_code)
       and (token_voucher_id is null or id = token_voucher_id);
    if v.id is null then
      refusal := 'not_found';
    else
      matched := v.id;
      perform app.set_voucher_event_context(jsonb_build_object(
        'idempotency_key', idempotency_key, 'operator_id', operator, 'captured_at', captured_at, 'offline', late));
      update public.vouchers
         set status = 'redeemed', redeemed_at = effective_at, redeemed_station_id = station
       where id = matched and status = 'sent'
         and (station_scope is null or station_scope = station)
         and (expires_at is null or expires_at >= effective_at)
         and issued_at <= effective_at
      returning * into v;
      if not found then
        -- RETURNING INTO found nothing and emptied v: read the row as it now stands.
        select * into v from public.vouchers where id = matched;
        refusal := coalesce(app.redeem_refusal(v, station, effective_at), 'already_redeemed');
      end if;
    end if;
    -- A typed code that finds nothing here is a guess; a genuine QR never is. A guess
    -- past the limit is answered, not stored: the same key may be tried once unblocked.
    if refusal in ('not_found', 'wrong_station') and token_voucher_id is null then
      answer := app.record_failed_attempt(station, presented_code, refusal);
      if answer is not null then
        return answer;
      end if;
    end if;
    if refusal = 'not_found' then
      v := null; -- the record of a guess does not name what it found (an undelivered voucher)
    end if;
    message := app.refusal_message(refusal);
  end if;

  answer := case when refusal is null then jsonb_build_object('ok', true, 'redemption', jsonb_build_object(
      'idempotency_key', idempotency_key, 'voucher_id', v.id, 'code5', v.code5, 'amount', v.amount, 'currency', v.currency,
      'redeemed_at', v.redeemed_at, 'offline', late, 'replayed', false))
    else jsonb_build_object('ok', false, 'error', jsonb_build_object('code', refusal, 'message', message)) end;

  insert into public.voucher_redemptions (idempotency_key, voucher_id, code5, station_id, operator_id, captured_at,
                                          offline, request_hash, result_code, result)
  values (idempotency_key, v.id, presented_code, station, operator, captured_at, late, request_hash,
          coalesce(refusal, 'redeemed'), answer)
  on conflict on constraint voucher_redemptions_idempotency_key_key do nothing;
  if not found then
    -- The same key arrived twice at once: the other request answered first.
    select * into stored from public.voucher_redemptions r where r.idempotency_key = redeem_voucher.idempotency_key;
    if stored.request_hash <> redeem_voucher.request_hash or stored.station_id <> station then
      raise exception 'this idempotency key was already used for a different request' using errcode = 'P0422';
    end if;
    return app.as_replay(stored.result);
  end if;
  return answer;
end
$$;
comment on function app.redeem_voucher(uuid, text, uuid, timestamptz, boolean, text) is
  'Redeems a voucher exactly once for the caller''s station, judged at the device capture time; idempotent by key.';

-- ════════════════════════════════════════════════════════════════════════════════
-- Delivery
-- ════════════════════════════════════════════════════════════════════════════════
-- Sends are claimed with a lease (the queue row's next_attempt_at moves past the lease),
-- so two senders (an admin's resend, a scheduler tick) never send the same card at once.
-- A sender that dies mid-send loses its lease and the card goes out on a later tick.
create or replace function app.claim_send(voucher uuid, lease_seconds integer default 120) returns boolean
language plpgsql security definer set search_path = '' as $$
begin
  if not app.may_send_vouchers() then
    raise exception 'only voucher issuers send voucher cards' using errcode = 'insufficient_privilege';
  end if;
  insert into public.voucher_send_queue as q (voucher_id, next_attempt_at, last_reason)
  values (voucher, now() + make_interval(secs => lease_seconds), 'sending')
  on conflict (voucher_id) do update set next_attempt_at = excluded.next_attempt_at, last_reason = 'sending'
   where q.next_attempt_at <= now() or q.last_reason <> 'sending'; -- a card waiting for its retry may be sent now
  return found;
end
$$;
comment on function app.claim_send(uuid, integer) is
  'Takes the send lease of a voucher (also from a card waiting for its retry): false while another sender holds it.';

-- The scheduler's share of due sends, leased (FOR UPDATE SKIP LOCKED: concurrent ticks
-- take disjoint sets). Queue rows of vouchers that can no longer be sent (settled or past
-- their expiry) are dropped.
create or replace function app.claim_due_sends(batch integer, lease_seconds integer default 120) returns setof uuid
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.voucher_send_queue q using public.vouchers v
   where v.id = q.voucher_id and (v.status not in ('issued', 'sent') or v.expires_at <= now());
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

-- What WhatsApp later reports about a card's message (status webhooks): kept in
-- metadata.whatsapp, moving only forward (sent → delivered → read; failed is final), so
-- replayed or out-of-order webhooks change nothing.
create or replace function app.record_voucher_message_status(message_id text, message_status text, reported_at timestamptz,
                                                  failure jsonb default null) returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  progress constant text[] := array['sent', 'delivered', 'read', 'failed'];
  voucher uuid;
  failures int;
begin
  if array_position(progress, message_status) is null then
    raise exception 'unknown message status %', message_status using errcode = 'invalid_parameter_value';
  end if;
  update public.vouchers v
     set metadata = jsonb_set(v.metadata, '{whatsapp}', (v.metadata -> 'whatsapp')
           || jsonb_build_object('status', message_status, 'status_at', reported_at)
           || case when failure is null then '{}'::jsonb else jsonb_build_object('failure', failure) end)
   where v.metadata #>> '{whatsapp,message_id}' = message_id and v.metadata ? 'whatsapp'
     and array_position(progress, message_status) > coalesce(array_position(progress, v.metadata #>> '{whatsapp,status}'), 0)
  returning v.id into voucher;
  if voucher is null then
    return false;
  end if;
  -- WhatsApp accepted the card but could not deliver it: the driver has nothing. Send it
  -- again in an hour, at most 5 times in all (as the sender's own retries).
  if message_status = 'failed' then
    select count(*) into failures from public.voucher_events e
     where e.voucher_id = voucher and e.event_type = 'policy_blocked' and e.context ->> 'reason' = 'whatsapp_error';
    perform app.record_send_blocked(voucher, 'whatsapp_error',
      case when failures + 1 < 5 then now() + interval '1 hour' end,
      jsonb_build_object('channel', 'whatsapp', 'message_id', message_id, 'whatsapp_failure', failure, 'reported', 'webhook'));
  end if;
  return true;
end
$$;
comment on function app.record_voucher_message_status(text, text, timestamptz, jsonb) is
  'Records a WhatsApp status (delivered, read, failed) of a voucher card''s message (forward moves only); a failure queues a resend.';

create or replace function app.expire_vouchers(batch int default 1000) returns int
language plpgsql security definer set search_path = '' as $$
declare
  swept int;
  -- A sent voucher may still be redeemed by an offline capture made before its expiry:
  -- it is swept only once no such capture can arrive. Until then it is refused online
  -- (the redemption guard compares expires_at) but stays 'sent'.
  offline_window interval := make_interval(hours => app.redemption_setting('offline_max_age_hours')::int);
begin
  perform app.set_voucher_event_context(jsonb_build_object('reason', 'expiry', 'swept_at', now()));
  with due as (
    select id from public.vouchers
     where (status = 'issued' and expires_at < now()) or (status = 'sent' and expires_at < now() - offline_window)
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
comment on function app.expire_vouchers(int) is
  'Moves issued vouchers past their expiry, and sent ones past it by the offline window, to expired (one event each); returns how many.';

-- ════════════════════════════════════════════════════════════════════════════════
-- Bulk jobs
-- ════════════════════════════════════════════════════════════════════════════════
-- Issues the next batch of a job as its creator (the caller's claims must be theirs).
-- A row the database refuses (rows are checked before upload, but a job row could be
-- written by hand) is skipped with its reason in errors; the others are issued.
-- Returns how many rows it took; marks the job done after the last one.
create or replace function app.process_bulk_job(job uuid, batch integer default 500) returns integer
language plpgsql security definer set search_path = '' as $$
declare
  j public.voucher_bulk_jobs;
  row_data jsonb;
  row_number bigint;
  driver uuid;
  voucher uuid;
  taken integer := 0;
  failures jsonb := '[]'::jsonb;
begin
  select * into j from public.voucher_bulk_jobs where id = job for update;
  if j.id is null or j.status in ('done', 'failed') then
    return 0;
  end if;
  if auth.uid() is distinct from j.created_by then
    raise exception 'a bulk job is processed on behalf of its creator' using errcode = 'insufficient_privilege';
  end if;
  -- Rights are re-checked now: an admin demoted since the upload issues nothing more.
  if not app.has_any_role('{super_admin,data_ops}') then
    update public.voucher_bulk_jobs set status = 'failed', finished_at = now(),
           errors = errors || jsonb_build_array(jsonb_build_object('line', 0, 'column', '', 'message', 'the creator may no longer issue vouchers'))
     where id = job;
    return 0;
  end if;
  update public.voucher_bulk_jobs set status = 'running', started_at = coalesce(started_at, now()) where id = job;
  for row_data, row_number in
    select r, n from jsonb_array_elements(j.rows) with ordinality as t (r, n) where n > j.next_row order by n limit batch
  loop
    taken := taken + 1;
    begin
      insert into public.users (msisdn, display_name) values (row_data ->> 'msisdn', row_data ->> 'name')
      on conflict (msisdn) do nothing;
      select u.id into driver from public.users u where u.msisdn = row_data ->> 'msisdn';
      insert into public.vouchers (user_id, amount, currency, expires_at, station_scope, campaign_id, metadata)
      values (driver, (row_data ->> 'amount')::numeric, coalesce(row_data ->> 'currency', 'RWF'), (row_data ->> 'expires_at')::timestamptz,
              (row_data ->> 'station_scope')::uuid, j.campaign_id,
              jsonb_strip_nulls(jsonb_build_object('bulk_job', job, 'bulk_line', row_data -> 'line', 'note', row_data ->> 'note')))
      returning id into voucher;
      if j.send then
        insert into public.voucher_send_queue (voucher_id) values (voucher);
      end if;
    exception when others then
      -- A row written by hand may carry any "line": only a whole number is trusted.
      failures := failures || jsonb_build_array(jsonb_build_object(
        'line', case when row_data ->> 'line' ~ '^[0-9]{1,9}$' then (row_data ->> 'line')::int else row_number + 1 end,
        'column', '', 'message', sqlerrm));
    end;
  end loop;
  update public.voucher_bulk_jobs
     set next_row = next_row + taken,
         errors = errors || failures,
         status = case when next_row + taken >= total then 'done' else 'running' end,
         finished_at = case when next_row + taken >= total then now() end
   where id = job;
  return taken;
end
$$;
comment on function app.process_bulk_job(uuid, integer) is
  'Issues the next batch of a bulk job as its creator (rights re-checked), skipping refused rows with their reason, and queues the cards.';
