-- Fuel stations (spec: `stations`) and who operates them (addition: `station_operators`,
-- docs/data-model.md). An operator account works at one station at a time.

-- ════════════════════════════════════════════════════════════════════════════════
-- stations
-- ════════════════════════════════════════════════════════════════════════════════
create table public.stations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(trim(name)) > 0),
  engencode text unique not null check (engencode ~ '^[A-Z0-9-]{2,32}$'),
  owner_contact text check (owner_contact is null or app.is_e164(owner_contact)),
  location extensions.geography(point, 4326),
  status text not null default 'active' check (status in ('active', 'inactive')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.stations is 'Fuel stations where vouchers are redeemed.';
comment on column public.stations.engencode is 'The station''s ENGEN code: unique, upper-case letters, digits and dashes.';
comment on column public.stations.owner_contact is 'Owner''s phone number, E.164.';
comment on column public.stations.location is 'Where the station is (longitude/latitude, WGS 84).';

create index stations_location_idx on public.stations using gist (location);
create index stations_status_idx on public.stations (status);
create trigger touch_updated_at before update on public.stations
  for each row execute function app.touch_updated_at();

-- ════════════════════════════════════════════════════════════════════════════════
-- station_operators
-- ════════════════════════════════════════════════════════════════════════════════
create table public.station_operators (
  user_id uuid not null references auth.users (id) on delete cascade,
  station_id uuid not null references public.stations (id) on delete cascade,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (user_id, station_id)
);
comment on table public.station_operators is
  'Which auth user operates which station. At most one active station per user; past assignments stay inactive.';

create unique index station_operators_one_active_station on public.station_operators (user_id) where active;
create index station_operators_station_id_idx on public.station_operators (station_id);

-- ════════════════════════════════════════════════════════════════════════════════
-- Operator helpers (security definer: policies on station_operators use them)
-- ════════════════════════════════════════════════════════════════════════════════
create function app.operator_station_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select so.station_id
    from public.station_operators so
    join public.stations s on s.id = so.station_id
   where so.user_id = auth.uid() and so.active and s.status = 'active'
$$;
comment on function app.operator_station_id() is
  'The active station the calling user operates, or null (no assignment, or the station is inactive).';

revoke all on function app.operator_station_id() from public, anon;
grant execute on function app.operator_station_id() to authenticated, service_role;

-- ════════════════════════════════════════════════════════════════════════════════
-- Access
-- ════════════════════════════════════════════════════════════════════════════════
alter table public.stations enable row level security;
revoke all on table public.stations from public, anon, authenticated, service_role;
grant select, delete on table public.stations to authenticated;
grant insert (name, engencode, owner_contact, location, status), update (name, engencode, owner_contact, location, status)
  on table public.stations to authenticated;
grant select, insert, update, delete on table public.stations to service_role;

create policy "admins read stations; operators read their own"
  on public.stations for select to authenticated
  using ((select app.is_admin()) or id = (select app.operator_station_id()));
create policy "station managers add stations"
  on public.stations for insert to authenticated
  with check ((select app.has_any_role('{super_admin,data_ops}')));
create policy "station managers edit stations"
  on public.stations for update to authenticated
  using ((select app.has_any_role('{super_admin,data_ops}')))
  with check ((select app.has_any_role('{super_admin,data_ops}')));
create policy "super admins delete stations"
  on public.stations for delete to authenticated
  using ((select app.has_role('super_admin')));

alter table public.station_operators enable row level security;
revoke all on table public.station_operators from public, anon, authenticated, service_role;
grant select, delete on table public.station_operators to authenticated;
grant insert (user_id, station_id, active), update (active) on table public.station_operators to authenticated;
grant select, insert, update, delete on table public.station_operators to service_role;

-- Who operates where decides what operators see: changes are audited (addition).
create trigger audit after insert or update or delete on public.station_operators
  for each row execute function app.audit_row_change('user_id', 'station_id');
create trigger refuse_truncate before truncate on public.station_operators
  for each statement execute function app.refuse_truncate();

create policy "admins read assignments; operators read their own"
  on public.station_operators for select to authenticated
  using ((select app.is_admin()) or user_id = (select auth.uid()));
create policy "station managers assign operators"
  on public.station_operators for insert to authenticated
  with check ((select app.has_any_role('{super_admin,data_ops}')));
create policy "station managers change assignments"
  on public.station_operators for update to authenticated
  using ((select app.has_any_role('{super_admin,data_ops}')))
  with check ((select app.has_any_role('{super_admin,data_ops}')));
create policy "station managers remove assignments"
  on public.station_operators for delete to authenticated
  using ((select app.has_any_role('{super_admin,data_ops}')));
