-- WhatsApp campaigns and their targets (spec: `campaigns`, `campaign_targets`).
-- Status changes follow app.state_transitions; every write is audited. Targets hold
-- drivers' numbers and personal variables: only super admins and support see them.

-- ════════════════════════════════════════════════════════════════════════════════
-- campaigns
-- ════════════════════════════════════════════════════════════════════════════════
create table public.campaigns (
  id uuid primary key default gen_random_uuid(),
  legacy_id bigint unique,
  name text not null check (length(trim(name)) > 0),
  type text not null check (type in ('promo', 'voucher')),
  template_id text not null,
  status text not null default 'draft' check (status in ('draft', 'running', 'paused', 'done')),
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  started_at timestamptz,
  finished_at timestamptz,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.campaigns is 'A WhatsApp campaign: promo messages or vouchers sent to a list of targets.';
comment on column public.campaigns.legacy_id is 'Id of the campaign in the legacy system (read-only mirror).';
comment on column public.campaigns.metadata is 'Campaign options, e.g. quiet-hours override, throttle bucket, voucher amount and expiry.';
comment on column public.campaigns.started_at is 'Set when the campaign first starts running.';
comment on column public.campaigns.finished_at is 'Set when the campaign is done.';

create index campaigns_status_idx on public.campaigns (status);
create index campaigns_created_at_idx on public.campaigns (created_at);

-- What a campaign sends is fixed once it has started; identity columns never change.
create function app.freeze_campaign() returns trigger
language plpgsql set search_path = '' as $$
begin
  if (new.id, new.legacy_id, new.created_by, new.created_at) is distinct from (old.id, old.legacy_id, old.created_by, old.created_at) then
    raise exception 'campaigns: id, legacy_id, created_by and created_at never change' using errcode = 'check_violation';
  end if;
  if old.status <> 'draft' and (new.type, new.template_id) is distinct from (old.type, old.template_id) then
    raise exception 'campaigns: type and template are fixed once the campaign has started' using errcode = 'check_violation';
  end if;
  return new;
end
$$;
comment on function app.freeze_campaign() is 'Refuses changes to a campaign''s identity, and to what it sends once started.';
revoke all on function app.freeze_campaign() from public, anon, authenticated;

create function app.stamp_campaign_times() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.status = 'running' and new.started_at is null then
    new.started_at := now();
  end if;
  if new.status = 'done' and new.finished_at is null then
    new.finished_at := now();
  end if;
  return new;
end
$$;
comment on function app.stamp_campaign_times() is 'Records when a campaign first runs and when it is done.';
revoke all on function app.stamp_campaign_times() from public, anon, authenticated;

create trigger enforce_transition before insert or update of status on public.campaigns
  for each row execute function app.enforce_transition('campaign');
create trigger keep_settled before update on public.campaigns
  for each row execute function app.freeze_campaign();
create trigger stamp_campaign_times before update of status on public.campaigns
  for each row execute function app.stamp_campaign_times();
create trigger touch_updated_at before update on public.campaigns
  for each row execute function app.touch_updated_at();
create trigger audit after insert or update or delete on public.campaigns
  for each row execute function app.audit_row_change('id');
create trigger refuse_truncate before truncate on public.campaigns
  for each statement execute function app.refuse_truncate();

-- ════════════════════════════════════════════════════════════════════════════════
-- campaign_targets
-- ════════════════════════════════════════════════════════════════════════════════
create table public.campaign_targets (
  id uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references public.campaigns (id) on delete cascade,
  msisdn text not null check (app.is_e164(msisdn)),
  user_id uuid references public.users (id) on delete set null,
  personalized_vars jsonb not null default '{}'::jsonb,
  status text not null default 'queued'
    check (status in ('queued', 'queued_throttled', 'sent', 'delivered', 'read', 'failed', 'opted_out')),
  error_code text,
  message_id text,
  last_update_at timestamptz not null default now(),
  constraint campaign_targets_one_per_number unique (campaign_id, msisdn)
);
comment on table public.campaign_targets is 'One recipient of a campaign, with the variables frozen at import and the delivery status.';
comment on column public.campaign_targets.message_id is 'The WhatsApp message id (wamid) once sent; status webhooks find the target by it.';
comment on column public.campaign_targets.error_code is 'WhatsApp Cloud API error code of the last failure.';
comment on column public.campaign_targets.last_update_at is 'When the target last changed.';

create index campaign_targets_campaign_id_status_idx on public.campaign_targets (campaign_id, status);
create index campaign_targets_msisdn_idx on public.campaign_targets (msisdn);
create index campaign_targets_user_id_idx on public.campaign_targets (user_id);
create unique index campaign_targets_message_id_idx on public.campaign_targets (message_id) where message_id is not null;

create function app.touch_last_update_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.last_update_at := now();
  return new;
end
$$;
comment on function app.touch_last_update_at() is 'BEFORE UPDATE trigger: sets last_update_at to the transaction time.';
revoke all on function app.touch_last_update_at() from public, anon, authenticated;

create trigger enforce_transition before insert or update of status on public.campaign_targets
  for each row execute function app.enforce_transition('campaign_target');
create trigger touch_last_update_at before update on public.campaign_targets
  for each row execute function app.touch_last_update_at();
create trigger audit after insert or update or delete on public.campaign_targets
  for each row execute function app.audit_row_change('id');
create trigger refuse_truncate before truncate on public.campaign_targets
  for each statement execute function app.refuse_truncate();

-- ════════════════════════════════════════════════════════════════════════════════
-- Access: all admins read campaigns; super admins and support run them and alone see
-- targets (spec). A campaign can only be deleted while it is a draft.
-- ════════════════════════════════════════════════════════════════════════════════
alter table public.campaigns enable row level security;
revoke all on table public.campaigns from public, anon, authenticated, service_role;
grant select, delete on table public.campaigns to authenticated;
-- legacy_id, created_by, status at creation and the timestamps are not the caller's to set.
grant insert (name, type, template_id, metadata) on table public.campaigns to authenticated;
grant update (name, type, template_id, status, metadata) on table public.campaigns to authenticated;
grant select, insert, update, delete on table public.campaigns to service_role;

create policy "admins read campaigns"
  on public.campaigns for select to authenticated
  using ((select app.is_admin()));
create policy "campaign runners create campaigns"
  on public.campaigns for insert to authenticated
  with check ((select app.has_any_role('{super_admin,support}')));
create policy "campaign runners change campaigns"
  on public.campaigns for update to authenticated
  using ((select app.has_any_role('{super_admin,support}')))
  with check ((select app.has_any_role('{super_admin,support}')));
create policy "campaign runners delete draft campaigns"
  on public.campaigns for delete to authenticated
  using (status = 'draft' and (select app.has_any_role('{super_admin,support}')));

alter table public.campaign_targets enable row level security;
revoke all on table public.campaign_targets from public, anon, authenticated, service_role;
grant select, delete on table public.campaign_targets to authenticated;
grant insert (campaign_id, msisdn, user_id, personalized_vars) on table public.campaign_targets to authenticated;
grant update (personalized_vars, status, error_code, message_id) on table public.campaign_targets to authenticated;
grant select, insert, update, delete on table public.campaign_targets to service_role;

create policy "super admins and support read targets"
  on public.campaign_targets for select to authenticated
  using ((select app.has_any_role('{super_admin,support}')));
-- Targets are imported while a campaign is a draft (or paused) and removed only from drafts.
create function app.campaign_status(campaign uuid) returns text
language sql stable security definer set search_path = '' as $$
  select c.status from public.campaigns c where c.id = campaign
$$;
comment on function app.campaign_status(uuid) is 'The status of a campaign, for target policies.';
revoke all on function app.campaign_status(uuid) from public, anon;
grant execute on function app.campaign_status(uuid) to authenticated, service_role;

create policy "super admins and support add targets"
  on public.campaign_targets for insert to authenticated
  with check ((select app.has_any_role('{super_admin,support}')) and app.campaign_status(campaign_id) in ('draft', 'paused'));
create policy "super admins and support change targets"
  on public.campaign_targets for update to authenticated
  using ((select app.has_any_role('{super_admin,support}')))
  with check ((select app.has_any_role('{super_admin,support}')));
create policy "super admins and support remove targets"
  on public.campaign_targets for delete to authenticated
  using ((select app.has_any_role('{super_admin,support}')) and app.campaign_status(campaign_id) = 'draft');
