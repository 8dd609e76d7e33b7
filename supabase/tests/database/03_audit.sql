-- Audit: every insert, update and delete on the audited tables (the spec's five, plus
-- admin_roles and station_operators) leaves exactly one audit_log row with the right
-- actor, action and target, through every path: as a signed-in user, as the service
-- role, inside an invoker function, inside a definer function (called by someone with no
-- rights: the actor is still the caller), and as the system. Then the diffs, the
-- append-only rules and the chain. (Commit-time sealing and concurrent writers:
-- e2e/api/audit-chain.test.ts.)
begin;
set local search_path = public, extensions, tests;

-- ── helpers (live only inside this transaction) ─────────────────────────────────────
create function tests.act_as_identity(identity text) returns void language plpgsql as $$
begin
  case identity
    when 'system' then perform set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
    when 'service_role' then perform tests.act_as_service();
    when 'super_admin' then perform tests.act_as('admin@easymo.test');
    when 'support' then perform tests.act_as('support@easymo.test');
    when 'data_ops' then perform tests.act_as('dataops@easymo.test');
    when 'operator_a' then perform tests.act_as('operator@easymo.test');
    else raise exception 'unknown identity %', identity;
  end case;
end
$$;

-- The audit rows written after a stage (security definer: whatever the caller may read).
create function tests.audit_rows_after(stage_mark bigint) returns jsonb
language sql security definer set search_path = '' as $$
  select coalesce(jsonb_agg(jsonb_build_object('kind', a.actor_kind, 'actor', a.actor_id, 'action', a.action,
                                               'table', a.target_table, 'target', a.target_id, 'diff', a.diff) order by a.stage), '[]')
    from public.audit_log a where a.stage > stage_mark
$$;
create function tests.audit_stage() returns bigint language sql security definer set search_path = '' as $$
  select coalesce(max(stage), 0) from public.audit_log
$$;

-- Write paths through functions.
create function tests.run_invoker(statement text) returns void language plpgsql as $$
begin
  execute statement;
end
$$;
create function tests.run_definer(statement text) returns void language plpgsql security definer set search_path = '' as $$
begin
  execute statement;
end
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

-- Runs one case in a subtransaction and returns the audit rows it produced (or the error).
create function tests.audit_case(identity text, path text, statement text) returns jsonb language plpgsql as $$
declare
  mark bigint := tests.audit_stage();
  produced jsonb;
begin
  begin
    perform tests.act_as_identity(identity);
    case path
      when 'direct' then execute statement;
      when 'invoker function' then perform tests.run_invoker(statement);
      when 'definer function' then perform tests.run_definer(statement);
    end case;
    produced := tests.audit_rows_after(mark);
    raise exception using errcode = 'TS901';
  exception
    when sqlstate 'TS901' then null;
    when others then produced := jsonb_build_object('error', sqlerrm);
  end;
  return produced;
end
$$;

-- Rows the cases act on, beyond the seed.
insert into public.campaigns (id, name, type, template_id) values ('e9999999-0000-4000-8000-000000000001', 'audit: empty draft', 'promo', 'weekend_promo');
insert into public.settings (key, value) values ('audit_optional', '{"on": true}');
-- Seal audit rows at the end of each statement from here on, as a commit would, so the
-- chain checks below see a complete chain inside this test's transaction.
set constraints all immediate;

