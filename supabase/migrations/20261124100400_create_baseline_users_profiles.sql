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
    grant select, insert, update, delete on table public.users to authenticated, service_role;
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
    grant select, insert, update, delete on table public.profiles to authenticated, service_role;
  end if;
end
$$;

-- Drivers are personal data: admins read them; those who issue vouchers (super_admin,
-- data_ops) create and correct them; only a super admin erases one.
create policy "admins read drivers" on public.users for select to authenticated
  using ((select app.is_admin()));
create policy "voucher issuers add drivers" on public.users for insert to authenticated
  with check ((select app.has_any_role('{super_admin,data_ops}')));
create policy "voucher issuers correct drivers" on public.users for update to authenticated
  using ((select app.has_any_role('{super_admin,data_ops}')))
  with check ((select app.has_any_role('{super_admin,data_ops}')));
create policy "super admins erase drivers" on public.users for delete to authenticated
  using ((select app.has_role('super_admin')));

create policy "admins read profiles" on public.profiles for select to authenticated
  using ((select app.is_admin()));
create policy "voucher issuers add profiles" on public.profiles for insert to authenticated
  with check ((select app.has_any_role('{super_admin,data_ops}')));
create policy "voucher issuers correct profiles" on public.profiles for update to authenticated
  using ((select app.has_any_role('{super_admin,data_ops}')))
  with check ((select app.has_any_role('{super_admin,data_ops}')));
create policy "super admins erase profiles" on public.profiles for delete to authenticated
  using ((select app.has_role('super_admin')));
