-- Admin roles (spec: `admin_roles`) and the helpers every RLS policy uses to ask
-- "does the caller hold role X?". Roles are read from this table at each check, so
-- granting or revoking a role takes effect at once, not at the next token refresh.

-- ════════════════════════════════════════════════════════════════════════════════
-- Private schema for policy helpers and trigger functions (not exposed by the API)
-- ════════════════════════════════════════════════════════════════════════════════
create schema if not exists app;
comment on schema app is 'Private helpers for RLS policies and triggers. Not part of the API.';
revoke all on schema app from public;
grant usage on schema app to authenticated, service_role;

-- Nothing new is reachable through the API unless a migration grants it: Supabase's
-- default privileges grant new tables, functions and sequences in `public` to the API
-- roles; take that back. Postgres also grants EXECUTE on every new function to PUBLIC,
-- a global default that a per-schema rule cannot remove (and removing it globally
-- would also close extensions' functions): every migration revokes it function by
-- function, and supabase/tests/database/05_schema.sql fails on any it forgets.
alter default privileges in schema public revoke all on tables from anon, authenticated, service_role;
alter default privileges in schema public revoke all on sequences from anon, authenticated, service_role;
alter default privileges in schema public revoke execute on functions from anon, authenticated;

-- ════════════════════════════════════════════════════════════════════════════════
-- Table
-- ════════════════════════════════════════════════════════════════════════════════
create table public.admin_roles (
  user_id uuid primary key references auth.users (id) on delete cascade,
  roles text[] not null default '{}'::text[],
  granted_by uuid references auth.users (id) on delete set null,
  granted_at timestamptz not null default now(),
  constraint admin_roles_known_roles check (roles <@ array['super_admin', 'support', 'data_ops', 'readonly']::text[])
);
comment on table public.admin_roles is
  'Admin-panel roles per auth user. No row or an empty array: not an admin. Managed by super admins.';
comment on column public.admin_roles.roles is 'Any of super_admin, support, data_ops, readonly; kept sorted and distinct.';
comment on column public.admin_roles.granted_by is 'The admin whose change last set these roles (auth.uid() at the time).';
comment on column public.admin_roles.granted_at is 'When the roles last changed.';

create index admin_roles_granted_by_idx on public.admin_roles (granted_by);

-- ════════════════════════════════════════════════════════════════════════════════
-- Role helpers
-- ════════════════════════════════════════════════════════════════════════════════
-- security definer: a policy on admin_roles that read admin_roles as the caller would
-- recurse into itself.
create function app.current_admin_roles() returns text[]
language sql stable security definer set search_path = '' as $$
  select coalesce((select ar.roles from public.admin_roles ar where ar.user_id = auth.uid()), '{}'::text[])
$$;
comment on function app.current_admin_roles() is 'The admin roles of the calling user (empty when none).';

create function app.has_role(role text) returns boolean
language sql stable set search_path = '' as $$
  select role = any (app.current_admin_roles())
$$;
comment on function app.has_role(text) is 'True when the calling user holds the given admin role.';

create function app.has_any_role(roles text[]) returns boolean
language sql stable set search_path = '' as $$
  select app.current_admin_roles() && roles
$$;
comment on function app.has_any_role(text[]) is 'True when the calling user holds at least one of the given admin roles.';

create function app.is_admin() returns boolean
language sql stable set search_path = '' as $$
  select cardinality(app.current_admin_roles()) > 0
$$;
comment on function app.is_admin() is 'True when the calling user holds any admin role.';

revoke all on function app.current_admin_roles(), app.has_role(text), app.has_any_role(text[]), app.is_admin()
  from public, anon;
grant execute on function app.current_admin_roles(), app.has_role(text), app.has_any_role(text[]), app.is_admin()
  to authenticated, service_role;

-- ════════════════════════════════════════════════════════════════════════════════
-- Grant stamping: who changed a user's roles and when
-- ════════════════════════════════════════════════════════════════════════════════
create function app.stamp_admin_roles() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.roles := array(select distinct r from unnest(new.roles) as r order by r);
  if tg_op = 'UPDATE' and new.roles is not distinct from old.roles then
    -- The stamps record role changes only; they cannot be edited on their own.
    new.granted_by := old.granted_by;
    new.granted_at := old.granted_at;
  else
    new.granted_by := coalesce(auth.uid(), new.granted_by);
    new.granted_at := now();
  end if;
  return new;
end
$$;
comment on function app.stamp_admin_roles() is
  'Keeps roles sorted and distinct; records the acting user and time when the roles change, and only then.';
revoke all on function app.stamp_admin_roles() from public, anon, authenticated;

create trigger stamp_admin_roles before insert or update on public.admin_roles
  for each row execute function app.stamp_admin_roles();

-- ════════════════════════════════════════════════════════════════════════════════
-- Access: RLS decides rows; grants decide operations
-- ════════════════════════════════════════════════════════════════════════════════
alter table public.admin_roles enable row level security;
revoke all on table public.admin_roles from public, anon, authenticated, service_role;
grant select, delete on table public.admin_roles to authenticated;
-- granted_by and granted_at are stamped by the trigger below, never chosen.
grant insert (user_id, roles), update (roles) on table public.admin_roles to authenticated;
grant select, insert, update, delete on table public.admin_roles to service_role;

create policy "users read their own roles and super admins read all"
  on public.admin_roles for select to authenticated
  using (user_id = (select auth.uid()) or (select app.has_role('super_admin')));

create policy "super admins grant roles"
  on public.admin_roles for insert to authenticated
  with check ((select app.has_role('super_admin')));

create policy "super admins change roles"
  on public.admin_roles for update to authenticated
  using ((select app.has_role('super_admin')))
  with check ((select app.has_role('super_admin')));

create policy "super admins remove roles"
  on public.admin_roles for delete to authenticated
  using ((select app.has_role('super_admin')));
