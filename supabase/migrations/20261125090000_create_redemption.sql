-- Redemption at a station: looking a voucher up, redeeming it exactly once (online or
-- from an offline queue), and refusing guessers. These run as the operator (their JWT)
-- but see past RLS (security definer), because an operator may not read vouchers that
-- were not redeemed at their station; each function checks the caller's station itself.
--
-- Exactly once: redemption is a single guarded UPDATE (`… where status = 'sent' and …`).
-- Under READ COMMITTED a concurrent second redeemer waits for the first, re-checks the
-- guard against the committed row and changes nothing; no reliance on SERIALIZABLE.
-- Every answer (success or refusal) is stored under the client's idempotency key and
-- replayed to a retry; a reused key with another payload is refused.

-- ════════════════════════════════════════════════════════════════════════════════
-- Settings
-- ════════════════════════════════════════════════════════════════════════════════
insert into public.settings (key, value) values
  ('redemption', '{
     "attempt_limit": 10,
     "attempt_window_minutes": 10,
     "offline_max_age_hours": 72,
     "clock_skew_minutes": 10,
     "offline_max_count": 50,
     "offline_max_total": 500000
   }')
on conflict (key) do nothing;

create or replace function app.keep_required_settings() returns trigger
language plpgsql set search_path = '' as $$
begin
  if old.key in ('quiet_hours', 'send_throttle', 'opt_out_list', 'templates', 'revolut_link', 'redemption') then
    raise exception 'setting % is required: change its value instead of deleting it', old.key using errcode = 'check_violation';
  end if;
  return old;
end
$$;

create function app.redemption_setting(name text) returns numeric
language sql stable security definer set search_path = '' as $$
  select (s.value ->> name)::numeric from public.settings s where s.key = 'redemption'
$$;
comment on function app.redemption_setting(text) is 'A number from settings.redemption (limits of the redemption protocol).';
revoke all on function app.redemption_setting(text) from public, anon;
grant execute on function app.redemption_setting(text) to authenticated, service_role;

-- ════════════════════════════════════════════════════════════════════════════════
-- Failed attempts (guessing defence)
-- ════════════════════════════════════════════════════════════════════════════════
create table public.code_attempts (
  id uuid primary key default gen_random_uuid(),
  station_id uuid not null references public.stations (id),
  operator_id uuid not null references auth.users (id) on delete cascade,
  code5 text not null,
  outcome text not null,
  created_at timestamptz not null default now()
);
comment on table public.code_attempts is
  'Failed lookups and redemptions per station and operator: the guessing defence counts them over a sliding window.';
create index code_attempts_station_id_created_at_idx on public.code_attempts (station_id, created_at desc);
create index code_attempts_operator_id_created_at_idx on public.code_attempts (operator_id, created_at desc);

alter table public.code_attempts enable row level security;
revoke all on table public.code_attempts from public, anon, authenticated, service_role;
grant select on table public.code_attempts to authenticated;
grant select, delete on table public.code_attempts to service_role;
create policy "admins read code attempts; operators read their station's"
  on public.code_attempts for select to authenticated
  using ((select app.is_admin()) or station_id = (select app.operator_station_id()));

-- ════════════════════════════════════════════════════════════════════════════════
-- The caller at a station
-- ════════════════════════════════════════════════════════════════════════════════
-- A presented code as the index holds it; anything but 5 Crockford characters is refused
-- (a cast to char(5) would silently cut "A9NVCQ" to "A9NVC").
create function app.presented_code5(presented_code text) returns char(5)
language plpgsql immutable set search_path = '' as $$
begin
  if presented_code is null or presented_code !~ '^[0-9A-HJKMNP-TV-Z]{5}$' then
    raise exception 'a voucher code is 5 characters of 0-9 and A-Z without I, L, O, U'
      using errcode = 'invalid_text_representation';
  end if;
  return presented_code::char(5);
end
$$;
comment on function app.presented_code5(text) is 'A presented voucher code, checked to be exactly 5 Crockford base32 characters.';

create function app.require_station() returns uuid
language plpgsql stable security definer set search_path = '' as $$
declare
  station uuid := app.operator_station_id();
begin
  if station is null then
    raise exception 'this account operates no active station' using errcode = 'insufficient_privilege', hint = 'forbidden';
  end if;
  return station;
end
$$;
comment on function app.require_station() is 'The caller''s active station; refuses accounts that operate none.';

