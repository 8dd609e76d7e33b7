-- The audit log (spec: `audit_log`): one row for every write to an audited table, in
-- the writer's transaction, with the actor from the JWT and a before/after diff.
--
-- Tamper-evident: rows form a hash chain. Each row stores the previous row's hash and
-- its own hash over (previous hash, position, content), so editing, removing or
-- reordering a row breaks the links after it; app.verify_audit_chain() finds the first
-- broken row. Someone who can rewrite the table (its owner) could recompute every later
-- hash: checkpoints of the head (app.audit_head(), `pnpm audit:checkpoint`) kept outside
-- the database catch that, as does removing the newest rows.
--
-- Sealed at commit: a write appends its audit rows without taking any lock; a deferred
-- constraint trigger links them into the chain when the transaction commits, under a
-- short advisory lock taken after every row lock the transaction holds (so it cannot
-- deadlock with them). Other transactions never see an unsealed row: unsealed rows are
-- uncommitted.
--
-- Append-only: no API role may UPDATE, DELETE or TRUNCATE (no grant), and triggers
-- refuse it even for the table owner; only sealing fills in an unsealed row's links.

-- ════════════════════════════════════════════════════════════════════════════════
-- Table
-- ════════════════════════════════════════════════════════════════════════════════
create table public.audit_log (
  id uuid primary key default gen_random_uuid(),
  actor_id uuid,
  action text not null check (action in ('insert', 'update', 'delete')),
  target_table text not null,
  target_id text,
  diff jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  -- additions for attribution and the chain (docs/data-model.md)
  actor_kind text not null check (actor_kind in ('user', 'service', 'system')),
  seq bigint unique,
  prev_hash text,
  hash text unique,
  stage bigint generated always as identity,
  constraint audit_log_sealed_whole check ((seq is null) = (prev_hash is null) and (seq is null) = (hash is null))
);
comment on table public.audit_log is
  'Append-only, hash-chained record of every write to the audited tables (vouchers, campaigns, campaign_targets, insurance_quotes, settings, admin_roles, station_operators).';
comment on column public.audit_log.actor_id is 'auth.uid() of the writer; null for service-role and system writes.';
comment on column public.audit_log.actor_kind is 'user (a signed-in person), service (service_role key), system (SQL without a JWT: migrations, seed, jobs).';
comment on column public.audit_log.diff is 'insert: {after}; delete: {before}; update: {before, after} holding only the changed columns.';
comment on column public.audit_log.seq is 'Position in the chain, 1, 2, 3… without gaps; set when the writing transaction commits.';
comment on column public.audit_log.hash is 'sha256 over prev_hash, seq and the row content (app.audit_hash).';
comment on column public.audit_log.stage is 'Write order inside a transaction, used to seal its rows in the order they were written.';

create index audit_log_target_table_created_at_idx on public.audit_log (target_table, created_at desc);
create index audit_log_actor_id_created_at_idx on public.audit_log (actor_id, created_at desc);
create index audit_log_target_idx on public.audit_log (target_table, target_id);
create index audit_log_unsealed_idx on public.audit_log (stage) where seq is null;

