-- The legal status changes of vouchers, campaigns, campaign targets and insurance
-- quotes, as data. A trigger on each table refuses anything else. The same machines
-- live in packages/domain/src/state-machines.ts; a test checks the two agree.

create table app.state_machines (
  machine text primary key,
  initial_states text[] not null
);
comment on table app.state_machines is 'Each status machine and the states a new row may start in.';

create table app.state_transitions (
  machine text not null references app.state_machines (machine),
  from_state text not null,
  to_state text not null,
  primary key (machine, from_state, to_state),
  check (from_state <> to_state)
);
comment on table app.state_transitions is 'Every legal status change; anything not listed is refused.';

insert into app.state_machines (machine, initial_states) values
  ('voucher', '{issued}'),
  ('campaign', '{draft}'),
  ('campaign_target', '{queued}'),
  ('insurance_quote', '{pending}');

insert into app.state_transitions (machine, from_state, to_state) values
  -- spec: issued → sent → redeemed; issued → expired; issued|sent → void
  ('voucher', 'issued', 'sent'),
  ('voucher', 'sent', 'redeemed'),
  ('voucher', 'issued', 'expired'),
  ('voucher', 'issued', 'void'),
  ('voucher', 'sent', 'void'),
  -- addition (docs/data-model.md): a delivered voucher still expires
  ('voucher', 'sent', 'expired'),
  -- spec: draft → running → paused → running → done
  ('campaign', 'draft', 'running'),
  ('campaign', 'running', 'paused'),
  ('campaign', 'paused', 'running'),
  ('campaign', 'running', 'done'),
  -- spec: queued → sent → delivered|read; queued → failed|opted_out; queued_throttled → queued
  ('campaign_target', 'queued', 'sent'),
  ('campaign_target', 'sent', 'delivered'),
  ('campaign_target', 'sent', 'read'),
  ('campaign_target', 'queued', 'failed'),
  ('campaign_target', 'queued', 'opted_out'),
  ('campaign_target', 'queued_throttled', 'queued'),
  -- additions (docs/data-model.md): how a target becomes queued_throttled; WhatsApp's
  -- read receipt after delivery; a failure WhatsApp reports after accepting a message
  ('campaign_target', 'queued', 'queued_throttled'),
  ('campaign_target', 'delivered', 'read'),
  ('campaign_target', 'sent', 'failed'),
  -- spec: pending → approved, or pending → needs_changes → pending
  ('insurance_quote', 'pending', 'approved'),
  ('insurance_quote', 'pending', 'needs_changes'),
  ('insurance_quote', 'needs_changes', 'pending');

revoke all on app.state_machines, app.state_transitions from public, anon, authenticated;
grant select on app.state_machines, app.state_transitions to authenticated, service_role;

create function app.transition_allowed(machine text, from_state text, to_state text) returns boolean
language sql stable set search_path = '' as $$
  select exists (
    select 1 from app.state_transitions t
     where t.machine = transition_allowed.machine
       and t.from_state = transition_allowed.from_state
       and t.to_state = transition_allowed.to_state)
$$;
comment on function app.transition_allowed(text, text, text) is 'True when the machine allows from_state → to_state.';
revoke all on function app.transition_allowed(text, text, text) from public, anon;
grant execute on function app.transition_allowed(text, text, text) to authenticated, service_role;

-- BEFORE INSERT OR UPDATE trigger; the machine's name is the trigger argument. Errors use
-- SQLSTATE 23514 (check_violation) and name the change, e.g. "voucher: sent → issued".
create function app.enforce_transition() returns trigger
language plpgsql set search_path = '' as $$
declare
  machine_name text := tg_argv[0];
  initial text[];
begin
  if tg_op = 'INSERT' then
    select m.initial_states into initial from app.state_machines m where m.machine = machine_name;
    if not new.status = any (initial) then
      raise exception '%: a new row cannot start as %', machine_name, new.status
        using errcode = 'check_violation', hint = format('start as one of %s', initial);
    end if;
  elsif new.status is distinct from old.status
        and not app.transition_allowed(machine_name, old.status, new.status) then
    raise exception '%: illegal transition % → %', machine_name, old.status, new.status
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;
comment on function app.enforce_transition() is
  'Refuses status changes that app.state_transitions does not list, and new rows outside the initial states.';
revoke all on function app.enforce_transition() from public, anon, authenticated;
