-- Sealing a transaction's audit rows was quadratic in their number: every deferred firing
-- (one per audit row) asked "is any row unsealed?" through audit_log_unsealed_idx, whose
-- entries for the rows the first firing sealed stay (dead, not yet vacuumable) until the
-- transaction ends. 50,000 rows in one transaction took ~120 s to seal, holding the chain
-- lock. Each firing now asks only about its own row (a primary-key lookup): an unsealed
-- row always has its own pending firing, so none can be missed.
create or replace function app.seal_audit_log() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  head record;
  pending record;
  next_seq bigint;
  prev text;
begin
  -- The first firing seals every row of the transaction; the others find their row sealed.
  if (select a.seq from public.audit_log a where a.id = new.id) is not null then
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
