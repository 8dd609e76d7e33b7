-- Someone must always be able to manage roles: a change to admin_roles (an update, a
-- delete, or an auth account deleted with its roles) that would leave no super_admin is
-- refused, whoever makes it.
--
-- Concurrency: two super admins removing each other's role at the same moment must not
-- both succeed. The check runs under an advisory lock, after the row change; under READ
-- COMMITTED each statement of this (volatile) function sees what committed before it, so
-- the second of two racing transactions waits for the first and then sees its change.

create function app.keep_a_super_admin() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if not ('super_admin' = any (old.roles)) or (tg_op = 'UPDATE' and 'super_admin' = any (new.roles)) then
    return null;
  end if;
  perform pg_advisory_xact_lock(hashtext('easymo'), hashtext('admin_roles super_admin'));
  if not exists (select 1 from public.admin_roles ar where 'super_admin' = any (ar.roles)) then
    raise exception 'This is the last super admin: grant super_admin to someone else first'
      using errcode = 'check_violation';
  end if;
  return null;
end
$$;
comment on function app.keep_a_super_admin() is
  'AFTER UPDATE/DELETE trigger on admin_roles: refuses a change that leaves no super_admin.';
revoke all on function app.keep_a_super_admin() from public, anon, authenticated, service_role;

create trigger keep_a_super_admin after update of roles or delete on public.admin_roles
  for each row execute function app.keep_a_super_admin();
