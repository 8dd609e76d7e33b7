-- Test-only helpers for the pgTAP suites in supabase/tests/database. Installed into the
-- test database by `pnpm test` before pg_prove runs; never part of a migration.
--
--   tests.act_as('support@easymo.test')  become that user, as PostgREST/functions do
--   tests.act_as_anon()                  the anon role
--   tests.act_as_service()               the service_role
--   tests.uid('admin@easymo.test')       a user's id
--   tests.affected($$update …$$)         rows changed by a statement, run as the current
--                                        role (RLS-blocked writes change 0 rows, no error)

create extension if not exists pgtap with schema extensions;

create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;

create or replace function tests.uid(user_email text) returns uuid
language sql stable security definer set search_path = '' as $$
  select u.id from auth.users u where u.email = user_email
$$;

create or replace function tests.act_as(email text) returns void
language plpgsql as $$
declare
  user_id uuid := tests.uid(email);
begin
  if user_id is null then
    raise exception 'no test user %', email;
  end if;
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims',
    json_build_object('sub', user_id, 'role', 'authenticated', 'email', email, 'aud', 'authenticated')::text, true);
end
$$;

create or replace function tests.act_as_anon() returns void
language plpgsql as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claims', '{"role": "anon"}', true);
end
$$;

create or replace function tests.act_as_service() returns void
language plpgsql as $$
begin
  perform set_config('role', 'service_role', true);
  perform set_config('request.jwt.claims', '{"role": "service_role"}', true);
end
$$;

create or replace function tests.affected(statement text) returns integer
language plpgsql as $$
declare
  n integer;
begin
  execute statement;
  get diagnostics n = row_count;
  return n;
end
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;
