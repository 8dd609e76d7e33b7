-- Who is who, for the admin panel: the audit log, station operators and admin users are
-- kept by auth user id, and admins need to see whose id it is (email and name), and to
-- find an account by the email they type. auth.users is not readable by the API roles,
-- so two small security definer helpers answer exactly that, and only to admins.

-- ════════════════════════════════════════════════════════════════════════════════
-- Emails and names of given accounts
-- ════════════════════════════════════════════════════════════════════════════════
create function app.user_directory(ids uuid[])
returns table (id uuid, email text, full_name text, last_sign_in_at timestamptz)
language plpgsql stable security definer set search_path = '' as $$
begin
  if not app.is_admin() then
    raise exception 'only admins read the user directory' using errcode = 'insufficient_privilege';
  end if;
  return query
    select u.id, u.email::text, nullif(trim(u.raw_user_meta_data ->> 'full_name'), ''), u.last_sign_in_at
      from auth.users u
     where u.id = any (ids);
end
$$;
comment on function app.user_directory(uuid[]) is
  'Email, full name (user metadata) and last sign-in of the given auth users; admins only (others get 42501).';

-- ════════════════════════════════════════════════════════════════════════════════
-- An account by its email
-- ════════════════════════════════════════════════════════════════════════════════
-- Matched as GoTrue matches a sign-in: any case, password accounts only (not SSO), not
-- deleted.
create function app.user_id_by_email(address text) returns uuid
language plpgsql stable security definer set search_path = '' as $$
begin
  if not app.is_admin() then
    raise exception 'only admins look accounts up by email' using errcode = 'insufficient_privilege';
  end if;
  return (
    select u.id
      from auth.users u
     where lower(u.email) = lower(trim(address)) and u.is_sso_user = false and u.deleted_at is null
     order by u.created_at
     limit 1);
end
$$;
comment on function app.user_id_by_email(text) is
  'The id of the account with this email (any case), or null; admins only (others get 42501).';

revoke all on function app.user_directory(uuid[]), app.user_id_by_email(text) from public, anon, service_role;
grant execute on function app.user_directory(uuid[]), app.user_id_by_email(text) to authenticated;
