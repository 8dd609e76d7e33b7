-- Programme settings (spec: `settings`): quiet hours, send throttle, opt-out hashes,
-- message templates, the Revolut link. All admins read them; super admins change them;
-- every change is audited.

create table public.settings (
  key text primary key check (key ~ '^[a-z][a-z0-9_]*$'),
  value jsonb not null,
  -- additions: when and by whom
  updated_at timestamptz not null default now(),
  updated_by uuid default auth.uid() references auth.users (id) on delete set null
);
comment on table public.settings is 'Key/value programme settings; values are validated by the shared zod schemas on write.';

create function app.stamp_settings_change() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  new.updated_by := auth.uid();
  return new;
end
$$;
comment on function app.stamp_settings_change() is 'Records when and by whom a setting was set (never the caller''s say).';
revoke all on function app.stamp_settings_change() from public, anon, authenticated;

create trigger stamp_change before insert or update on public.settings
  for each row execute function app.stamp_settings_change();
create trigger audit after insert or update or delete on public.settings
  for each row execute function app.audit_row_change('key');
create trigger refuse_truncate before truncate on public.settings
  for each statement execute function app.refuse_truncate();

-- The product reads these keys; they can be changed, not removed.
create function app.keep_required_settings() returns trigger
language plpgsql set search_path = '' as $$
begin
  if old.key in ('quiet_hours', 'send_throttle', 'opt_out_list', 'templates', 'revolut_link') then
    raise exception 'setting % is required: change its value instead of deleting it', old.key using errcode = 'check_violation';
  end if;
  return old;
end
$$;
comment on function app.keep_required_settings() is 'Refuses deleting the settings keys the product depends on.';
revoke all on function app.keep_required_settings() from public, anon, authenticated;
create trigger keep_required before delete on public.settings
  for each row execute function app.keep_required_settings();

create index settings_updated_by_idx on public.settings (updated_by);

alter table public.settings enable row level security;
revoke all on table public.settings from public, anon, authenticated, service_role;
grant select, delete on table public.settings to authenticated;
grant insert (key, value), update (value) on table public.settings to authenticated;
grant select, insert, update, delete on table public.settings to service_role;

create policy "admins read settings"
  on public.settings for select to authenticated
  using ((select app.is_admin()));
create policy "super admins add settings"
  on public.settings for insert to authenticated
  with check ((select app.has_role('super_admin')));
create policy "super admins change settings"
  on public.settings for update to authenticated
  using ((select app.has_role('super_admin')))
  with check ((select app.has_role('super_admin')));
create policy "super admins remove settings"
  on public.settings for delete to authenticated
  using ((select app.has_role('super_admin')));

-- The keys the spec seeds, with working defaults. Existing values are kept.
insert into public.settings (key, value) values
  ('quiet_hours', '{"rw": {"start": "22:00", "end": "06:00"}, "mt": {"start": "22:00", "end": "08:00"}}'),
  ('send_throttle', '{"whatsapp": {"per_minute": 60}}'),
  ('opt_out_list', '[]'),
  ('templates', '[
     {"id": "voucher_issued", "name": "Voucher issued", "language": "en", "category": "utility",
      "body": "Hello {{name}}, your easyMO fuel voucher {{code}} is worth {{amount}} RWF. Show it at the station before {{expiry}}.",
      "variables": ["name", "code", "amount", "expiry"]},
     {"id": "voucher_issued_rw", "name": "Voucher issued (Kinyarwanda)", "language": "rw", "category": "utility",
      "body": "Muraho {{name}}, voucher ya lisansi {{code}} ifite agaciro ka {{amount}} RWF. Yerekane kuri sitasiyo mbere ya {{expiry}}.",
      "variables": ["name", "code", "amount", "expiry"]},
     {"id": "weekend_promo", "name": "Weekend promo", "language": "en", "category": "marketing",
      "body": "Hi {{name}}, fill up at {{station}} this weekend and get {{discount}} off. Reply STOP to opt out.",
      "variables": ["name", "station", "discount"]}
   ]'),
  ('revolut_link', '{"url": "https://revolut.me/easymo"}')
on conflict (key) do nothing;