-- ── every table × operation × path ──────────────────────────────────────────────────
create temp table cases (tbl text, op text, statement text, target text, users text, allowed_paths text[]) on commit drop;
-- users: who performs the direct and invoker-function paths (the definer path runs as an
-- operator, who holds no right at all). allowed_paths: paths the grants permit.
insert into cases values
  ('vouchers', 'insert', $$insert into public.vouchers (user_id, amount) values ('c0000000-0000-4000-8000-000000000001', 1500)$$, null, 'data_ops',
   '{direct,service,invoker function,definer function,system}'),
  ('vouchers', 'update', $$update public.vouchers set metadata = '{"audit": 1}' where id = 'd0000000-0000-4000-8000-000000000001'$$,
   'd0000000-0000-4000-8000-000000000001', 'data_ops', '{direct,service,invoker function,definer function,system}'),
  ('vouchers', 'delete', $$delete from public.voucher_events where voucher_id = 'd0000000-0000-4000-8000-000000000012';
                          delete from public.vouchers where id = 'd0000000-0000-4000-8000-000000000012'$$,
   'd0000000-0000-4000-8000-000000000012', 'data_ops', '{definer function,system}'),
  ('campaigns', 'insert', $$insert into public.campaigns (name, type, template_id) values ('audit case', 'promo', 'weekend_promo')$$, null, 'support',
   '{direct,service,invoker function,definer function,system}'),
  ('campaigns', 'update', $$update public.campaigns set metadata = '{"audit": 1}' where id = 'e0000000-0000-4000-8000-000000000002'$$,
   'e0000000-0000-4000-8000-000000000002', 'support', '{direct,service,invoker function,definer function,system}'),
  ('campaigns', 'delete', $$delete from public.campaigns where id = 'e9999999-0000-4000-8000-000000000001'$$,
   'e9999999-0000-4000-8000-000000000001', 'support', '{direct,service,invoker function,definer function,system}'),
  ('campaign_targets', 'insert', $$insert into public.campaign_targets (campaign_id, msisdn) values ('e0000000-0000-4000-8000-000000000003', '+250788777001')$$,
   null, 'support', '{direct,service,invoker function,definer function,system}'),
  ('campaign_targets', 'update', $$update public.campaign_targets set personalized_vars = '{"audit": 1}'
                                   where campaign_id = 'e0000000-0000-4000-8000-000000000003' and msisdn = '+250788100013'$$,
   null, 'support', '{direct,service,invoker function,definer function,system}'),
  ('campaign_targets', 'delete', $$delete from public.campaign_targets where campaign_id = 'e0000000-0000-4000-8000-000000000003' and msisdn = '+250788100013'$$,
   null, 'support', '{direct,service,invoker function,definer function,system}'),
  ('insurance_quotes', 'insert', $$insert into public.insurance_quotes (user_id) values ('c0000000-0000-4000-8000-000000000003')$$, null, 'support',
   '{service,definer function,system}'),
  ('insurance_quotes', 'update', $$update public.insurance_quotes set reviewer_comment = 'audit' where id = 'f0000000-0000-4000-8000-000000000001'$$,
   'f0000000-0000-4000-8000-000000000001', 'support', '{direct,service,invoker function,definer function,system}'),
  ('insurance_quotes', 'delete', $$delete from public.insurance_quotes where id = 'f0000000-0000-4000-8000-000000000001'$$,
   'f0000000-0000-4000-8000-000000000001', 'support', '{definer function,system}'),
  ('settings', 'insert', $$insert into public.settings (key, value) values ('audit_new', '1')$$, 'audit_new', 'super_admin',
   '{direct,service,invoker function,definer function,system}'),
  ('settings', 'update', $$update public.settings set value = '{"url": "https://revolut.me/easymo-audit"}' where key = 'revolut_link'$$,
   'revolut_link', 'super_admin', '{direct,service,invoker function,definer function,system}'),
  ('settings', 'delete', $$delete from public.settings where key = 'audit_optional'$$, 'audit_optional', 'super_admin',
   '{direct,service,invoker function,definer function,system}'),
  ('admin_roles', 'insert', $$insert into public.admin_roles (user_id, roles) values ('a0000000-0000-4000-8000-000000000006', '{readonly}')$$,
   'a0000000-0000-4000-8000-000000000006', 'super_admin', '{direct,service,invoker function,definer function,system}'),
  ('admin_roles', 'update', $$update public.admin_roles set roles = '{readonly,support}' where user_id = 'a0000000-0000-4000-8000-000000000004'$$,
   'a0000000-0000-4000-8000-000000000004', 'super_admin', '{direct,service,invoker function,definer function,system}'),
  ('admin_roles', 'delete', $$delete from public.admin_roles where user_id = 'a0000000-0000-4000-8000-000000000004'$$,
   'a0000000-0000-4000-8000-000000000004', 'super_admin', '{direct,service,invoker function,definer function,system}'),
  ('station_operators', 'insert', $$insert into public.station_operators (user_id, station_id, active)
                                      values ('a0000000-0000-4000-8000-000000000004', 'b0000000-0000-4000-8000-000000000005', false)$$,
   'a0000000-0000-4000-8000-000000000004/b0000000-0000-4000-8000-000000000005', 'data_ops', '{direct,service,invoker function,definer function,system}'),
  ('station_operators', 'update', $$update public.station_operators set active = false
                                      where user_id = 'a0000000-0000-4000-8000-000000000005' and station_id = 'b0000000-0000-4000-8000-000000000001'$$,
   'a0000000-0000-4000-8000-000000000005/b0000000-0000-4000-8000-000000000001', 'data_ops', '{direct,service,invoker function,definer function,system}'),
  ('station_operators', 'delete', $$delete from public.station_operators
                                      where user_id = 'a0000000-0000-4000-8000-000000000005' and station_id = 'b0000000-0000-4000-8000-000000000001'$$,
   'a0000000-0000-4000-8000-000000000005/b0000000-0000-4000-8000-000000000001', 'data_ops', '{direct,service,invoker function,definer function,system}');

