-- The RLS matrix: every cell of supabase/tests/rls-matrix.json (relation × identity ×
-- select/insert/update/delete) run against the seeded database, each in its own
-- subtransaction so no cell sees another's writes. docs/security/rls-matrix.md is
-- rendered from the same file; each test is named "relation · identity · operation".
begin;
set local search_path = public, extensions, tests;
\set matrix `cat supabase/tests/rls-matrix.json`

create temp table matrix on commit drop as select :'matrix'::jsonb as doc;

-- ── helpers (live only inside this transaction) ─────────────────────────────────────
create function tests.act_as_identity(identity text) returns void
language plpgsql as $$
begin
  case identity
    when 'anon' then perform tests.act_as_anon();
    when 'service_role' then perform tests.act_as_service();
    when 'super_admin' then perform tests.act_as('admin@easymo.test');
    when 'support' then perform tests.act_as('support@easymo.test');
    when 'data_ops' then perform tests.act_as('dataops@easymo.test');
    when 'readonly' then perform tests.act_as('readonly@easymo.test');
    when 'operator_a' then perform tests.act_as('operator@easymo.test');
    when 'operator_b' then perform tests.act_as('operator2@easymo.test');
    else raise exception 'unknown identity %', identity;
  end case;
end
$$;

-- Expands the groups "admins" and "operators" into identities.
create function tests.matrix_cells(op jsonb) returns table (identity text, expected jsonb)
language sql as $$
  select member, cell.value
    from jsonb_each(op - 'sql' - 'note') as cell
    cross join lateral unnest(case cell.key
      when 'admins' then array['super_admin', 'support', 'data_ops', 'readonly']
      when 'operators' then array['operator_a', 'operator_b']
      else array[cell.key] end) as member
$$;

-- Runs one cell and returns its outcome: a sorted key array for select, a row count
-- for writes, or 'denied' / 'rls' when Postgres refuses. Always rolls back.
create function tests.matrix_outcome(relation text, scope text, key text, op jsonb, op_name text, identity text)
returns text
language plpgsql as $$
declare
  outcome text;
  affected integer;
begin
  begin
    perform tests.act_as_identity(identity);
    if op_name = 'select' then
      execute format('select coalesce(array_agg(k order by k), ''{}'')::text from (select (%s)::text as k from %s where %s) s',
                     key, relation, coalesce(scope, 'true'))
        into outcome;
    else
      execute op ->> 'sql';
      get diagnostics affected = row_count;
      outcome := affected::text;
    end if;
    raise exception using errcode = 'TS901';
  exception
    when sqlstate 'TS901' then null;
    when insufficient_privilege then
      outcome := case when sqlerrm like '%row-level security%' then 'rls' else 'denied' end;
    when others then
      -- Anything else (a constraint, a trigger) is reported, not allowed to stop the run.
      outcome := format('error %s: %s', sqlstate, sqlerrm);
  end;
  return outcome;
end
$$;

-- What a select should return as the superuser sees it (all rows, or a predicate's).
create function tests.matrix_expected_keys(relation text, scope text, key text, predicate text) returns text
language plpgsql as $$
declare
  keys text;
begin
  execute format('select coalesce(array_agg(k order by k), ''{}'')::text from (select (%s)::text as k from %s where %s and (%s)) s',
                 key, relation, coalesce(scope, 'true'), predicate)
    into keys;
  return keys;
end
$$;

create function tests.matrix_check(doc jsonb) returns setof text
language plpgsql as $$
declare
  entry jsonb;
  op_name text;
  cell record;
  relation text;
  scope text;
  key text;
  actual text;
  expected_text text;
  everything text;
  description text;
  passed boolean;
begin
  for entry in select value from jsonb_array_elements(doc -> 'relations') loop
    relation := entry ->> 'relation';
    scope := entry ->> 'scope';
    key := entry ->> 'key';
    everything := tests.matrix_expected_keys(relation, scope, key, 'true');
    foreach op_name in array array['select', 'insert', 'update', 'delete'] loop
      continue when not entry ? op_name;
      for cell in select * from tests.matrix_cells(entry -> op_name) order by identity loop
        actual := tests.matrix_outcome(relation, scope, key, entry -> op_name, op_name, cell.identity);
        if jsonb_typeof(cell.expected) = 'object' then
          expected_text := tests.matrix_expected_keys(relation, scope, key, cell.expected ->> 'where');
          -- A subset must be a real one: not empty, not everything.
          passed := actual = expected_text and expected_text <> '{}' and expected_text <> everything;
        else
          expected_text := cell.expected #>> '{}';
          passed := case expected_text
            when 'all' then actual = everything and everything <> '{}'
            when 'none' then (case when op_name = 'select' then actual = '{}' and everything <> '{}' else actual = '0' end)
            when 'allowed' then actual = '1'
            else actual = expected_text
          end;
        end if;
        description := format('%s · %s · %s → %s', entry ->> 'name', cell.identity, op_name,
                              coalesce(cell.expected ->> 'note', expected_text));
        return next ok(passed, description);
        if not passed then
          return next diag(format('expected %s, got %s', left(expected_text, 300), left(actual, 300)));
        end if;
      end loop;
    end loop;
  end loop;
end
$$;

-- ── fixtures every cell needs (rows the seed does not have) ─────────────────────────
do $$
declare
  statement text;
begin
  for statement in select jsonb_array_elements_text(doc -> 'setup') from matrix loop
    execute statement;
  end loop;
end
$$;

select plan((
  select count(*)::int
    from matrix, jsonb_array_elements(doc -> 'relations') as entry,
         unnest(array['select', 'insert', 'update', 'delete']) as op_name,
         tests.matrix_cells(entry -> op_name) as cell
   where entry ? op_name));

select * from tests.matrix_check((select doc from matrix));

select * from finish();
rollback;
