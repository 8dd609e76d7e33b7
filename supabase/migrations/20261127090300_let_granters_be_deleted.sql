-- Deleting an account that once granted roles failed: admin_roles.granted_by is
-- `on delete set null`, but the stamp trigger kept the old stamps whenever the roles did
-- not change, so it put the deleted id back and the foreign key refused the delete. The
-- stamps now let go of a granter whose account no longer exists, and only then; any other
-- attempt to rewrite them without a role change is still ignored.

create or replace function app.stamp_admin_roles() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  new.roles := array(select distinct r from unnest(new.roles) as r order by r);
  if tg_op = 'UPDATE' and new.roles is not distinct from old.roles then
    -- The stamps record role changes only; they cannot be edited on their own...
    new.granted_by := old.granted_by;
    new.granted_at := old.granted_at;
    -- ...except that a deleted granter's id is cleared (the foreign key's ON DELETE SET NULL).
    if old.granted_by is not null and not exists (select 1 from auth.users u where u.id = old.granted_by) then
      new.granted_by := null;
    end if;
  else
    new.granted_by := coalesce(auth.uid(), new.granted_by);
    new.granted_at := now();
  end if;
  return new;
end
$$;
comment on function app.stamp_admin_roles() is
  'Keeps roles sorted and distinct; records the acting user and time when the roles change, and only then (a deleted granter is cleared).';
