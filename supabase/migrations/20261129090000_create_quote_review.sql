-- Reviewing insurance quotes (docs/insurance.md). Support approves a quote with a premium
-- and an insurer, or sends it back with a reason from a closed list and a comment; the
-- WhatsApp side resubmits a quote sent back with new documents. The machine stays the
-- spec's (pending → approved, pending → needs_changes → pending); this adds what a
-- decision must carry and when the driver's wait started.

alter table public.insurance_quotes
  add column change_reason text,
  add column submitted_at timestamptz;
comment on column public.insurance_quotes.change_reason is
  'Why the quote was sent back (a closed list, packages/domain/src/insurance-quotes.ts); set exactly while needs_changes.';
comment on column public.insurance_quotes.submitted_at is
  'When the driver last submitted: creation, or the latest resubmission. The review queue and its SLA hint count from here.';

-- Filling the new columns is not a reviewer's write: no audit rows, and the approved-quote
-- freeze must not see it as a change.
alter table public.insurance_quotes disable trigger user;
update public.insurance_quotes
   set submitted_at = created_at,
       change_reason = case when status = 'needs_changes' then 'other' end;
alter table public.insurance_quotes enable trigger user;

alter table public.insurance_quotes
  alter column submitted_at set default now(),
  alter column submitted_at set not null,
  add constraint insurance_quotes_change_reason_known check (
    change_reason in ('document_unreadable', 'document_missing', 'document_expired', 'details_mismatch',
                      'vehicle_not_covered', 'other')),
  add constraint insurance_quotes_changes_have_reason check ((status = 'needs_changes') = (change_reason is not null)),
  -- A name, without surrounding whitespace of any kind (\s: spaces, tabs, newlines).
  add constraint insurance_quotes_insurer_named
    check (insurer is null or (length(insurer) between 2 and 80 and insurer ~ '^\S' and insurer ~ '\S$')),
  add constraint insurance_quotes_comment_bounded check (reviewer_comment is null or length(reviewer_comment) <= 2000),
  -- Whole Rwandan francs (no minor unit in use), at most the domain's PREMIUM_MAX_RWF.
  add constraint insurance_quotes_premium_whole_rwf check (premium = trunc(premium) and premium <= 50000000),
  -- The first rule trimmed spaces only: a comment of tabs and newlines said nothing.
  drop constraint insurance_quotes_changes_explained,
  add constraint insurance_quotes_changes_explained check (status <> 'needs_changes' or coalesce(reviewer_comment, '') ~ '\S');

-- The queue: pending first, then the rest, each oldest submission first (keyset order).
create index insurance_quotes_queue_idx
  on public.insurance_quotes ((status <> 'pending'), submitted_at, id);
create index insurance_quotes_insurer_idx on public.insurance_quotes (insurer) where insurer is not null;

