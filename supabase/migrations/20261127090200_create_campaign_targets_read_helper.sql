-- The dashboard shows each running campaign's targets by status, but only to the roles
-- that may read targets (spec: super admins and support). Counting as the caller gives 0
-- for the others, which cannot be told from "no targets"; this helper states the read
-- rule so the dashboard can answer null instead. The read policy on campaign_targets now
-- calls it, so the two cannot drift apart.

create function app.may_read_campaign_targets() returns boolean
language sql stable set search_path = '' as $$
  select app.has_any_role('{super_admin,support}')
$$;
comment on function app.may_read_campaign_targets() is
  'True when the calling user may read campaign targets (super_admin, support): the targets read policy.';
revoke all on function app.may_read_campaign_targets() from public, anon;
grant execute on function app.may_read_campaign_targets() to authenticated, service_role;

alter policy "super admins and support read targets" on public.campaign_targets
  using ((select app.may_read_campaign_targets()));
