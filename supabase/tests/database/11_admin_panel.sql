-- Admin panel helpers: the user directory and the email lookup (admins only, every role
-- tried), the campaign-target read rule agreeing with RLS for every role, and the last
-- super admin, whom no update, delete or account deletion may take away.
begin;
set local search_path = public, extensions, tests;
select plan(45);

-- ── shape: definer functions pinned, not callable by PUBLIC or anon ──
select ok(
  (select bool_and(prosecdef and proconfig @> array['search_path=""']) from pg_proc
    where oid in ('app.user_directory(uuid[])'::regprocedure, 'app.user_id_by_email(text)'::regprocedure,
                  'app.keep_a_super_admin()'::regprocedure)),
  'the directory helpers and the super admin guard are security definer with an empty search_path');
select ok(not has_function_privilege('anon', 'app.user_directory(uuid[])', 'execute'), 'anon cannot call user_directory');
select ok(not has_function_privilege('anon', 'app.user_id_by_email(text)', 'execute'), 'anon cannot call user_id_by_email');
select ok(not has_function_privilege('public', 'app.user_directory(uuid[])', 'execute'), 'PUBLIC cannot call user_directory');
select ok(not has_function_privilege('authenticated', 'app.keep_a_super_admin()', 'execute'),
  'nobody calls the trigger function directly');
select isnt(obj_description('app.user_directory(uuid[])'::regprocedure, 'pg_proc'), null, 'user_directory has a comment');

-- ── anon ──
select tests.act_as_anon();
select throws_ok($$select * from app.user_directory(array[tests.uid('admin@easymo.test')])$$, '42501', null,
  'anon cannot read the directory');
select throws_ok($$select app.user_id_by_email('admin@easymo.test')$$, '42501', null, 'anon cannot look up emails');

-- ── an operator (signed in, no admin role) ──
select tests.act_as('operator@easymo.test');
select throws_ok($$select * from app.user_directory(array[auth.uid()])$$, '42501', 'only admins read the user directory',
  'an operator cannot read the directory, not even about themselves');
select throws_ok($$select app.user_id_by_email('admin@easymo.test')$$, '42501', 'only admins look accounts up by email',
  'an operator cannot look up emails');
select is(app.may_read_campaign_targets(), false, 'an operator may not read campaign targets');
select is(app.may_read_campaign_targets(), exists (select 1 from public.campaign_targets),
  'operator: the read rule agrees with what RLS shows');

-- ── every admin role reads the directory and looks up emails ──
select tests.act_as('readonly@easymo.test');
select results_eq(
  $$select id, email, full_name from app.user_directory(array[tests.uid('operator@easymo.test'), tests.uid('admin@easymo.test')]) order by email$$,
  $$values (tests.uid('admin@easymo.test'), 'admin@easymo.test', 'Aline Super Admin'),
           (tests.uid('operator@easymo.test'), 'operator@easymo.test', 'Olivier Operator')$$,
  'readonly reads the emails and names of the ids it asks for');
select is((select count(*)::int from app.user_directory(array[gen_random_uuid()])), 0, 'an unknown id gives no row');
select is((select count(*)::int from app.user_directory('{}')), 0, 'no ids, no rows');
select is(app.user_id_by_email('  OPERATOR@easymo.TEST '), tests.uid('operator@easymo.test'),
  'an email is matched in any case, spaces trimmed');
select is(app.user_id_by_email('nobody@easymo.test'), null::uuid, 'an email nobody has is null');
select is(app.may_read_campaign_targets(), false, 'readonly may not read campaign targets');
select is(app.may_read_campaign_targets(), exists (select 1 from public.campaign_targets),
  'readonly: the read rule agrees with what RLS shows');

select tests.act_as('dataops@easymo.test');
select is((select email from app.user_directory(array[tests.uid('support@easymo.test')])), 'support@easymo.test',
  'data_ops reads the directory');
select is(app.may_read_campaign_targets(), false, 'data_ops may not read campaign targets');
select is(app.may_read_campaign_targets(), exists (select 1 from public.campaign_targets),
  'data_ops: the read rule agrees with what RLS shows');

select tests.act_as('support@easymo.test');
select is((select email from app.user_directory(array[tests.uid('dataops@easymo.test')])), 'dataops@easymo.test',
  'support reads the directory');
select is(app.may_read_campaign_targets(), true, 'support may read campaign targets');
select is(app.may_read_campaign_targets(), exists (select 1 from public.campaign_targets),
  'support: the read rule agrees with what RLS shows');