-- Returns null when the caller may try a code, or the error answer when the operator or
-- the station failed attempt_limit times within the window. The first refusal of a
-- lock-out writes an audit row (and a policy_blocked event when the code is a voucher's);
-- refusals are returned, not raised, so that this record survives.
create function app.guard_attempts(station uuid, presented_code text) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  lim int := app.redemption_setting('attempt_limit');
  window_length interval := make_interval(mins => app.redemption_setting('attempt_window_minutes')::int);
  by_operator int;
  by_station int;
  oldest timestamptz;
  last_failure timestamptz;
  voucher uuid;
  retry_after int;
begin
  select count(*) into by_operator from public.code_attempts
   where operator_id = auth.uid() and created_at > now() - window_length;
  select count(*) into by_station from public.code_attempts
   where station_id = station and created_at > now() - window_length;
  if by_operator < lim and by_station < lim then
    return null;
  end if;
  -- Free again when the oldest counted failure leaves the window.
  select min(created_at) into oldest from public.code_attempts
   where (operator_id = auth.uid() or station_id = station) and created_at > now() - window_length;
  retry_after := greatest(1, ceil(extract(epoch from (oldest + window_length - now())))::int);
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
    'code', 'too_many_attempts', 'message', 'too many failed attempts: try again later', 'retry_after', retry_after));
end
$$;
comment on function app.guard_attempts(uuid, text) is
  'Null when attempts are allowed; else the too_many_attempts answer (with retry_after seconds), recorded once per window.';

create function app.record_failed_attempt(station uuid, presented_code text, outcome text) returns void
language sql security definer set search_path = '' as $$
  insert into public.code_attempts (station_id, operator_id, code5, outcome) values (station, auth.uid(), presented_code, outcome)
$$;
comment on function app.record_failed_attempt(uuid, text, text) is 'Counts a failed lookup or redemption for the guessing defence.';

-- Why a voucher cannot be redeemed at a station at a moment (null when it can).
-- A stored answer, marked as a replay.
create function app.as_replay(answer jsonb) returns jsonb
language sql immutable set search_path = '' as $$
  select case when answer ? 'redemption' then jsonb_set(answer, '{redemption,replayed}', 'true') else answer end
    || jsonb_build_object('replayed', true)
$$;
comment on function app.as_replay(jsonb) is 'Marks a stored redemption answer as replayed.';

create function app.redeem_refusal(v public.vouchers, station uuid, at timestamptz) returns text
language sql stable set search_path = '' as $$
  select case
    when v.status = 'redeemed' then 'already_redeemed'
    when v.status = 'void' then 'void'
    when v.status = 'expired' or (v.expires_at is not null and v.expires_at < at) then 'expired'
    when v.status = 'issued' then 'not_sent'
    when v.station_scope is not null and v.station_scope <> station then 'wrong_station'
    when v.issued_at > at then 'not_yet_valid'
  end
$$;
comment on function app.redeem_refusal(public.vouchers, uuid, timestamptz) is
  'The error code a redemption of this voucher at this station and time would get, or null.';

create function app.refusal_message(refusal text) returns text
language sql immutable set search_path = '' as $$
  select case refusal
    when 'already_redeemed' then 'this voucher was already redeemed'
    when 'void' then 'this voucher was cancelled'
    when 'expired' then 'this voucher expired before it was presented'
    when 'not_sent' then 'this voucher was never delivered to its driver'
    when 'wrong_station' then 'this voucher is for another station'
    when 'not_yet_valid' then 'this voucher was presented before it was issued'
    else refusal
  end
$$;
comment on function app.refusal_message(text) is 'The sentence shown for a redemption refusal code.';

-- As packages/domain maskMsisdn: "+25078*****56".
create function app.mask_msisdn(msisdn text) returns text
language sql immutable set search_path = '' as $$
  select case when length(msisdn) < 8 then repeat('*', length(msisdn))
              else left(msisdn, 6) || repeat('*', length(msisdn) - 8) || right(msisdn, 2) end
$$;
comment on function app.mask_msisdn(text) is 'A phone number with all but its start and last two digits hidden.';

