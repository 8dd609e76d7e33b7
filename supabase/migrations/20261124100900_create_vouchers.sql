-- Fuel vouchers (spec: `vouchers`, `voucher_events`) and the redemption record the
-- offline protocol needs (addition: `voucher_redemptions`, docs/data-model.md).
--
-- Every status change follows app.state_transitions, writes its voucher_events row and
-- its audit_log row, all in the writer's transaction.

-- ════════════════════════════════════════════════════════════════════════════════
-- vouchers
-- ════════════════════════════════════════════════════════════════════════════════
create table public.vouchers (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id),
  station_scope uuid references public.stations (id),
  campaign_id uuid references public.campaigns (id),
  amount numeric(12, 2) not null check (amount > 0),
  currency text not null default 'RWF' check (currency ~ '^[A-Z]{3}$'),
  code5 char(5) unique not null default app.generate_code5() check (code5 ~ '^[0-9A-HJKMNP-TV-Z]{5}$'),
  qr_url text,
  png_url text,
  status text not null default 'issued' check (status in ('issued', 'sent', 'redeemed', 'expired', 'void')),
  issued_at timestamptz default now(),
  redeemed_at timestamptz,
  expires_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  metadata jsonb default '{}'::jsonb,
  -- addition: where it was redeemed (operators see the vouchers redeemed at their station)
  redeemed_station_id uuid references public.stations (id),
  updated_at timestamptz not null default now(),
  constraint vouchers_expiry_after_issue check (expires_at is null or expires_at > issued_at),
  constraint vouchers_redeemed_has_time check ((status = 'redeemed') = (redeemed_at is not null)),
  constraint vouchers_redeemed_has_station check ((status = 'redeemed') = (redeemed_station_id is not null)),
  constraint vouchers_redeemed_within_scope check (station_scope is null or redeemed_station_id is null or redeemed_station_id = station_scope),
  constraint vouchers_redeemed_before_expiry check (redeemed_at is null or expires_at is null or redeemed_at <= expires_at)
);
comment on table public.vouchers is 'A fuel voucher for a driver: amount, 5-character code, status from issued to redeemed.';
comment on column public.vouchers.code5 is 'The code the driver shows: 5 characters of Crockford base32, unique forever.';
comment on column public.vouchers.station_scope is 'When set, the only station that may redeem the voucher.';
comment on column public.vouchers.redeemed_station_id is 'The station that redeemed it (set with status redeemed).';
comment on column public.vouchers.png_url is 'Storage path of the card image (bucket vouchers).';
comment on column public.vouchers.qr_url is 'Storage path of the bare QR image (bucket qr).';

create index vouchers_status_idx on public.vouchers (status);
create index vouchers_user_id_idx on public.vouchers (user_id);
create index vouchers_campaign_id_idx on public.vouchers (campaign_id);
create index vouchers_station_scope_status_idx on public.vouchers (station_scope, status);
create index vouchers_redeemed_station_id_idx on public.vouchers (redeemed_station_id, redeemed_at desc);
create index vouchers_issued_at_idx on public.vouchers (issued_at desc);
create index vouchers_created_by_idx on public.vouchers (created_by);

