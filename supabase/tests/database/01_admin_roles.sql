-- admin_roles: shape, role helpers, and who may read and change roles.
begin;
set local search_path = public, extensions, tests;
select plan(42);

-- ── shape (spec: user_id PK → auth.users, roles text[], granted_by, granted_at now()) ──
select has_table('public', 'admin_roles', 'admin_roles exists');
select columns_are('public', 'admin_roles', array['user_id', 'roles', 'granted_by', 'granted_at'], 'admin_roles has the spec''s columns');
select col_is_pk('public', 'admin_roles', 'user_id', 'user_id is the primary key');
select fk_ok('public', 'admin_roles', 'user_id', 'auth', 'users', 'id', 'user_id references auth.users');
select col_type_is('public', 'admin_roles', 'roles', 'text[]', 'roles is text[]');
select col_default_is('public', 'admin_roles', 'granted_at', 'now()', 'granted_at defaults to now()');
select is((select relrowsecurity from pg_class where oid = 'public.admin_roles'::regclass), true, 'RLS is enabled');
select throws_ok(
  $$insert into public.admin_roles (user_id, roles) values (tests.uid('operator@easymo.test'), '{admin}')$$,
  '23514', null, 'a role name outside the four is refused');

-- ── helpers: definer functions cannot be hijacked through search_path ──
select is(
  (select proconfig from pg_proc where oid = 'app.current_admin_roles()'::regprocedure),
  array['search_path=""'], 'app.current_admin_roles is security definer with an empty search_path');
select ok(
  (select prosecdef from pg_proc where oid = 'app.current_admin_roles()'::regprocedure),
  'app.current_admin_roles runs as its owner (policies on admin_roles cannot recurse)');
select ok(not has_function_privilege('anon', 'app.has_role(text)', 'execute'), 'anon cannot call the role helpers');
select ok(not has_function_privilege('public', 'app.current_admin_roles()', 'execute'), 'PUBLIC cannot call the role helpers');

-- ── anon ──
select tests.act_as_anon();
select throws_ok('select * from public.admin_roles', '42501', null, 'anon cannot read admin_roles');
select throws_ok($$insert into public.admin_roles (user_id) values (gen_random_uuid())$$, '42501', null, 'anon cannot insert');

-- ── a signed-in user without roles (the station operator) ──
select tests.act_as('operator@easymo.test');
select is((select count(*)::int from public.admin_roles), 0, 'a user without roles reads no rows');
select is(app.current_admin_roles(), '{}'::text[], 'their roles are empty');
select is(app.is_admin(), false, 'they are not an admin');
select throws_ok(
  $$insert into public.admin_roles (user_id, roles) values (auth.uid(), '{super_admin}')$$,
  '42501', null, 'they cannot grant themselves a role');

-- ── readonly ──
select tests.act_as('readonly@easymo.test');
select results_eq('select user_id from public.admin_roles', $$values (tests.uid('readonly@easymo.test'))$$,
  'readonly reads their own row only');
select is(tests.affected($$update public.admin_roles set roles = '{super_admin}' where user_id = auth.uid()$$), 0,
  'readonly cannot promote themselves (0 rows)');
select is(tests.affected($$delete from public.admin_roles where user_id = auth.uid()$$), 0,
  'readonly cannot delete their row (0 rows)');

-- ── support and data_ops ──
select tests.act_as('support@easymo.test');
select ok(app.has_role('support') and not app.has_role('super_admin'), 'support holds support and not super_admin');
select ok(app.has_any_role('{super_admin,support}'), 'has_any_role matches any listed role');
select is(tests.affected($$update public.admin_roles set roles = '{}' where user_id = tests.uid('dataops@easymo.test')$$), 0,
  'support cannot change another admin''s roles (0 rows)');
select tests.act_as('dataops@easymo.test');
select is(tests.affected($$delete from public.admin_roles where user_id = tests.uid('support@easymo.test')$$), 0,
  'data_ops cannot remove another admin''s roles (0 rows)');
select throws_ok(
  $$insert into public.admin_roles (user_id, roles) values (tests.uid('operator@easymo.test'), '{readonly}')$$,
  '42501', null, 'data_ops cannot grant roles');

-- ── super_admin ──
select tests.act_as('admin@easymo.test');
select is((select count(*)::int from public.admin_roles), 4, 'super admin reads every row');
select is(
  tests.affected($$insert into public.admin_roles (user_id, roles) values (tests.uid('operator@easymo.test'), '{support,readonly,support}')$$),
  1, 'super admin grants roles');
select results_eq(
  $$select roles, granted_by from public.admin_roles where user_id = tests.uid('operator@easymo.test')$$,
  $$values ('{readonly,support}'::text[], tests.uid('admin@easymo.test'))$$,
  'roles are stored sorted and distinct, stamped with the granting admin');
select is(tests.affected($$update public.admin_roles set roles = '{readonly}' where user_id = tests.uid('support@easymo.test')$$), 1,
  'super admin changes roles');
select throws_ok(
  $$update public.admin_roles set granted_by = tests.uid('dataops@easymo.test') where user_id = tests.uid('support@easymo.test')$$,
  '42501', null, 'a super admin cannot set the grant stamps (no column grant)');
select tests.act_as_service();
update public.admin_roles set granted_by = tests.uid('dataops@easymo.test'), granted_at = '2020-01-01'
 where user_id = tests.uid('support@easymo.test');
select results_eq(
  $$select granted_by, granted_at > now() - interval '1 minute' from public.admin_roles where user_id = tests.uid('support@easymo.test')$$,
  $$values (tests.uid('admin@easymo.test'), true)$$,
  'the grant stamps cannot be rewritten without a role change, even by the service role');
select tests.act_as('admin@easymo.test');
select is(tests.affected($$delete from public.admin_roles where user_id = tests.uid('dataops@easymo.test')$$), 1,
  'super admin removes roles');

-- ── changes apply at once, not at the next token refresh ──
select tests.act_as('support@easymo.test');
select is(app.current_admin_roles(), '{readonly}'::text[], 'a demoted admin has the new roles on the next statement');
select tests.act_as('dataops@easymo.test');
select is(app.is_admin(), false, 'an admin whose row was removed is no longer an admin');
select tests.act_as('admin@easymo.test');
select is(tests.affected($$update public.admin_roles set roles = '{super_admin}' where user_id = tests.uid('operator@easymo.test')$$), 1,
  'super admin makes another super admin');
select is(tests.affected($$update public.admin_roles set roles = '{readonly}' where user_id = auth.uid()$$), 1,
  'a super admin may demote themselves (while another remains: 11_admin_panel.sql)');
select is((select count(*)::int from public.admin_roles), 1, 'and from the next statement reads only their own row');

-- ── service_role (the scheduler and webhooks) ──
select tests.act_as_service();
select is((select count(*)::int from public.admin_roles), 4, 'service_role reads every row');
select is(
  tests.affected($$update public.admin_roles set roles = '{super_admin}', granted_by = null where user_id = tests.uid('admin@easymo.test')$$),
  1, 'service_role changes roles');
select is((select granted_by from public.admin_roles where user_id = tests.uid('admin@easymo.test')), null::uuid,
  'a change without a user leaves granted_by as given');
select isnt((select granted_at from public.admin_roles where user_id = tests.uid('admin@easymo.test')), null::timestamptz,
  'and stamps granted_at');

select * from finish();
rollback;