-- ════════════════════════════════════════════════════════════════════════════════
-- Station API
-- ════════════════════════════════════════════════════════════════════════════════
create function app.station_config() returns jsonb
language sql stable security definer set search_path = '' as $$
  select jsonb_build_object(
    'station', jsonb_build_object('id', s.id, 'name', s.name, 'engencode', s.engencode),
    'operator', jsonb_build_object('id', auth.uid(), 'email', auth.email()),
    'offline', jsonb_build_object(
      'max_count', app.redemption_setting('offline_max_count'),
      'max_total', app.redemption_setting('offline_max_total'),
      'max_age_hours', app.redemption_setting('offline_max_age_hours'),
      'clock_skew_minutes', app.redemption_setting('clock_skew_minutes')),
    'attempts', jsonb_build_object(
      'limit', app.redemption_setting('attempt_limit'),
      'window_minutes', app.redemption_setting('attempt_window_minutes')))
    from public.stations s where s.id = app.require_station()
$$;
comment on function app.station_config() is 'The caller''s station, operator and the redemption limits the PWA applies offline.';

-- A voucher for the pump display: found by code (and, from a QR, by id too). Answers
-- {"ok": true, "voucher": {...}} only for a voucher this station may redeem, or redeemed
-- here, with the driver's number masked; otherwise {"ok": false, "error": {...}}.
create function app.lookup_voucher(presented_code text, token_voucher_id uuid default null) returns jsonb
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
  if v.id is null then
    perform app.record_failed_attempt(station, presented_code, 'not_found');
    return jsonb_build_object('ok', false, 'error', jsonb_build_object('code', 'not_found', 'message', 'no voucher has this code'));
  end if;
  refusal := app.redeem_refusal(v, station, now());
  if refusal is not null and not (refusal = 'already_redeemed' and v.redeemed_station_id = station) then
    if refusal = 'wrong_station' then
      perform app.record_failed_attempt(station, presented_code, refusal);
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
create function app.redeem_voucher(
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
      message := 'no voucher has this code';
      perform app.record_failed_attempt(station, presented_code, refusal);
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
        message := app.refusal_message(refusal);
        if refusal = 'wrong_station' then
          perform app.record_failed_attempt(station, presented_code, refusal);
        end if;
      end if;
    end if;
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
    if stored.request_hash <> redeem_voucher.request_hash then
      raise exception 'this idempotency key was already used for a different request' using errcode = 'P0422';
    end if;
    return app.as_replay(stored.result);
  end if;
  return answer;
end
$$;
comment on function app.redeem_voucher(uuid, text, uuid, timestamptz, boolean, text) is
  'Redeems a voucher exactly once for the caller''s station, judged at the device capture time; idempotent by key.';

create function app.station_history(page_size int, before timestamptz default null) returns setof public.voucher_redemptions
language sql stable security definer set search_path = '' as $$
  select * from public.voucher_redemptions r
   where r.station_id = app.require_station() and (before is null or r.received_at < before)
   order by r.received_at desc limit least(greatest(page_size, 1), 200)
$$;
comment on function app.station_history(int, timestamptz) is 'The caller''s station''s redemption requests, newest first.';

-- ════════════════════════════════════════════════════════════════════════════════
-- Housekeeping: idempotency keys outlive the longest offline window, then go
-- ════════════════════════════════════════════════════════════════════════════════
create function app.forget_old_attempts() returns void
language sql security definer set search_path = '' as $$
  delete from public.code_attempts where created_at < now() - interval '1 day'
$$;
comment on function app.forget_old_attempts() is
  'Drops failed attempts older than a day (the defence only counts recent ones). Redemption keys are kept (they are the record).';

revoke all on function app.presented_code5(text), app.require_station(), app.guard_attempts(uuid, text), app.record_failed_attempt(uuid, text, text),
  app.redeem_refusal(public.vouchers, uuid, timestamptz), app.refusal_message(text), app.mask_msisdn(text), app.as_replay(jsonb),
  app.station_config(), app.lookup_voucher(text, uuid),
  app.redeem_voucher(uuid, text, uuid, timestamptz, boolean, text), app.station_history(int, timestamptz),
  app.forget_old_attempts()
  from public, anon;
revoke all on function app.guard_attempts(uuid, text), app.record_failed_attempt(uuid, text, text) from authenticated;
grant execute on function app.presented_code5(text), app.require_station(), app.redeem_refusal(public.vouchers, uuid, timestamptz), app.refusal_message(text),
  app.mask_msisdn(text), app.as_replay(jsonb), app.station_config(),
  app.lookup_voucher(text, uuid), app.redeem_voucher(uuid, text, uuid, timestamptz, boolean, text),
  app.station_history(int, timestamptz)
  to authenticated;
grant execute on function app.forget_old_attempts() to service_role;
