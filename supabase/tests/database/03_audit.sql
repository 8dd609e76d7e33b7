-- Audit: every insert, update and delete on vouchers, campaigns, campaign_targets,
-- insurance_quotes and settings leaves exactly one audit_log row with the right actor
-- and diff, whatever the path (as a signed-in user, as the service role, inside SQL
-- functions, as the system). The log is append-only and its hash chain catches edits
-- and removals. (Concurrent writers: e2e/api/audit-chain.test.ts.)
begin;
set local search_path = public, extensions, tests;
select plan(32);

-- Runs a statement as the current role and returns the audit rows it produced.
create function tests.audited(statement text) returns jsonb language plpgsql as $$
declare
  before bigint;
  produced jsonb;
begin
  select coalesce(max(seq), 0) into before from public.audit_log;
  execute statement;
  select coalesce(jsonb_agg(to_jsonb(a) - 'prev_hash' - 'hash' - 'id' - 'created_at' order by a.seq), '[]')
    into produced from public.audit_log a where a.seq > before;
  return produced;
end
$$;

create temp table cases (label text primary key, rows jsonb) on commit drop;
grant all on cases to public;

create function tests.as_system() returns void language sql as $$
  select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true)
$$;

-- An invoker function and a definer function that write on the caller's behalf.
create function tests.touch_voucher_invoker(voucher uuid) returns void language sql as $$
  update public.vouchers set metadata = '{"via": "invoker function"}' where id = voucher
$$;
create function tests.touch_voucher_definer(voucher uuid) returns void
language sql security definer set search_path = '' as $$
  update public.vouchers set metadata = '{"via": "definer function"}' where id = voucher
$$;
grant execute on function tests.touch_voucher_invoker(uuid), tests.touch_voucher_definer(uuid) to authenticated;