create temp table runs on commit drop as
select c.tbl, c.op, c.target, p.path,
       case p.path when 'service' then 'service_role' when 'system' then 'system'
                   when 'definer function' then 'operator_a' else c.users end as identity,
       tests.audit_case(case p.path when 'service' then 'service_role' when 'system' then 'system'
                                    when 'definer function' then 'operator_a' else c.users end,
                        case when p.path in ('service', 'system') then 'direct' else p.path end,
                        c.statement) as produced
  from cases c cross join unnest(c.allowed_paths) as p (path);

select plan((select count(*)::int from runs) + 25);

select is(
  (select jsonb_build_object('rows', jsonb_array_length(r.produced), 'kind', r.produced -> 0 ->> 'kind', 'actor', r.produced -> 0 ->> 'actor',
                             'action', r.produced -> 0 ->> 'action', 'table', r.produced -> 0 ->> 'table')
              || case when r.target is null then '{}'::jsonb else jsonb_build_object('target', r.produced -> 0 ->> 'target') end),
  jsonb_build_object('rows', 1,
                     'kind', case r.identity when 'service_role' then 'service' when 'system' then 'system' else 'user' end,
                     'actor', case r.identity when 'service_role' then null when 'system' then null else tests.uid(case r.identity
                                when 'super_admin' then 'admin@easymo.test' when 'support' then 'support@easymo.test'
                                when 'data_ops' then 'dataops@easymo.test' when 'operator_a' then 'operator@easymo.test' end)::text end,
                     'action', r.op, 'table', r.tbl)
    || case when r.target is null then '{}'::jsonb else jsonb_build_object('target', r.target) end,
  format('%s %s as %s (%s) leaves one audit row naming the actor', r.tbl, r.op, r.identity, r.path))
  from runs r order by r.tbl, r.op, r.path;

-- ── side effects are audited too ────────────────────────────────────────────────────
select is(
  (select jsonb_agg(x ->> 'table' || ':' || (x ->> 'action') order by x ->> 'table')
     from jsonb_array_elements(tests.audit_case('support', 'direct',
            $$delete from public.campaigns where id = 'e0000000-0000-4000-8000-000000000003'$$)) x),
  '["campaign_targets:delete", "campaign_targets:delete", "campaigns:delete"]'::jsonb,
  'deleting a draft campaign audits the targets its delete cascades to');
select is(
  (select jsonb_agg(x ->> 'table' || ':' || (x ->> 'action') order by x ->> 'table')
     from jsonb_array_elements(tests.audit_case('system', 'direct',
            $$delete from public.users where id = 'c0000000-0000-4000-8000-000000000011'$$)) x),
  '["campaign_targets:update"]'::jsonb,
  'erasing a driver audits the target whose user_id it sets to null');

-- ── diffs ────────────────────────────────────────────────────────────────────────────
create temp table diffs on commit drop as select
  tests.audit_case('data_ops', 'direct', $$insert into public.vouchers (user_id, amount) values ('c0000000-0000-4000-8000-000000000001', 2500)$$) -> 0 -> 'diff' as inserted,
  tests.audit_case('data_ops', 'direct', $$update public.vouchers set expires_at = '2031-01-01T00:00:00Z' where id = 'd0000000-0000-4000-8000-000000000002'$$) -> 0 -> 'diff' as updated,
  tests.audit_case('service_role', 'direct', $$update public.vouchers set status = 'sent' where id = 'd0000000-0000-4000-8000-000000000001'$$) -> 0 -> 'diff' as sent,
  tests.audit_case('super_admin', 'direct', $$delete from public.settings where key = 'audit_optional'$$) -> 0 -> 'diff' as deleted;
select is((select inserted -> 'after' ->> 'amount' from diffs), '2500.00', 'an insert records the whole new row under "after"');
select ok((select not (inserted ? 'before') from diffs), 'an insert has no "before"');
select is((select array(select jsonb_object_keys(updated -> 'after') order by 1) from diffs), '{expires_at,updated_at}',
  'an update records only the changed columns');
