-- Drivers' insurance quote requests (spec: `insurance_quotes`), reviewed by support:
-- pending → approved, or pending → needs_changes → pending (resubmitted).

create table public.insurance_quotes (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references public.users (id),
  uploaded_docs text[] not null default '{}'::text[],
  premium numeric(12, 2) check (premium is null or premium > 0),
  insurer text,
  status text not null default 'pending' check (status in ('pending', 'approved', 'needs_changes')),
  reviewer_comment text,
  approved_at timestamptz,
  metadata jsonb not null default '{}'::jsonb,
  -- additions: queue order and who decided
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  reviewed_by uuid references auth.users (id) on delete set null,
  constraint insurance_quotes_approval_complete
    check (status <> 'approved' or (premium is not null and insurer is not null and approved_at is not null)),
  constraint insurance_quotes_changes_explained
    check (status <> 'needs_changes' or length(trim(coalesce(reviewer_comment, ''))) > 0)
);
comment on table public.insurance_quotes is 'A driver''s request for an insurance quote, with uploaded documents, reviewed by support.';
comment on column public.insurance_quotes.uploaded_docs is 'Storage paths in the docs bucket.';
comment on column public.insurance_quotes.metadata is 'OCR snapshots of the documents and other intake data.';
comment on column public.insurance_quotes.reviewed_by is 'The admin who last approved or sent the quote back.';

create index insurance_quotes_status_created_at_idx on public.insurance_quotes (status, created_at);
create index insurance_quotes_user_id_idx on public.insurance_quotes (user_id);
create index insurance_quotes_reviewed_by_idx on public.insurance_quotes (reviewed_by);

-- Decisions stamp when and by whom; approval time is the server's, never the client's.
create function app.stamp_quote_decision() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.status is distinct from old.status then
    if new.status in ('approved', 'needs_changes') then
      new.reviewed_by := coalesce(auth.uid(), new.reviewed_by);
    end if;
    new.approved_at := case when new.status = 'approved' then now() end;
  end if;
  return new;
end
$$;
comment on function app.stamp_quote_decision() is 'Sets approved_at and reviewed_by when a quote is decided.';
revoke all on function app.stamp_quote_decision() from public, anon, authenticated;

-- An approved quote is settled: only its metadata may change. Whose quote it is never does.
create function app.freeze_quote() returns trigger
language plpgsql set search_path = '' as $$
begin
  if (new.id, new.user_id, new.created_at) is distinct from (old.id, old.user_id, old.created_at) then
    raise exception 'insurance quote: its driver and creation never change' using errcode = 'check_violation';
  end if;
  if old.status = 'approved'
     and (to_jsonb(new) - array['metadata', 'updated_at']) is distinct from (to_jsonb(old) - array['metadata', 'updated_at']) then
    raise exception 'insurance quote is approved: only its metadata may change' using errcode = 'check_violation';
  end if;
  return new;
end
$$;
comment on function app.freeze_quote() is 'Refuses changes to an approved quote, and to whose quote it is.';
revoke all on function app.freeze_quote() from public, anon, authenticated;

create trigger enforce_transition before insert or update of status on public.insurance_quotes
  for each row execute function app.enforce_transition('insurance_quote');
create trigger stamp_decision before update of status on public.insurance_quotes
  for each row execute function app.stamp_quote_decision();
create trigger touch_updated_at before update on public.insurance_quotes
  for each row execute function app.touch_updated_at();
create trigger audit after insert or update or delete on public.insurance_quotes
  for each row execute function app.audit_row_change('id');
create trigger refuse_truncate before truncate on public.insurance_quotes
  for each statement execute function app.refuse_truncate();
create trigger keep_settled before update on public.insurance_quotes
  for each row execute function app.freeze_quote();

-- All admins see the queue; super admins and support decide; requests arrive from the
-- WhatsApp side with the service role.
alter table public.insurance_quotes enable row level security;
revoke all on table public.insurance_quotes from public, anon, authenticated, service_role;
grant select on table public.insurance_quotes to authenticated;
grant update (premium, insurer, status, reviewer_comment) on table public.insurance_quotes to authenticated;
grant select, insert, update on table public.insurance_quotes to service_role;

create policy "admins read insurance quotes"
  on public.insurance_quotes for select to authenticated
  using ((select app.is_admin()));
create policy "reviewers decide insurance quotes"
  on public.insurance_quotes for update to authenticated
  using ((select app.has_any_role('{super_admin,support}')))
  with check ((select app.has_any_role('{super_admin,support}')));