-- ════════════════════════════════════════════════════════════════════════════════
-- voucher_events
-- ════════════════════════════════════════════════════════════════════════════════
create table public.voucher_events (
  id uuid primary key default gen_random_uuid(),
  voucher_id uuid not null references public.vouchers (id),
  event_type text not null check (event_type in ('issued', 'sent', 'redeemed', 'expired', 'void', 'policy_blocked')),
  actor_id uuid references auth.users (id) on delete set null,
  station_id uuid references public.stations (id),
  context jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
comment on table public.voucher_events is
  'The timeline of a voucher: one row per status change (and per blocked attempt), written by triggers and SQL functions.';
comment on column public.voucher_events.context is
  'Why and how: the previous status, quiet-hour reason, WhatsApp response, offline capture time… Callers pass it with app.set_voucher_event_context().';

create index voucher_events_voucher_id_created_at_idx on public.voucher_events (voucher_id, created_at);
create index voucher_events_event_type_created_at_idx on public.voucher_events (event_type, created_at desc);
create index voucher_events_station_id_created_at_idx on public.voucher_events (station_id, created_at desc);
create index voucher_events_actor_id_idx on public.voucher_events (actor_id);

-- ════════════════════════════════════════════════════════════════════════════════
-- voucher_redemptions: one row per redemption request, keyed by the client's
-- idempotency key, holding the answer given so a replay gets the same answer.
-- ════════════════════════════════════════════════════════════════════════════════
create table public.voucher_redemptions (
  id uuid primary key default gen_random_uuid(),
  idempotency_key uuid unique not null,
  voucher_id uuid references public.vouchers (id),
  code5 char(5) not null,
  station_id uuid not null references public.stations (id),
  operator_id uuid not null references auth.users (id),
  captured_at timestamptz not null,
  received_at timestamptz not null default now(),
  offline boolean not null default false,
  request_hash text not null,
  result_code text not null,
  result jsonb not null
);
comment on table public.voucher_redemptions is
  'Redemption requests by idempotency key: the first answer is stored and replayed; a reused key with another payload is refused. Kept longer than the longest offline window.';
comment on column public.voucher_redemptions.captured_at is 'Device time when the operator scanned or typed the code.';
comment on column public.voucher_redemptions.received_at is 'Server time when the request arrived.';
comment on column public.voucher_redemptions.request_hash is 'Hash of the request payload, to detect a key reused for a different request.';
comment on column public.voucher_redemptions.result_code is 'redeemed, or why not (already_redeemed, void, expired, wrong_station, …).';

create index voucher_redemptions_station_id_received_at_idx on public.voucher_redemptions (station_id, received_at desc);
create index voucher_redemptions_voucher_id_idx on public.voucher_redemptions (voucher_id);
create index voucher_redemptions_operator_id_idx on public.voucher_redemptions (operator_id);

-- ════════════════════════════════════════════════════════════════════════════════
-- Triggers: legal transitions, events, audit
-- ════════════════════════════════════════════════════════════════════════════════
create function app.record_voucher_event() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  claims jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  context jsonb := coalesce(nullif(current_setting('app.voucher_event_context', true), '')::jsonb, '{}'::jsonb);
begin
  if tg_op = 'UPDATE' then
    if new.status is not distinct from old.status then
      return null;
    end if;
    context := context || jsonb_build_object('from', old.status);
  end if;
  insert into public.voucher_events (voucher_id, event_type, actor_id, station_id, context)
  values (
    new.id,
    new.status,
    case when claims ->> 'role' = 'authenticated' then nullif(claims ->> 'sub', '')::uuid end,
    case when new.status = 'redeemed' then new.redeemed_station_id end,
    context);
  return null;
end
$$;
comment on function app.record_voucher_event() is
  'Writes the voucher_events row of a new voucher or a status change: actor from the JWT, station for redemptions, context from app.voucher_event_context.';
revoke all on function app.record_voucher_event() from public, anon, authenticated;

-- What a voucher is worth and to whom never changes; once settled (redeemed, expired,
-- void) only its metadata may. The redemption fields are written only with the move
-- to redeemed. Applies to every role, the service role included.
create function app.freeze_voucher() returns trigger
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
  return new;
end
$$;
comment on function app.freeze_voucher() is
  'Refuses changes to a voucher''s identity and value, to redemption fields outside redemption, and to settled vouchers.';
revoke all on function app.freeze_voucher() from public, anon, authenticated;

-- voucher_events rows with a status come from the trigger below only; SQL functions may
-- add policy_blocked events (refused guesses) directly.
create function app.guard_voucher_event() returns trigger
language plpgsql set search_path = '' as $$
begin
  if pg_trigger_depth() < 2 and new.event_type <> 'policy_blocked' then
    raise exception 'voucher events of type % are written by the voucher''s status change, not directly', new.event_type
      using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;
comment on function app.guard_voucher_event() is 'Refuses status events written by hand: they would fake a voucher''s history.';
revoke all on function app.guard_voucher_event() from public, anon, authenticated;

-- How callers give a status change its context: always transaction-local, so a pooled
-- connection never carries one caller's context into another's events.
create function app.set_voucher_event_context(context jsonb) returns void
language sql set search_path = '' as $$
  select set_config('app.voucher_event_context', coalesce(context, '{}'::jsonb)::text, true)
$$;
comment on function app.set_voucher_event_context(jsonb) is
  'Sets, for this transaction only, the context the next voucher_events rows record.';
revoke all on function app.set_voucher_event_context(jsonb) from public, anon;
grant execute on function app.set_voucher_event_context(jsonb) to authenticated, service_role;

create trigger enforce_transition before insert or update of status on public.vouchers
  for each row execute function app.enforce_transition('voucher');
create trigger touch_updated_at before update on public.vouchers
  for each row execute function app.touch_updated_at();
create trigger record_event after insert or update of status on public.vouchers
  for each row execute function app.record_voucher_event();
create trigger audit after insert or update or delete on public.vouchers
  for each row execute function app.audit_row_change('id');
create trigger refuse_truncate before truncate on public.vouchers
  for each statement execute function app.refuse_truncate();
create trigger keep_settled before update on public.vouchers
  for each row execute function app.freeze_voucher();
create trigger only_triggers_record_status_events before insert on public.voucher_events
  for each row execute function app.guard_voucher_event();

-- ════════════════════════════════════════════════════════════════════════════════
-- Access. Admins read all; super admins and data ops issue and manage. Station
-- operators see only what was redeemed at their station (spec); they look codes up and
-- redeem through SQL functions, never by writing these tables.
-- ════════════════════════════════════════════════════════════════════════════════
alter table public.vouchers enable row level security;
revoke all on table public.vouchers from public, anon, authenticated, service_role;
grant select on table public.vouchers to authenticated;
-- The code, the issuer and the dates are the server's (defaults); redemption fields are
-- written only by the redemption function.
grant insert (user_id, station_scope, campaign_id, amount, currency, expires_at, metadata) on table public.vouchers to authenticated;
grant update (status, expires_at, station_scope, qr_url, png_url, metadata) on table public.vouchers to authenticated;
grant select, insert, update on table public.vouchers to service_role;

create policy "admins read vouchers; operators read those redeemed at their station"
  on public.vouchers for select to authenticated
  using ((select app.is_admin()) or redeemed_station_id = (select app.operator_station_id()));
create policy "voucher issuers issue vouchers"
  on public.vouchers for insert to authenticated
  with check ((select app.has_any_role('{super_admin,data_ops}')));
create policy "voucher issuers manage vouchers"
  on public.vouchers for update to authenticated
  using ((select app.has_any_role('{super_admin,data_ops}')))
  with check ((select app.has_any_role('{super_admin,data_ops}')));

alter table public.voucher_events enable row level security;
revoke all on table public.voucher_events from public, anon, authenticated, service_role;
grant select on table public.voucher_events to authenticated;
grant select, insert on table public.voucher_events to service_role;

create policy "admins read voucher events; operators read their station's"
  on public.voucher_events for select to authenticated
  using ((select app.is_admin()) or station_id = (select app.operator_station_id()));

alter table public.voucher_redemptions enable row level security;
revoke all on table public.voucher_redemptions from public, anon, authenticated, service_role;
grant select on table public.voucher_redemptions to authenticated;
grant select, insert on table public.voucher_redemptions to service_role;

create policy "admins read redemptions; operators read their station's"
  on public.voucher_redemptions for select to authenticated
  using ((select app.is_admin()) or station_id = (select app.operator_station_id()));
