-- The audit log (spec: `audit_log`): one row for every write to an audited table, in
-- the writer's transaction, with the actor from the JWT and a before/after diff.
--
-- Tamper-evident: rows form a hash chain. Each row stores the previous row's hash and
-- its own hash over (previous hash, position, content), so editing, removing or
-- reordering a row breaks every link after it; app.verify_audit_chain() finds the
-- first broken row. Appends take one transaction-level advisory lock, so concurrent
-- writers are chained one after the other, in commit order.
--
-- Append-only: no API role may UPDATE, DELETE or TRUNCATE (no grant), and triggers
-- refuse it even for the table owner. Limit: the chain cannot reveal the removal of
-- its newest rows on its own; publish the head hash elsewhere to anchor it.

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
  seq bigint not null unique,
  prev_hash text not null,
  hash text not null unique
);
comment on table public.audit_log is
  'Append-only, hash-chained record of every write to vouchers, campaigns, campaign_targets, insurance_quotes and settings.';
comment on column public.audit_log.actor_id is 'auth.uid() of the writer; null for service-role and system writes.';
comment on column public.audit_log.actor_kind is 'user (a signed-in person), service (service_role key), system (SQL without a JWT: migrations, seed, jobs).';
comment on column public.audit_log.diff is 'insert: {after}; delete: {before}; update: {before, after} holding only the changed columns.';
comment on column public.audit_log.seq is 'Position in the chain, 1, 2, 3… without gaps.';
comment on column public.audit_log.hash is 'sha256 over prev_hash, seq and the row content (app.audit_hash).';

create index audit_log_target_table_created_at_idx on public.audit_log (target_table, created_at desc);
create index audit_log_actor_id_created_at_idx on public.audit_log (actor_id, created_at desc);
create index audit_log_target_idx on public.audit_log (target_table, target_id);