-- A decision stamps who (the signed-in admin; nobody for a service or system write) and
-- when (the server's clock); a resubmission restarts the driver's wait and clears the last
-- decision (the audit log keeps it).
create or replace function app.stamp_quote_decision() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.status is distinct from old.status then
    if new.status in ('approved', 'needs_changes') then
      new.reviewed_by := auth.uid();
    end if;
    new.approved_at := case when new.status = 'approved' then now() end;
    if new.status = 'pending' then
      new.submitted_at := now();
      new.change_reason := null;
      new.reviewer_comment := null;
      new.reviewed_by := null;
    end if;
  end if;
  return new;
end
$$;

-- A quote's document lives in the docs bucket under the quote's folder, with a name that
-- storage and signed URLs can carry: no empty, "." or ".." segment, no backslash.
create function app.is_quote_document_name(quote_id uuid, name text) returns boolean
language sql immutable set search_path = '' as $$
  select name like quote_id::text || '/_%'
     and name !~ '(^|/)\.{0,2}(/|$)'
     and strpos(name, E'\\') = 0
$$;
comment on function app.is_quote_document_name(uuid, text) is
  'Whether a docs-bucket object name may be attached to the quote: under <quote id>/, every segment a real name.';
revoke all on function app.is_quote_document_name(uuid, text) from public, anon;
grant execute on function app.is_quote_document_name(uuid, text) to authenticated, service_role;

-- An approved quote is settled; a quote sent back waits for the driver, so its decision
-- stands until they resubmit, and only a resubmission (new documents appended, nothing
-- else decided) returns it to pending. Whose quote it is never changes. Forgetting who
-- reviewed (reviewed_by set null when that admin's account is deleted) is always allowed:
-- the audit log keeps the name.
create or replace function app.freeze_quote() returns trigger
language plpgsql set search_path = '' as $$
declare
  kept text[] := array['metadata', 'updated_at'] || case when new.reviewed_by is null then array['reviewed_by'] else '{}' end;
  resubmission text[] := array['uploaded_docs', 'status', 'submitted_at', 'change_reason', 'reviewer_comment'];
  before_docs int := cardinality(old.uploaded_docs);
begin
  if (new.id, new.user_id, new.created_at) is distinct from (old.id, old.user_id, old.created_at) then
    raise exception 'insurance quote: its driver and creation never change' using errcode = 'check_violation';
  end if;
  if old.status = 'approved' and (to_jsonb(new) - kept) is distinct from (to_jsonb(old) - kept) then
    raise exception 'insurance quote is approved: only its metadata may change' using errcode = 'check_violation';
  end if;
  if old.status = 'needs_changes' and new.status = 'needs_changes'
     and (to_jsonb(new) - kept) is distinct from (to_jsonb(old) - kept) then
    raise exception 'insurance quote was sent back for changes: it waits for the driver to resubmit'
      using errcode = 'check_violation';
  end if;
  if old.status = 'needs_changes' and new.status = 'pending' then
    if cardinality(new.uploaded_docs) <= before_docs
       or new.uploaded_docs[1:before_docs] is distinct from old.uploaded_docs then
      raise exception 'insurance quote goes back to pending only with new documents added to the ones it has'
        using errcode = 'check_violation';
    end if;
    if exists (select 1 from unnest(new.uploaded_docs[before_docs + 1:]) d
                where d is null or not app.is_quote_document_name(new.id, d)) then
      raise exception 'insurance quote: new documents are stored under the quote''s own folder %/', new.id
        using errcode = 'check_violation';
    end if;
    if (to_jsonb(new) - kept - resubmission) is distinct from (to_jsonb(old) - kept - resubmission) then
      raise exception 'insurance quote: a resubmission brings documents, it does not change the quote'
        using errcode = 'check_violation';
    end if;
  end if;
  return new;
end
$$;
comment on function app.freeze_quote() is
  'Refuses changes to an approved quote, to one waiting for resubmission, resubmissions without new documents, and changes to whose quote it is.';

revoke update on table public.insurance_quotes from authenticated;
grant update (premium, insurer, status, reviewer_comment, change_reason) on table public.insurance_quotes to authenticated;

-- The WhatsApp side's resubmission: documents it has stored in the docs bucket under the
-- quote's folder are attached, the OCR snapshot (when given) replaces the last one, and
-- the quote goes back to pending. Only the service role runs it.
create function app.resubmit_insurance_quote(quote_id uuid, documents text[], ocr jsonb default null)
returns public.insurance_quotes
language plpgsql set search_path = '' as $$
declare
  quote public.insurance_quotes;
  bad text;
begin
  select * into quote from public.insurance_quotes q where q.id = quote_id for update;
  if not found then
    raise exception 'no insurance quote %', quote_id using errcode = 'no_data_found';
  end if;
  if quote.status <> 'needs_changes' then
    raise exception 'insurance quote is %: only a quote sent back for changes can be resubmitted', quote.status
      using errcode = 'check_violation';
  end if;
  if coalesce(cardinality(documents), 0) = 0 then
    raise exception 'a resubmission brings at least one new document' using errcode = 'invalid_parameter_value';
  end if;
  if ocr is not null and jsonb_typeof(ocr) <> 'object' then
    raise exception 'the OCR snapshot is a JSON object' using errcode = 'invalid_parameter_value';
  end if;
  select d into bad from unnest(documents) d where d is null or not app.is_quote_document_name(quote_id, d) limit 1;
  if found then
    raise exception 'document % is not a file in this quote''s folder %/', coalesce(bad, 'null'), quote_id
      using errcode = 'invalid_parameter_value';
  end if;
  select d into bad from unnest(documents) d
   where not exists (select 1 from storage.objects o where o.bucket_id = 'docs' and o.name = d) limit 1;
  if found then
    raise exception 'document % is not stored in the docs bucket', bad using errcode = 'invalid_parameter_value';
  end if;
  select d into bad from unnest(documents) d where d = any (quote.uploaded_docs) limit 1;
  if found then
    raise exception 'document % is attached already', bad using errcode = 'invalid_parameter_value';
  end if;
  if (select count(distinct d) from unnest(documents) d) <> cardinality(documents) then
    raise exception 'a document is listed twice' using errcode = 'invalid_parameter_value';
  end if;

  update public.insurance_quotes q
     set uploaded_docs = q.uploaded_docs || documents,
         metadata = case when ocr is null then q.metadata else jsonb_set(q.metadata, '{ocr}', ocr) end,
         status = 'pending'
   where q.id = quote_id
  returning * into quote;
  return quote;
end
$$;
comment on function app.resubmit_insurance_quote(uuid, text[], jsonb) is
  'Attaches new documents (stored under docs/<quote id>/) to a quote sent back for changes and returns it to pending.';
revoke all on function app.resubmit_insurance_quote(uuid, text[], jsonb) from public, anon, authenticated;
grant execute on function app.resubmit_insurance_quote(uuid, text[], jsonb) to service_role;