-- ════════════════════════════════════════════════════════════════════════════════
-- Chain
-- ════════════════════════════════════════════════════════════════════════════════
-- A JSON array encodes every field unambiguously (no separator or NULL/'' confusion).
create function app.audit_hash(
  prev_hash text, seq bigint, id uuid, actor_id uuid, actor_kind text, action text,
  target_table text, target_id text, diff jsonb, created_at timestamptz
) returns text
language sql immutable set search_path = '' as $$
  select encode(sha256(convert_to(jsonb_build_array(
    prev_hash, seq, id, actor_id, actor_kind, action, target_table, target_id, diff,
    to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text, 'UTF8')), 'hex')
$$;
comment on function app.audit_hash(text, bigint, uuid, uuid, text, text, text, text, jsonb, timestamptz) is
  'The hash of one audit row, chained to the previous row''s hash.';

-- Appends one unsealed row. security definer: writers hold no privilege on audit_log.
create function app.append_audit(
  actor_id uuid, actor_kind text, action text, target_table text, target_id text, diff jsonb
) returns void
language sql security definer set search_path = '' as $$
  insert into public.audit_log (actor_id, actor_kind, action, target_table, target_id, diff)
  values (actor_id, actor_kind, action, target_table, target_id, diff)
$$;
comment on function app.append_audit(uuid, text, text, text, text, jsonb) is
  'Appends an audit row; it is linked into the hash chain when the transaction commits.';

-- Deferred constraint trigger on audit_log: at commit, links this transaction's rows
-- into the chain, one after the other, under a lock held only until the commit ends.
create function app.seal_audit_log() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  head record;
  pending record;
  next_seq bigint;
  prev text;
begin
  -- The first firing seals every row of the transaction; the others find nothing.
  if not exists (select 1 from public.audit_log a where a.seq is null) then
    return null;
  end if;
  -- Sealing reads the head committed by others: it needs a fresh snapshot.
  if current_setting('transaction_isolation') <> 'read committed' then
    raise exception 'audited writes need READ COMMITTED isolation (found %)', current_setting('transaction_isolation')
      using errcode = 'feature_not_supported';
  end if;
  perform pg_advisory_xact_lock(hashtext('easymo'), hashtext('audit_log chain'));
  select a.seq, a.hash into head from public.audit_log a where a.seq is not null order by a.seq desc limit 1;
  next_seq := coalesce(head.seq, 0);
  prev := coalesce(head.hash, repeat('0', 64));
  for pending in select * from public.audit_log a where a.seq is null order by a.stage loop
    next_seq := next_seq + 1;
    update public.audit_log
       set seq = next_seq,
           prev_hash = prev,
           hash = app.audit_hash(prev, next_seq, pending.id, pending.actor_id, pending.actor_kind, pending.action,
                                 pending.target_table, pending.target_id, pending.diff, pending.created_at)
     where id = pending.id
     returning hash into prev;
  end loop;
  return null;
end
$$;
comment on function app.seal_audit_log() is
  'At commit: gives this transaction''s audit rows their place in the chain (seq, prev_hash, hash).';

create constraint trigger seal_at_commit after insert on public.audit_log
  deferrable initially deferred for each row execute function app.seal_audit_log();

-- AFTER INSERT OR UPDATE OR DELETE trigger on every audited table; the arguments name
-- the key columns (several are joined with '/').
create function app.audit_row_change() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  claims jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  jwt_role text := claims ->> 'role';
  kind text;
  actor uuid;
  before jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  after jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
  change jsonb;
  key text;
begin
  if jwt_role is null then
    kind := 'system';
  elsif jwt_role = 'service_role' then
    kind := 'service';
  else
    kind := 'user';
    actor := nullif(claims ->> 'sub', '')::uuid;
  end if;

  if tg_op = 'INSERT' then
    change := jsonb_build_object('after', after);
  elsif tg_op = 'DELETE' then
    change := jsonb_build_object('before', before);
  else
    select jsonb_build_object(
             'before', coalesce(jsonb_object_agg(n.key, before -> n.key), '{}'::jsonb),
             'after', coalesce(jsonb_object_agg(n.key, n.value), '{}'::jsonb))
      into change
      from jsonb_each(after) as n
     where before -> n.key is distinct from n.value;
  end if;

  select string_agg(coalesce(after, before) ->> col, '/' order by ord) into key
    from unnest(tg_argv) with ordinality as k (col, ord);
  perform app.append_audit(actor, kind, lower(tg_op), tg_table_name, key, change);
  return null;
end
$$;
comment on function app.audit_row_change() is
  'Writes the audit row of an insert, update or delete: actor from the JWT, changed columns before and after.';

-- Writes that would bypass row triggers are refused on audited tables.
create function app.refuse_truncate() returns trigger
language plpgsql set search_path = '' as $$
begin
  raise exception '% cannot be truncated: every removal must be audited row by row', tg_table_name
    using errcode = 'insufficient_privilege';
end
$$;
comment on function app.refuse_truncate() is 'BEFORE TRUNCATE trigger on audited tables: TRUNCATE would leave no audit row.';

-- ════════════════════════════════════════════════════════════════════════════════
-- Append-only
-- ════════════════════════════════════════════════════════════════════════════════
create function app.refuse_audit_change() returns trigger
language plpgsql set search_path = '' as $$
begin
  -- Sealing fills in the links of a row written by this transaction, and nothing else.
  if tg_op = 'UPDATE' and old.seq is null and new.seq is not null
     and (to_jsonb(new) - array['seq', 'prev_hash', 'hash']) = (to_jsonb(old) - array['seq', 'prev_hash', 'hash']) then
    return new;
  end if;
  raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
end
$$;
comment on function app.refuse_audit_change() is 'Refuses UPDATE, DELETE and TRUNCATE on audit_log, whoever asks; lets sealing through.';

create trigger audit_log_no_update_or_delete before update or delete on public.audit_log
  for each row execute function app.refuse_audit_change();
create trigger audit_log_no_truncate before truncate on public.audit_log
  for each statement execute function app.refuse_audit_change();

-- ════════════════════════════════════════════════════════════════════════════════
-- Verification
-- ════════════════════════════════════════════════════════════════════════════════
-- Whether the caller may check the chain: any admin, the service role, or SQL without a
-- JWT (psql, `pnpm audit:verify`). The functions below read every row (security definer)
-- because a chain cannot be checked from the subset a role may read; they reveal
-- positions and hashes, not content.
create function app.may_verify_audit() returns boolean
language sql stable set search_path = '' as $$
  select auth.role() is null or auth.role() = 'service_role' or app.is_admin()
$$;
comment on function app.may_verify_audit() is 'True for admins, the service role and JWT-less SQL sessions.';

create function app.verify_audit_chain()
returns table (ok boolean, rows_checked bigint, first_broken_seq bigint, first_broken_id uuid, problem text)
language plpgsql stable security definer set search_path = '' as $$
begin
  if not app.may_verify_audit() then
    raise exception 'only admins verify the audit chain' using errcode = 'insufficient_privilege';
  end if;
  return query
  with chain as (
    select a.id, a.seq, a.prev_hash, a.hash,
           app.audit_hash(a.prev_hash, a.seq, a.id, a.actor_id, a.actor_kind, a.action, a.target_table,
                          a.target_id, a.diff, a.created_at) as recomputed,
           lag(a.hash) over w as previous_hash,
           lag(a.seq) over w as previous_seq
      from public.audit_log a
    window w as (order by a.seq nulls last, a.stage)
  ),
  broken as (
    select c.id, c.seq,
           case
             when c.seq is null then 'row was never sealed into the chain'
             when c.seq <> coalesce(c.previous_seq, 0) + 1 then 'rows are missing before this one'
             when c.prev_hash <> coalesce(c.previous_hash, repeat('0', 64)) then 'link to the previous row is broken'
             when c.hash <> c.recomputed then 'row content was changed after it was written'
           end as problem
      from chain c
  )
  select b.id is null, (select count(*) from public.audit_log), b.seq, b.id, b.problem
    from (select 1) one
    left join lateral (select * from broken where broken.problem is not null order by broken.seq nulls first limit 1) b on true;
end
$$;
comment on function app.verify_audit_chain() is
  'Checks the whole audit chain; reports the first broken row and why (ok = true when intact).';

create function app.audit_head() returns table (seq bigint, hash text)
language plpgsql stable security definer set search_path = '' as $$
begin
  if not app.may_verify_audit() then
    raise exception 'only admins read the audit checkpoint' using errcode = 'insufficient_privilege';
  end if;
  return query select a.seq, a.hash from public.audit_log a where a.seq is not null order by a.seq desc limit 1;
end
$$;
comment on function app.audit_head() is
  'The newest sealed row: record it outside the database as a checkpoint; a later rewrite of the chain changes it.';

create function app.audit_matches_checkpoint(checkpoint_seq bigint, checkpoint_hash text) returns boolean
language plpgsql stable security definer set search_path = '' as $$
begin
  if not app.may_verify_audit() then
    raise exception 'only admins check audit checkpoints' using errcode = 'insufficient_privilege';
  end if;
  return exists (select 1 from public.audit_log a where a.seq = checkpoint_seq and a.hash = checkpoint_hash);
end
$$;
comment on function app.audit_matches_checkpoint(bigint, text) is
  'True when the chain still holds the row a checkpoint recorded (same position, same hash).';

-- ════════════════════════════════════════════════════════════════════════════════
-- Access. Admins read the log, but not what their role may not read in the tables
-- themselves: target rows (phone numbers) only for super admins and support, role
-- changes only for super admins. Nobody writes except through the triggers above.
-- ════════════════════════════════════════════════════════════════════════════════
revoke all on function app.audit_hash(text, bigint, uuid, uuid, text, text, text, text, jsonb, timestamptz) from public, anon;
revoke all on function app.append_audit(uuid, text, text, text, text, jsonb) from public, anon, authenticated;
revoke all on function app.seal_audit_log() from public, anon, authenticated;
revoke all on function app.audit_row_change() from public, anon, authenticated;
revoke all on function app.refuse_truncate() from public, anon, authenticated;
revoke all on function app.refuse_audit_change() from public, anon, authenticated;
revoke all on function app.may_verify_audit(), app.verify_audit_chain(), app.audit_head(), app.audit_matches_checkpoint(bigint, text)
  from public, anon;
grant execute on function app.audit_hash(text, bigint, uuid, uuid, text, text, text, text, jsonb, timestamptz) to authenticated, service_role;
grant execute on function app.may_verify_audit(), app.verify_audit_chain(), app.audit_head(), app.audit_matches_checkpoint(bigint, text)
  to authenticated, service_role;

alter table public.audit_log enable row level security;
revoke all on table public.audit_log from public, anon, authenticated, service_role;
grant select on table public.audit_log to authenticated, service_role;

create policy "admins read the audit of what their role may read"
  on public.audit_log for select to authenticated
  using (
    (select app.is_admin())
    and (target_table not in ('campaign_targets', 'admin_roles')
         or (target_table = 'campaign_targets' and (select app.has_any_role('{super_admin,support}')))
         or (target_table = 'admin_roles' and (select app.has_role('super_admin')))));

-- admin_roles (created earlier) decides who sees what: its changes are audited too.
create trigger audit after insert or update or delete on public.admin_roles
  for each row execute function app.audit_row_change('user_id');
create trigger refuse_truncate before truncate on public.admin_roles
  for each statement execute function app.refuse_truncate();