-- ════════════════════════════════════════════════════════════════════════════════
-- Chain
-- ════════════════════════════════════════════════════════════════════════════════
create function app.audit_hash(
  prev_hash text, seq bigint, actor_id uuid, actor_kind text, action text,
  target_table text, target_id text, diff jsonb, created_at timestamptz
) returns text
language sql immutable set search_path = '' as $$
  select encode(sha256(convert_to(concat_ws('|',
    prev_hash, seq::text, coalesce(actor_id::text, ''), actor_kind, action, target_table,
    coalesce(target_id, ''), diff::text,
    to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')), 'UTF8')), 'hex')
$$;
comment on function app.audit_hash(text, bigint, uuid, text, text, text, text, jsonb, timestamptz) is
  'The hash of one audit row, chained to the previous row''s hash.';

-- Appends one row at the head of the chain. security definer: writers hold no privilege
-- on audit_log.
create function app.append_audit(
  actor_id uuid, actor_kind text, action text, target_table text, target_id text, diff jsonb
) returns void
language plpgsql security definer set search_path = '' as $$
declare
  head record;
  next_seq bigint;
  prev text;
  stamp timestamptz := now();
begin
  -- Later statements must see the rows of transactions that appended before us.
  if current_setting('transaction_isolation') <> 'read committed' then
    raise exception 'audited writes need READ COMMITTED isolation (found %)', current_setting('transaction_isolation')
      using errcode = 'feature_not_supported';
  end if;
  -- One writer at a time extends the chain; released at commit or rollback.
  perform pg_advisory_xact_lock(hashtext('public.audit_log chain'));
  select a.seq, a.hash into head from public.audit_log a order by a.seq desc limit 1;
  next_seq := coalesce(head.seq, 0) + 1;
  prev := coalesce(head.hash, repeat('0', 64));
  insert into public.audit_log (actor_id, actor_kind, action, target_table, target_id, diff, created_at, seq, prev_hash, hash)
  values (actor_id, actor_kind, action, target_table, target_id, diff, stamp, next_seq, prev,
          app.audit_hash(prev, next_seq, actor_id, actor_kind, action, target_table, target_id, diff, stamp));
end
$$;
comment on function app.append_audit(uuid, text, text, text, text, jsonb) is 'Appends one row to the audit hash chain.';

-- AFTER INSERT OR UPDATE OR DELETE trigger on every audited table; the argument names
-- the primary-key column.
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

  perform app.append_audit(actor, kind, lower(tg_op), tg_table_name,
                           coalesce(after, before) ->> tg_argv[0], change);
  return null;
end
$$;
comment on function app.audit_row_change() is
  'Writes the audit row of an insert, update or delete: actor from the JWT, changed columns before and after.';

-- ════════════════════════════════════════════════════════════════════════════════
-- Append-only
-- ════════════════════════════════════════════════════════════════════════════════
create function app.refuse_audit_change() returns trigger
language plpgsql set search_path = '' as $$
begin
  raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
end
$$;
comment on function app.refuse_audit_change() is 'Refuses UPDATE, DELETE and TRUNCATE on audit_log, whoever asks.';

create trigger audit_log_no_update_or_delete before update or delete on public.audit_log
  for each row execute function app.refuse_audit_change();
create trigger audit_log_no_truncate before truncate on public.audit_log
  for each statement execute function app.refuse_audit_change();

-- ════════════════════════════════════════════════════════════════════════════════
-- Verification
-- ════════════════════════════════════════════════════════════════════════════════
-- security invoker: callers verify the rows they can read (admins: all of them).
create function app.verify_audit_chain()
returns table (ok boolean, rows_checked bigint, first_broken_seq bigint, first_broken_id uuid, problem text)
language sql stable set search_path = '' as $$
  with chain as (
    select a.id, a.seq, a.prev_hash, a.hash,
           app.audit_hash(a.prev_hash, a.seq, a.actor_id, a.actor_kind, a.action, a.target_table,
                          a.target_id, a.diff, a.created_at) as recomputed,
           lag(a.hash) over w as previous_hash,
           lag(a.seq) over w as previous_seq
      from public.audit_log a
    window w as (order by a.seq)
  ),
  broken as (
    select c.id, c.seq,
           case
             when c.seq <> coalesce(c.previous_seq, 0) + 1 then 'rows are missing before this one'
             when c.prev_hash <> coalesce(c.previous_hash, repeat('0', 64)) then 'link to the previous row is broken'
             when c.hash <> c.recomputed then 'row content was changed after it was written'
           end as problem
      from chain c
  )
  select b.id is null, (select count(*) from public.audit_log), b.seq, b.id, b.problem
    from (select 1) one
    left join lateral (select * from broken where broken.problem is not null order by broken.seq limit 1) b on true
$$;
comment on function app.verify_audit_chain() is
  'Checks the whole audit chain; reports the first broken row and why (ok = true when intact).';

-- ════════════════════════════════════════════════════════════════════════════════
-- Access: admins read; nobody writes except through app.append_audit
-- ════════════════════════════════════════════════════════════════════════════════
revoke all on function app.audit_hash(text, bigint, uuid, text, text, text, text, jsonb, timestamptz) from public, anon;
revoke all on function app.append_audit(uuid, text, text, text, text, jsonb) from public, anon, authenticated;
revoke all on function app.audit_row_change() from public, anon, authenticated;
revoke all on function app.refuse_audit_change() from public, anon, authenticated;
revoke all on function app.verify_audit_chain() from public, anon;
grant execute on function app.audit_hash(text, bigint, uuid, text, text, text, text, jsonb, timestamptz) to authenticated, service_role;
grant execute on function app.verify_audit_chain() to authenticated, service_role;

alter table public.audit_log enable row level security;
revoke all on table public.audit_log from public, anon, authenticated, service_role;
grant select on table public.audit_log to authenticated, service_role;

create policy "admins read the audit log"
  on public.audit_log for select to authenticated
  using ((select app.is_admin()));