-- ── writes as signed-in users ────────────────────────────────────────────────────────
select tests.act_as('dataops@easymo.test');
insert into cases values ('voucher insert by data_ops', tests.audited($$
  insert into public.vouchers (id, user_id, amount) values ('d9999999-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 2500)$$));
insert into cases values ('voucher update by data_ops', tests.audited($$
  update public.vouchers set expires_at = '2031-01-01T00:00:00Z' where id = 'd9999999-0000-4000-8000-000000000001'$$));
insert into cases values ('voucher update in an invoker function', tests.audited($$
  select tests.touch_voucher_invoker('d9999999-0000-4000-8000-000000000001')$$));
insert into cases values ('voucher update in a definer function', tests.audited($$
  select tests.touch_voucher_definer('d9999999-0000-4000-8000-000000000001')$$));

select tests.act_as('support@easymo.test');
insert into cases values ('campaign insert by support', tests.audited($$
  insert into public.campaigns (id, name, type, template_id) values ('e9999999-0000-4000-8000-000000000001', 'Audit test', 'promo', 'weekend_promo')$$));
insert into cases values ('campaign update by support', tests.audited($$
  update public.campaigns set name = 'Audit test (renamed)' where id = 'e9999999-0000-4000-8000-000000000001'$$));
insert into cases values ('target insert by support', tests.audited($$
  insert into public.campaign_targets (id, campaign_id, msisdn) values ('99999999-1111-4000-8000-000000000001', 'e9999999-0000-4000-8000-000000000001', '+250788777001')$$));
insert into cases values ('target update by support', tests.audited($$
  update public.campaign_targets set personalized_vars = '{"name": "Eric"}' where id = '99999999-1111-4000-8000-000000000001'$$));
insert into cases values ('target delete by support', tests.audited($$
  delete from public.campaign_targets where id = '99999999-1111-4000-8000-000000000001'$$));
insert into cases values ('campaign delete by support', tests.audited($$
  delete from public.campaigns where id = 'e9999999-0000-4000-8000-000000000001'$$));
insert into cases values ('quote update by support', tests.audited($$
  update public.insurance_quotes set premium = 90000, insurer = 'Radiant', status = 'approved' where id = 'f0000000-0000-4000-8000-000000000001'$$));

select tests.act_as('admin@easymo.test');
insert into cases values ('setting insert by super_admin', tests.audited($$
  insert into public.settings (key, value) values ('audit_test', '{"on": true}')$$));
insert into cases values ('setting update by super_admin', tests.audited($$
  update public.settings set value = '{"on": false}' where key = 'audit_test'$$));
insert into cases values ('setting delete by super_admin', tests.audited($$
  delete from public.settings where key = 'audit_test'$$));

-- ── writes as the service role and as the system ─────────────────────────────────────
select tests.act_as_service();
insert into cases values ('quote insert by the service role', tests.audited($$
  insert into public.insurance_quotes (id, user_id) values ('f9999999-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000003')$$));
insert into cases values ('voucher update by the service role', tests.audited($$
  update public.vouchers set status = 'sent' where id = 'd9999999-0000-4000-8000-000000000001'$$));

select tests.as_system();
insert into cases values ('voucher delete by the system', tests.audited($$
  delete from public.voucher_events where voucher_id = 'd9999999-0000-4000-8000-000000000001';
  delete from public.vouchers where id = 'd9999999-0000-4000-8000-000000000001'$$));

-- ── one row each, with the right actor and target ───────────────────────────────────
select is((select array_agg(label order by label) from cases where jsonb_array_length(rows) <> 1), null,
  'every write left exactly one audit row');

select results_eq(
  $$select label, r ->> 'actor_kind', r ->> 'actor_id', r ->> 'action', r ->> 'target_table', r ->> 'target_id'
      from cases, jsonb_array_elements(rows) r order by label$$,
  $$values
    ('campaign delete by support', 'user', 'a0000000-0000-4000-8000-000000000002', 'delete', 'campaigns', 'e9999999-0000-4000-8000-000000000001'),
    ('campaign insert by support', 'user', 'a0000000-0000-4000-8000-000000000002', 'insert', 'campaigns', 'e9999999-0000-4000-8000-000000000001'),
    ('campaign update by support', 'user', 'a0000000-0000-4000-8000-000000000002', 'update', 'campaigns', 'e9999999-0000-4000-8000-000000000001'),
    ('quote insert by the service role', 'service', null, 'insert', 'insurance_quotes', 'f9999999-0000-4000-8000-000000000001'),
    ('quote update by support', 'user', 'a0000000-0000-4000-8000-000000000002', 'update', 'insurance_quotes', 'f0000000-0000-4000-8000-000000000001'),
    ('setting delete by super_admin', 'user', 'a0000000-0000-4000-8000-000000000001', 'delete', 'settings', 'audit_test'),
    ('setting insert by super_admin', 'user', 'a0000000-0000-4000-8000-000000000001', 'insert', 'settings', 'audit_test'),
    ('setting update by super_admin', 'user', 'a0000000-0000-4000-8000-000000000001', 'update', 'settings', 'audit_test'),
    ('target delete by support', 'user', 'a0000000-0000-4000-8000-000000000002', 'delete', 'campaign_targets', '99999999-1111-4000-8000-000000000001'),
    ('target insert by support', 'user', 'a0000000-0000-4000-8000-000000000002', 'insert', 'campaign_targets', '99999999-1111-4000-8000-000000000001'),
    ('target update by support', 'user', 'a0000000-0000-4000-8000-000000000002', 'update', 'campaign_targets', '99999999-1111-4000-8000-000000000001'),
    ('voucher delete by the system', 'system', null, 'delete', 'vouchers', 'd9999999-0000-4000-8000-000000000001'),
    ('voucher insert by data_ops', 'user', 'a0000000-0000-4000-8000-000000000003', 'insert', 'vouchers', 'd9999999-0000-4000-8000-000000000001'),
    ('voucher update by data_ops', 'user', 'a0000000-0000-4000-8000-000000000003', 'update', 'vouchers', 'd9999999-0000-4000-8000-000000000001'),
    ('voucher update by the service role', 'service', null, 'update', 'vouchers', 'd9999999-0000-4000-8000-000000000001'),
    ('voucher update in a definer function', 'user', 'a0000000-0000-4000-8000-000000000003', 'update', 'vouchers', 'd9999999-0000-4000-8000-000000000001'),
    ('voucher update in an invoker function', 'user', 'a0000000-0000-4000-8000-000000000003', 'update', 'vouchers', 'd9999999-0000-4000-8000-000000000001')
  $$,
  'each audit row names the actor (the JWT''s sub even inside functions), the action and the target');

-- ── diffs ────────────────────────────────────────────────────────────────────────────
select is((select rows -> 0 -> 'diff' -> 'after' ->> 'amount' from cases where label = 'voucher insert by data_ops'), '2500.00',
  'an insert records the whole new row under "after"');
select ok((select not (rows -> 0 -> 'diff' ? 'before') from cases where label = 'voucher insert by data_ops'),
  'an insert has no "before"');
select is(
  (select array(select jsonb_object_keys(rows -> 0 -> 'diff' -> 'after') order by 1) from cases where label = 'voucher update by data_ops'),
  '{expires_at}', 'an update records only the changed columns (updated_at did not change within the transaction)');
select is((select rows -> 0 -> 'diff' -> 'before' -> 'expires_at' from cases where label = 'voucher update by data_ops'),
  'null'::jsonb, 'the before side holds the old value (no expiry yet)');
select is((select rows -> 0 -> 'diff' -> 'after' ->> 'status' from cases where label = 'voucher update by the service role'), 'sent',
  'a status change records the new status');
select is((select rows -> 0 -> 'diff' -> 'before' ->> 'status' from cases where label = 'voucher update by the service role'), 'issued',
  'and the old one');
select is((select rows -> 0 -> 'diff' -> 'before' ->> 'value' from cases where label = 'setting delete by super_admin'), '{"on": false}',
  'a delete records the whole old row under "before"');
select is((select rows -> 0 -> 'diff' -> 'after' ->> 'metadata' from cases where label = 'voucher update in a definer function'),
  '{"via": "definer function"}', 'writes made inside SQL functions are audited with their diff');

-- ── append-only, for every role ─────────────────────────────────────────────────────
select tests.act_as_anon();
select throws_ok('update public.audit_log set diff = ''{}''', '42501', null, 'anon cannot update the audit log');
select throws_ok('delete from public.audit_log', '42501', null, 'anon cannot delete from the audit log');
select throws_ok('truncate public.audit_log', '42501', null, 'anon cannot truncate the audit log');
select tests.act_as('admin@easymo.test');
select throws_ok('update public.audit_log set diff = ''{}''', '42501', null, 'a super admin cannot update the audit log');
select throws_ok('delete from public.audit_log', '42501', null, 'a super admin cannot delete from the audit log');
select throws_ok('truncate public.audit_log', '42501', null, 'a super admin cannot truncate the audit log');
select throws_ok($$insert into public.audit_log (action, target_table, actor_kind, seq, prev_hash, hash) values ('insert', 'x', 'user', 0, 'x', 'x')$$,
  '42501', null, 'a super admin cannot forge an audit row');
select tests.act_as_service();
select throws_ok('update public.audit_log set diff = ''{}''', '42501', null, 'the service role cannot update the audit log');
select throws_ok('delete from public.audit_log', '42501', null, 'the service role cannot delete from the audit log');
select throws_ok('truncate public.audit_log', '42501', null, 'the service role cannot truncate the audit log');
select tests.as_system();
select throws_ok('update public.audit_log set diff = ''{}'' where seq = 1', '42501',
  'audit_log is append-only: UPDATE is not allowed', 'even the table owner cannot update it (trigger)');
select throws_ok('delete from public.audit_log where seq = 1', '42501',
  'audit_log is append-only: DELETE is not allowed', 'even the table owner cannot delete from it (trigger)');
select throws_ok('truncate public.audit_log', '42501',
  'audit_log is append-only: TRUNCATE is not allowed', 'even the table owner cannot truncate it (trigger)');

-- ── the chain ───────────────────────────────────────────────────────────────────────
select results_eq('select ok, problem from app.verify_audit_chain()', $$values (true, null::text)$$,
  'the chain verifies after all these writes');
select is((select count(*)::int from public.audit_log), (select max(seq)::int from public.audit_log),
  'seq numbers run 1..n without gaps');
select is((select count(*)::int from public.audit_log a join public.audit_log b on b.seq = a.seq + 1 where b.prev_hash <> a.hash), 0,
  'every row links to the hash of the row before it');

select tests.act_as('readonly@easymo.test');
select results_eq('select ok, rows_checked from app.verify_audit_chain()',
  $$select true, (select count(*) from public.audit_log)$$, 'an admin verifies the whole chain');
select tests.act_as('operator@easymo.test');
select is((select rows_checked from app.verify_audit_chain()), 0::bigint, 'an operator reads no audit rows, so verifies none');
select tests.as_system();

-- Plant tampering as a superuser with triggers off, as an attacker with database
-- access would, and check that verification points at the right row.
savepoint tamper;
set local session_replication_role = replica;
update public.audit_log set diff = jsonb_set(diff, '{after,amount}', '"1.00"') where seq = 5;
set local session_replication_role = origin;
select results_eq('select ok, first_broken_seq, problem from app.verify_audit_chain()',
  $$values (false, 5::bigint, 'row content was changed after it was written')$$,
  'an edited diff is found at its row');
rollback to savepoint tamper;

savepoint tamper;
set local session_replication_role = replica;
delete from public.audit_log where seq = 7;
set local session_replication_role = origin;
select results_eq('select ok, first_broken_seq, problem from app.verify_audit_chain()',
  $$values (false, 8::bigint, 'rows are missing before this one')$$,
  'a deleted row is found at the row after it');
rollback to savepoint tamper;

savepoint tamper;
set local session_replication_role = replica;
-- A careful attacker recomputes the edited row's own hash: the next link still breaks.
update public.audit_log
   set diff = '{"after": {"amount": "1.00"}}',
       hash = app.audit_hash(prev_hash, seq, actor_id, actor_kind, action, target_table, target_id, '{"after": {"amount": "1.00"}}', created_at)
 where seq = 5;
set local session_replication_role = origin;
select results_eq('select ok, first_broken_seq, problem from app.verify_audit_chain()',
  $$values (false, 6::bigint, 'link to the previous row is broken')$$,
  'a rehashed row breaks the link of the row after it');
rollback to savepoint tamper;

select results_eq('select ok from app.verify_audit_chain()', $$values (true)$$, 'undoing the tampering restores a valid chain');

select * from finish();
rollback;
