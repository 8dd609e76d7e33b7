-- Small trigger functions shared by several tables.

create function app.touch_updated_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  return new;
end
$$;
comment on function app.touch_updated_at() is 'BEFORE UPDATE trigger: sets updated_at to the transaction time.';
revoke all on function app.touch_updated_at() from public, anon, authenticated;

-- The E.164 form every phone number is stored in: "+", country code, subscriber number.
create function app.is_e164(msisdn text) returns boolean
language sql immutable set search_path = '' as $$
  select msisdn ~ '^\+[1-9][0-9]{7,14}$'
$$;
comment on function app.is_e164(text) is 'True for a phone number in E.164 form (+ and 8 to 15 digits).';
revoke all on function app.is_e164(text) from public, anon;
grant execute on function app.is_e164(text) to authenticated, service_role;