select tests.act_as('admin@easymo.test');
select is(app.user_id_by_email('readonly@easymo.test'), tests.uid('readonly@easymo.test'), 'a super admin looks up emails');
select is(app.may_read_campaign_targets(), true, 'a super admin may read campaign targets');
select is(app.may_read_campaign_targets(), exists (select 1 from public.campaign_targets),
  'super_admin: the read rule agrees with what RLS shows');

-- ── the last super admin ──
select is((select count(*)::int from public.admin_roles where 'super_admin' = any (roles)), 1,
  'the seed has one super admin');
select throws_ok(
  $$update public.admin_roles set roles = '{readonly}' where user_id = auth.uid()$$,
  '23514', 'This is the last super admin: grant super_admin to someone else first',
  'the last super admin cannot demote themselves');
select throws_ok($$delete from public.admin_roles where user_id = auth.uid()$$, '23514', null,
  'nor delete their roles');
select is(tests.affected($$update public.admin_roles set roles = '{support,super_admin}' where user_id = auth.uid()$$), 1,
  'adding a role beside super_admin is fine');
select is(tests.affected($$update public.admin_roles set roles = '{readonly,support}' where user_id = tests.uid('support@easymo.test')$$), 1,
  'changing someone else''s roles is fine');

select tests.act_as_service();
select throws_ok(
  $$update public.admin_roles set roles = '{}' where user_id = tests.uid('admin@easymo.test')$$,
  '23514', null, 'the service role cannot take it either');
select throws_ok($$delete from public.admin_roles$$, '23514', null, 'nor delete every row at once');

reset role;
select set_config('request.jwt.claims', '', true);
select throws_ok(
  $$update public.admin_roles set roles = '{readonly}' where 'super_admin' = any (roles)$$,
  '23514', null, 'SQL without a JWT cannot take it either');

-- Accounts: one that granted roles, then is the only super admin, then is deleted.
insert into auth.users (instance_id, id, aud, role, email)
values ('00000000-0000-0000-0000-000000000000', 'a9999999-0000-4000-8000-000000000001', 'authenticated', 'authenticated',
        'granter@easymo.test');
insert into public.admin_roles (user_id, roles) values (tests.uid('granter@easymo.test'), '{super_admin}');
update public.admin_roles set roles = '{readonly,support}', granted_by = tests.uid('granter@easymo.test')
 where user_id = tests.uid('readonly@easymo.test');
update public.admin_roles set roles = '{support}' where user_id = tests.uid('admin@easymo.test');
select throws_ok($$delete from auth.users where id = tests.uid('granter@easymo.test')$$,
  '23514', 'This is the last super admin: grant super_admin to someone else first',
  'deleting the last super admin''s account (its roles go with it) is refused');
update public.admin_roles set roles = '{super_admin}' where user_id = tests.uid('admin@easymo.test');
select lives_ok($$delete from auth.users where id = 'a9999999-0000-4000-8000-000000000001'$$,
  'an account that granted roles can be deleted once another super admin exists');
select is((select granted_by from public.admin_roles where user_id = tests.uid('readonly@easymo.test')), null::uuid,
  'the roles it granted lose their granter (ON DELETE SET NULL is not undone by the stamps)');

-- With a second super admin, either may step down, but not both.
select tests.act_as('admin@easymo.test');
select is(tests.affected($$insert into public.admin_roles (user_id, roles) values (tests.uid('operator@easymo.test'), '{super_admin}')$$), 1,
  'a second super admin is granted');
select is(tests.affected($$update public.admin_roles set roles = '{readonly}' where user_id = auth.uid()$$), 1,
  'with two, a super admin may step down');
select tests.act_as('operator@easymo.test');
select throws_ok($$update public.admin_roles set roles = '{support}' where user_id = auth.uid()$$, '23514', null,
  'and then the other is the last one');
select is(tests.affected($$update public.admin_roles set roles = '{super_admin}' where user_id = tests.uid('admin@easymo.test')$$), 1,
  'the last one may make another super admin');
select is(tests.affected($$delete from public.admin_roles where user_id = auth.uid()$$), 1,
  'and then leave');
select tests.act_as('admin@easymo.test');
select results_eq($$select user_id from public.admin_roles where 'super_admin' = any (roles)$$,
  $$values (tests.uid('admin@easymo.test'))$$, 'one super admin remains');

select * from finish();
rollback;
