-- Schema-wide guarantees: checked over every object, so a new table or function that
-- forgets one fails here rather than in production.
begin;
set local search_path = public, extensions, tests;
select plan(14);

select is(
  (select array_agg(c.relname order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity),
  null, 'RLS is enabled on every table in public');

select is(
  (select array_agg(c.relname order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v') and obj_description(c.oid, 'pg_class') is null),
  null, 'every table and view in public has a comment');

select is(
  (select array_agg(c.relname || ':' || p.privilege order by c.relname, p.privilege)
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) as p (privilege)
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S')
      and has_table_privilege('anon', c.oid, p.privilege)),
  null, 'anon holds no privilege on any table, view or sequence in public');

-- The API never lets anonymous callers run SQL functions; none is allow-listed yet. Every
-- project schema counts (public, app, graphql_public…); the platform's own schemas
-- (auth, storage, extensions) and the test helpers do not.
select is(
  (select array_agg(n.nspname || '.' || p.proname order by 1) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname !~ '^pg_' and n.nspname not in ('information_schema', 'auth', 'storage', 'extensions', 'tests', 'supabase_migrations')
      and has_function_privilege('anon', p.oid, 'execute')
      and n.nspname || '.' || p.proname <> all (array[]::text[])),
  null, 'anon can execute no function in any project schema outside the allow-list');

select is(
  (select array_agg(n.nspname || '.' || p.proname order by 1) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'app')
      and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0 and a.privilege_type = 'EXECUTE')),
  null, 'PUBLIC can execute no function in public or app (EXECUTE is granted explicitly)');

select is(
  (select array_agg(n.nspname || '.' || p.proname order by 1) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'app') and p.prosecdef
      and not coalesce(p.proconfig, '{}') @> array['search_path=""']),
  null, 'every security definer function pins an empty search_path');

select is(
  (select array_agg(n.nspname || '.' || p.proname order by 1) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'app') and not coalesce(p.proconfig, '{}') @> array['search_path=""']),
  null, 'every function in public and app pins an empty search_path');

select is(
  (select array_agg(n.nspname || '.' || p.proname order by 1) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'app') and obj_description(p.oid, 'pg_proc') is null),
  null, 'every function in public and app has a comment');

select is(
  (select array_agg(c.relname order by 1) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'v' and not coalesce(c.reloptions, '{}') @> array['security_invoker=on']),
  null, 'every view runs with the caller''s rights (security_invoker)');

select is(
  (select array_agg(t order by t) from unnest(array['vouchers', 'campaigns', 'campaign_targets', 'insurance_quotes', 'settings']) t
    where not exists (select 1 from pg_trigger tg where tg.tgrelid = ('public.' || t)::regclass and tg.tgname = 'audit'
                       and tg.tgfoid = 'app.audit_row_change'::regproc)),
  null, 'the five audited tables carry the audit trigger');

select is(
  (select array_agg(t order by t) from (values ('vouchers'), ('campaigns'), ('campaign_targets'), ('insurance_quotes')) v (t)
    where not exists (select 1 from pg_trigger tg where tg.tgrelid = ('public.' || t)::regclass
                       and tg.tgfoid = 'app.enforce_transition'::regproc)),
  null, 'the four status machines are enforced by a trigger on their table');

select results_eq(
  $$select id, public from storage.buckets where id in ('vouchers', 'qr', 'campaign-media', 'docs') order by id$$,
  $$values ('campaign-media', false), ('docs', false), ('qr', false), ('vouchers', false)$$,
  'the four buckets of the data model exist and are private');

select is(
  (select array_agg(polname order by polname) from pg_policy where polrelid = 'storage.objects'::regclass
     and not (polroles @> array['authenticated'::regrole::oid]) ),
  null, 'storage policies apply to signed-in users only (nothing for anon)');

select is(
  (select count(*)::int from pg_policy p
     where p.polrelid in ('public.agent_chat_sessions'::regclass, 'public.agent_chat_messages'::regclass)
       and not p.polpermissive and pg_get_expr(p.polqual, p.polrelid) = 'false'),
  2, 'the agent chat tables carry a deny-all policy');

select * from finish();
rollback;