select isnt((select updated -> 'before' ->> 'expires_at' from diffs), (select updated -> 'after' ->> 'expires_at' from diffs),
  'with the old value before and the new value after');
select is((select sent -> 'before' ->> 'status' || ' → ' || (sent -> 'after' ->> 'status') from diffs), 'issued → sent',
  'a status change records both statuses');
select is((select deleted -> 'before' -> 'value' from diffs), '{"on": true}'::jsonb, 'a delete records the whole old row under "before"');

-- ── append-only, for every role ─────────────────────────────────────────────────────
select tests.act_as_anon();
select throws_ok('update public.audit_log set diff = ''{}''', '42501', null, 'anon cannot update the audit log');
select throws_ok('delete from public.audit_log', '42501', null, 'anon cannot delete from the audit log');
select tests.act_as('admin@easymo.test');
select throws_ok('update public.audit_log set diff = ''{}''', '42501', null, 'a super admin cannot update the audit log');
select throws_ok('delete from public.audit_log', '42501', null, 'a super admin cannot delete from the audit log');
select throws_ok($$insert into public.audit_log (action, target_table, actor_kind) values ('insert', 'x', 'user')$$,
  '42501', null, 'a super admin cannot write an audit row');
select tests.act_as_service();
select throws_ok('update public.audit_log set diff = ''{}''', '42501', null, 'the service role cannot update the audit log');
select throws_ok('truncate public.audit_log', '42501', null, 'the service role cannot truncate the audit log');
select tests.act_as_identity('system');
select throws_ok('update public.audit_log set diff = ''{}'' where seq = 1', '42501',
  'audit_log is append-only: UPDATE is not allowed', 'even the table owner cannot update it (trigger)');
select throws_ok('delete from public.audit_log where seq = 1', '42501',
  'audit_log is append-only: DELETE is not allowed', 'even the table owner cannot delete from it (trigger)');
select throws_ok('truncate public.settings', '42501',
  'settings cannot be truncated: every removal must be audited row by row', 'audited tables refuse TRUNCATE, which would leave no audit row');

-- ── the chain and its checkpoints ───────────────────────────────────────────────────
select results_eq('select ok, problem from app.verify_audit_chain()', $$values (true, null::text)$$, 'the seeded chain verifies');

-- Tampering as a superuser with triggers off, as an attacker with database access would.
savepoint tamper;
set local session_replication_role = replica;
update public.audit_log set diff = jsonb_set(diff, '{after,amount}', '"1.00"') where seq = 5;
set local session_replication_role = origin;
select results_eq('select ok, first_broken_seq, problem from app.verify_audit_chain()',
  $$values (false, 5::bigint, 'row content was changed after it was written')$$, 'an edited diff is found at its row');
rollback to savepoint tamper;

savepoint tamper;
set local session_replication_role = replica;
delete from public.audit_log where seq = 7;
set local session_replication_role = origin;
select results_eq('select ok, first_broken_seq, problem from app.verify_audit_chain()',
  $$values (false, 8::bigint, 'rows are missing before this one')$$, 'a deleted row is found at the row after it');
rollback to savepoint tamper;

create temp table checkpoint on commit drop as select * from app.audit_head();
savepoint tamper;
set local session_replication_role = replica;
-- A careful attacker edits row 5 and recomputes every later link and hash.
update public.audit_log set diff = '{"after": {"amount": "1.00"}}' where seq = 5;
do $$
declare
  r record;
  prev text;
begin
  select hash into prev from public.audit_log where seq = 4;
  for r in select * from public.audit_log where seq >= 5 order by seq loop
    update public.audit_log
       set prev_hash = prev,
           hash = app.audit_hash(prev, r.seq, r.id, r.actor_id, r.actor_kind, r.action, r.target_table, r.target_id, r.diff, r.created_at)
     where id = r.id returning hash into prev;
  end loop;
end
$$;
set local session_replication_role = origin;
select results_eq('select ok from app.verify_audit_chain()', $$values (true)$$,
  'a full rehash of the tail gives a chain that verifies on its own');
select is((select app.audit_matches_checkpoint(seq, hash) from checkpoint), false,
  'but it no longer matches the checkpoint recorded before');
rollback to savepoint tamper;
select is((select app.audit_matches_checkpoint(seq, hash) from checkpoint), true, 'the untouched chain matches its checkpoint');

select tests.act_as('operator@easymo.test');
select throws_ok('select * from app.verify_audit_chain()', '42501', null, 'only admins verify the chain');

select * from finish();
rollback;
