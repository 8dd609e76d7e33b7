-- ════════════════════════════════════════════════════════════════════════════════
-- BASELINE: tables the data-model delta presupposes but does not define.
-- `users` are the WhatsApp users (drivers); `profiles` their profile. In the existing
-- easyMO database they already exist: there this migration changes nothing (tables,
-- RLS and grants are only set up when this migration creates the table); only the
-- admin read/write policies below are added, which have no effect where RLS is off.
-- ════════════════════════════════════════════════════════════════════════════════
do $$
begin
  if to_regclass('public.users') is null then
    create table public.users (
      id uuid primary key default gen_random_uuid(),
      msisdn text not null unique check (app.is_e164(msisdn)),
      display_name text,
      locale text not null default 'rw' check (locale in ('rw', 'en', 'fr')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    comment on table public.users is 'WhatsApp users (drivers), keyed by their E.164 number. Baseline: pre-exists in production.';
    create trigger touch_updated_at before update on public.users
      for each row execute function app.touch_updated_at();
    alter table public.users enable row level security;
    revoke all on table public.users from public, anon, authenticated, service_role;
    grant select, delete on table public.users to authenticated;
    grant insert (msisdn, display_name, locale), update (msisdn, display_name, locale) on table public.users to authenticated;
    grant select, insert, update, delete on table public.users to service_role;
  end if;

  if to_regclass('public.profiles') is null then
    create table public.profiles (
      user_id uuid primary key references public.users (id) on delete cascade,
      display_name text,
      vehicle_plate text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    comment on table public.profiles is 'Driver profile details. Baseline: pre-exists in production.';
    create trigger touch_updated_at before update on public.profiles
      for each row execute function app.touch_updated_at();
    alter table public.profiles enable row level security;
    revoke all on table public.profiles from public, anon, authenticated, service_role;
    grant select, delete on table public.profiles to authenticated;
    grant insert (user_id, display_name, vehicle_plate), update (display_name, vehicle_plate) on table public.profiles to authenticated;
    grant select, insert, update, delete on table public.profiles to service_role;
  end if;
end
$$;

-- Drivers are personal data: admins read them; those who issue vouchers (super_admin,
-- data_ops) create and correct them; only a super admin erases one. Created only when
-- absent, so re-running against the existing database is harmless; there, check that
-- RLS is on for users and profiles (a warning says when it is not).
do $$
declare
  policy record;
begin
  for policy in select * from (values
    ('users', 'admins read drivers', 'select', 'using ((select app.is_admin()))'),
    ('users', 'voucher issuers add drivers', 'insert', 'with check ((select app.has_any_role(''{super_admin,data_ops}'')))'),
    ('users', 'voucher issuers correct drivers', 'update',
     'using ((select app.has_any_role(''{super_admin,data_ops}''))) with check ((select app.has_any_role(''{super_admin,data_ops}'')))'),
    ('users', 'super admins erase drivers', 'delete', 'using ((select app.has_role(''super_admin'')))'),
    ('profiles', 'admins read profiles', 'select', 'using ((select app.is_admin()))'),
    ('profiles', 'voucher issuers add profiles', 'insert', 'with check ((select app.has_any_role(''{super_admin,data_ops}'')))'),
    ('profiles', 'voucher issuers correct profiles', 'update',
     'using ((select app.has_any_role(''{super_admin,data_ops}''))) with check ((select app.has_any_role(''{super_admin,data_ops}'')))'),
    ('profiles', 'super admins erase profiles', 'delete', 'using ((select app.has_role(''super_admin'')))')
  ) as p (tbl, name, command, clause)
  loop
    if not exists (select 1 from pg_policies where schemaname = 'public' and tablename = policy.tbl and policyname = policy.name) then
      execute format('create policy %I on public.%I for %s to authenticated %s', policy.name, policy.tbl, policy.command, policy.clause);
    end if;
  end loop;
  if not (select relrowsecurity from pg_class where oid = 'public.users'::regclass)
     or not (select relrowsecurity from pg_class where oid = 'public.profiles'::regclass) then
    raise warning 'RLS is off on public.users or public.profiles: the admin policies have no effect there';
  end if;
end
$$;
