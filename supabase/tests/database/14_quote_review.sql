-- Reviewing insurance quotes (20261129090000_create_quote_review.sql): the spec's machine
-- (pending → approved, pending → needs_changes → pending), what approving and sending
-- back must carry, the freeze while a quote waits for the driver, the WhatsApp side's
-- resubmission (app.resubmit_insurance_quote), the audit row of each decision, who may
-- touch the docs bucket's objects, and the queue's index. Quotes of this file are made
-- fresh in the transaction (tests.quote); the seeded ones are f000…001–006.
begin;
set local search_path = public, extensions, tests;
select plan(130);

-- ── helpers and fixtures (live only inside this transaction) ────────────────────────
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);

-- Quotes of this file, by label.
create temp table fx (label text primary key, id uuid not null unique);
-- The documents the seed lists (its quotes as they were before this file ran).
create temp table seeded_docs as
select d.name
  from public.insurance_quotes q, unnest(q.uploaded_docs) as d (name)
 where q.id::text like 'f0000000-%';
-- Audit positions, by name: what was written after each.
create temp table marks (name text primary key, stage bigint not null);

create function tests.fx(label text) returns uuid
language sql stable security definer set search_path = '' as $$
  select f.id from pg_temp.fx f where f.label = fx.label
$$;
-- A quote of a driver, submitted two days ago, walked to a status by the system.
create function tests.quote(label text, walk_to text default 'pending') returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  q uuid;
begin
  insert into public.insurance_quotes (user_id, uploaded_docs, metadata, created_at, submitted_at)
  values ('c0000000-0000-4000-8000-000000000003', '{}', '{"ocr": {"plate": "RB 140Q"}}',
          now() - interval '2 days', now() - interval '2 days')
  returning id into q;
  if walk_to = 'approved' then
    update public.insurance_quotes set premium = 50000, insurer = 'Radiant', status = 'approved' where id = q;
  elsif walk_to = 'needs_changes' then
    update public.insurance_quotes
       set status = 'needs_changes', change_reason = 'other', reviewer_comment = 'Send the yellow card again.'
     where id = q;
  end if;
  insert into pg_temp.fx values (label, q);
  return q;
end
$$;
create function tests.q(label text) returns public.insurance_quotes
language sql stable security definer set search_path = '' as $$
  select * from public.insurance_quotes q where q.id = tests.fx(label)
$$;
create function tests.quote_row(id uuid) returns public.insurance_quotes
language sql stable security definer set search_path = '' as $$
  select * from public.insurance_quotes q where q.id = quote_row.id
$$;
create function tests.seeded_docs() returns text[]
language sql stable security definer set search_path = '' as $$
  select array_agg(s.name order by s.name collate "C") from pg_temp.seeded_docs s
$$;
-- The seeded documents the caller can see (RLS applies: not a definer).
create function tests.docs_seen() returns text[]
language sql stable as $$
  select coalesce(array_agg(o.name order by o.name collate "C"), '{}')
    from storage.objects o where o.bucket_id = 'docs' and o.name = any (tests.seeded_docs())
$$;
create function tests.mark(name text) returns void
language sql security definer set search_path = '' as $$
  insert into pg_temp.marks select mark.name, coalesce(max(a.stage), 0) from public.audit_log a
$$;
-- The audit rows about a quote since a mark.
create function tests.audits(mark text, quote uuid) returns setof public.audit_log
language sql stable security definer set search_path = '' as $$
  select a.* from public.audit_log a
   where a.stage > (select m.stage from pg_temp.marks m where m.name = audits.mark)
     and a.target_table = 'insurance_quotes' and a.target_id = quote::text
   order by a.stage
$$;
-- Every object of the docs bucket, whoever may see it.
create function tests.docs_total() returns bigint
language sql stable security definer set search_path = '' as $$
  select count(*) from storage.objects o where o.bucket_id = 'docs'
$$;
-- Whether a send-back with this reason is accepted (tried on a throw-away quote, undone).
create function tests.reason_accepted(reason text) returns boolean
language plpgsql security definer set search_path = '' as $$
begin
  begin
    perform tests.quote('reason ' || reason);
    update public.insurance_quotes set status = 'needs_changes', change_reason = reason, reviewer_comment = 'Why.'
     where id = tests.fx('reason ' || reason);
    raise exception using errcode = 'TS901';
  exception
    when sqlstate 'TS901' then return true;
    when check_violation then return false;
  end;
end
$$;
-- The plan Postgres picks for a query (as the current role).
create function tests.plan_of(query text) returns text
language plpgsql as $$
declare
  line text;
  plan text := '';
begin
  for line in execute 'explain (costs off) ' || query loop
    plan := plan || line || E'\n';
  end loop;
  return plan;
end
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

do $$
begin
  perform tests.quote('m_approve'), tests.quote('m_send_back'), tests.quote('m_resume', 'needs_changes'),
          tests.quote('m_approved', 'approved'), tests.quote('m_sent_back', 'needs_changes'), tests.quote('m_edit'),
          tests.quote('r_pending'), tests.quote('r_service'), tests.quote('r_admin'),
          tests.quote('f_sent_back', 'needs_changes'), tests.quote('a_approve'), tests.quote('a_send_back'),
          tests.quote('d_approved'), tests.quote('d_sent_back');
end
$$;

-- The seed's documents are stored by the stack after the seed (seed-documents.ts); a
-- database without them gets bare objects of the same names here.
insert into storage.objects (bucket_id, name)
select 'docs', s.name from pg_temp.seeded_docs s
 where not exists (select 1 from storage.objects o where o.bucket_id = 'docs' and o.name = s.name);
-- What the WhatsApp side stored for resubmissions of f000…004, one object in another
-- bucket, and one the storage tests delete.
insert into storage.objects (bucket_id, name) values
  ('docs', 'f0000000-0000-4000-8000-000000000004/vehicle-registration-2.png'),
  ('docs', 'f0000000-0000-4000-8000-000000000004/national-id-2.png'),
  ('docs', 'f0000000-0000-4000-8000-000000000004/previous-certificate-2.pdf'),
  ('campaign-media', 'f0000000-0000-4000-8000-000000000004/other-bucket.png'),
  ('docs', 'f0000000-0000-4000-8000-000000000001/pgtap-14-delete.png');

-- ════════════════════════════════════════════════════════════════════════════════
-- 1. The machine: the spec's, nothing more
-- ════════════════════════════════════════════════════════════════════════════════
select results_eq(
  $$select from_state, to_state from app.state_transitions where machine = 'insurance_quote' order by 1, 2$$,
  $$values ('needs_changes', 'pending'), ('pending', 'approved'), ('pending', 'needs_changes')$$,
  'the machine is the spec''s: pending → approved, pending → needs_changes → pending');

select tests.act_as('support@easymo.test');
select is(tests.affected($$update public.insurance_quotes set status = 'approved', premium = 65000, insurer = 'Radiant'
                           where id = tests.fx('m_approve')$$), 1, 'pending → approved');
select is(tests.affected($$update public.insurance_quotes
                              set status = 'needs_changes', change_reason = 'document_missing', reviewer_comment = 'The yellow card is missing.'
                            where id = tests.fx('m_send_back')$$), 1, 'pending → needs_changes');
select throws_ok($$update public.insurance_quotes set status = 'pending' where id = tests.fx('m_approved')$$,
  '23514', 'insurance_quote: illegal transition approved → pending', 'approved → pending is refused');
select throws_ok($$update public.insurance_quotes
                      set status = 'needs_changes', change_reason = 'other', reviewer_comment = 'Changed our mind.'
                    where id = tests.fx('m_approved')$$,
  '23514', 'insurance_quote: illegal transition approved → needs_changes', 'approved → needs_changes is refused');
select throws_ok($$update public.insurance_quotes set status = 'approved', premium = 65000, insurer = 'Radiant', change_reason = null
                    where id = tests.fx('m_sent_back')$$,
  '23514', 'insurance_quote: illegal transition needs_changes → approved', 'needs_changes → approved is refused');
select is(tests.affected($$update public.insurance_quotes set premium = 70000, insurer = 'Britam', reviewer_comment = 'Checking the plate.'
                           where id = tests.fx('m_edit')$$), 1, 'a pending quote may be edited without a decision');
select is((select row(q.status, q.premium, q.insurer, q.approved_at, q.reviewed_by)::text from tests.q('m_edit') q),
  '(pending,70000.00,Britam,,)', 'it stays pending, with nothing of a decision stamped');

select tests.act_as_service();
select is(tests.affected($$update public.insurance_quotes set status = 'pending', uploaded_docs = uploaded_docs || (id || '/card.png')
                           where id = tests.fx('m_resume')$$), 1,
  'needs_changes → pending, with a new document');
select is((select row(q.status, q.change_reason, q.reviewer_comment, q.submitted_at = now())::text from tests.q('m_resume') q),
  '(pending,,,t)', 'back to pending, the request for changes is cleared and the wait restarts');
select throws_ok($$insert into public.insurance_quotes (user_id, status, premium, insurer, approved_at)
                   values ('c0000000-0000-4000-8000-000000000003', 'approved', 50000, 'Radiant', now())$$,
  '23514', 'insurance_quote: a new row cannot start as approved', 'a new quote cannot start approved');
select throws_ok($$insert into public.insurance_quotes (user_id, status, change_reason, reviewer_comment)
                   values ('c0000000-0000-4000-8000-000000000003', 'needs_changes', 'other', 'Resend.')$$,
  '23514', 'insurance_quote: a new row cannot start as needs_changes', 'a new quote cannot start sent back');
with q as (
  insert into public.insurance_quotes (user_id) values ('c0000000-0000-4000-8000-000000000003')
  returning status, change_reason, submitted_at = now() as now_submitted)
select is(row(q.status, q.change_reason, q.now_submitted)::text, '(pending,,t)',
  'a new quote starts pending, without a reason, submitted now')
  from q;

-- ════════════════════════════════════════════════════════════════════════════════
-- 2. What each decision must carry
-- ════════════════════════════════════════════════════════════════════════════════
select tests.act_as('support@easymo.test');
-- approving
select throws_ok($$update public.insurance_quotes set status = 'approved', insurer = 'Radiant' where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_approval_complete"',
  'an approval without a premium is refused');
select throws_ok($$update public.insurance_quotes set status = 'approved', premium = 65000 where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_approval_complete"',
  'an approval without an insurer is refused');
select throws_ok($$update public.insurance_quotes set status = 'approved', premium = 65000, insurer = '  ' where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_insurer_named"',
  'an approval with a blank insurer is refused');
select throws_ok($$update public.insurance_quotes set insurer = 'X' where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_insurer_named"',
  'an insurer of one character is refused');
select throws_ok($$update public.insurance_quotes set insurer = ' BK ' where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_insurer_named"',
  'an insurer with surrounding spaces is refused (stored as written, so it would not match the filter)');
select throws_ok($$update public.insurance_quotes set insurer = E'\n\t' where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_insurer_named"',
  'an insurer of tabs and newlines is refused');
select throws_ok($$update public.insurance_quotes set insurer = repeat('x', 81) where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_insurer_named"',
  'an insurer of 81 characters is refused');
select is(tests.affected($$update public.insurance_quotes set insurer = 'BK' where id = tests.fx('r_pending')$$), 1,
  'an insurer of two characters is accepted');
select is(tests.affected($$update public.insurance_quotes set insurer = repeat('x', 80) where id = tests.fx('r_pending')$$), 1,
  'an insurer of 80 characters is accepted');
select throws_ok($$update public.insurance_quotes set status = 'approved', premium = 65000, insurer = 'Radiant', change_reason = 'other'
                    where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_changes_have_reason"',
  'an approval cannot carry a change reason');
select throws_ok($$update public.insurance_quotes set premium = 0 where id = tests.fx('r_pending')$$,
  '23514', null, 'a premium is above zero');
select throws_ok($$update public.insurance_quotes set premium = 65000.50 where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_premium_whole_rwf"',
  'a premium is whole Rwandan francs');
select throws_ok($$update public.insurance_quotes set premium = 50000001 where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_premium_whole_rwf"',
  'a premium is at most 50,000,000 RWF');
select is(
  (select jsonb_build_object('status', q.status, 'approved_at', q.approved_at, 'reviewed_by', q.reviewed_by, 'submitted_at', q.submitted_at)
     from tests.q('m_approve') q),
  jsonb_build_object('status', 'approved', 'approved_at', now(), 'reviewed_by', tests.uid('support@easymo.test'),
                     'submitted_at', now() - interval '2 days'),
  'an approval is stamped with the server''s time and the deciding admin; the driver''s wait does not restart');
select throws_ok($$update public.insurance_quotes set approved_at = '2020-01-01' where id = tests.fx('r_pending')$$,
  '42501', null, 'a reviewer cannot write approved_at');
select throws_ok($$update public.insurance_quotes set reviewed_by = 'a0000000-0000-4000-8000-000000000001' where id = tests.fx('r_pending')$$,
  '42501', null, 'or reviewed_by');
select throws_ok($$update public.insurance_quotes set submitted_at = now() where id = tests.fx('r_pending')$$,
  '42501', null, 'or submitted_at');
select tests.act_as_service();
update public.insurance_quotes set status = 'approved', premium = 30000, insurer = 'Sanlam', approved_at = '2020-01-01'
 where id = tests.fx('r_service');
select is((tests.q('r_service')).approved_at, now(), 'even the service role cannot choose when a quote was approved');

-- sending back
select tests.act_as('support@easymo.test');
select throws_ok($$update public.insurance_quotes set status = 'needs_changes', reviewer_comment = 'Resend the card.'
                    where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_changes_have_reason"',
  'sending back without a reason is refused');
select throws_ok($$update public.insurance_quotes set status = 'needs_changes', change_reason = 'blurry', reviewer_comment = 'Resend the card.'
                    where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_change_reason_known"',
  'a reason outside the closed list is refused');
select throws_ok($$update public.insurance_quotes set status = 'needs_changes', change_reason = 'other' where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_changes_explained"',
  'sending back without a comment is refused');
select throws_ok($$update public.insurance_quotes set status = 'needs_changes', change_reason = 'other', reviewer_comment = '    '
                    where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_changes_explained"',
  'sending back with a blank comment is refused');
select throws_ok($$update public.insurance_quotes set status = 'needs_changes', change_reason = 'other', reviewer_comment = E'\n\t \r'
                    where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_changes_explained"',
  'or with a comment of tabs and newlines');
select throws_ok($$update public.insurance_quotes set status = 'needs_changes', change_reason = 'other', reviewer_comment = repeat('x', 2001)
                    where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_comment_bounded"',
  'a comment over 2000 characters is refused');
select throws_ok($$update public.insurance_quotes set change_reason = 'document_expired' where id = tests.fx('r_pending')$$,
  '23514', 'new row for relation "insurance_quotes" violates check constraint "insurance_quotes_changes_have_reason"',
  'a change reason is refused on a quote that is not sent back');
select is((select array[q.status, q.change_reason, q.reviewer_comment] from tests.q('r_pending') q), array['pending', null, null],
  'after all the refusals the quote is still pending, without a reason');
select is(
  array(select r from unnest(array['document_unreadable', 'document_missing', 'document_expired', 'details_mismatch',
                                   'vehicle_not_covered', 'other', 'blurry', 'Other', '']) r
         where tests.reason_accepted(r)),
  array['document_unreadable', 'document_missing', 'document_expired', 'details_mismatch', 'vehicle_not_covered', 'other'],
  'the closed list: exactly its six codes are accepted as a reason');
select tests.act_as('admin@easymo.test');
select is(tests.affected($$update public.insurance_quotes
                              set status = 'needs_changes', change_reason = 'vehicle_not_covered', reviewer_comment = 'Third-party cover only.'
                            where id = tests.fx('r_admin')$$), 1, 'a super admin sends a quote back');
select is((select row(q.status, q.change_reason, q.reviewed_by, q.approved_at)::text from tests.q('r_admin') q),
  format('(needs_changes,vehicle_not_covered,%s,)', tests.uid('admin@easymo.test')),
  'a send-back records its reason and the deciding admin');

-- only reviewers decide
select tests.act_as('dataops@easymo.test');
select is(tests.affected($$update public.insurance_quotes set status = 'approved', premium = 65000, insurer = 'Radiant'
                           where id = tests.fx('r_pending')$$), 0, 'data ops cannot approve (0 rows)');
select tests.act_as('readonly@easymo.test');
select is(tests.affected($$update public.insurance_quotes set status = 'needs_changes', change_reason = 'other', reviewer_comment = 'x'
                           where id = tests.fx('r_pending')$$), 0, 'read-only admins cannot send back (0 rows)');
select tests.act_as('operator@easymo.test');
select is(tests.affected($$update public.insurance_quotes set status = 'approved', premium = 65000, insurer = 'Radiant'
                           where id = tests.fx('r_pending')$$), 0, 'station operators cannot approve (0 rows)');

-- ════════════════════════════════════════════════════════════════════════════════
-- 3. A quote sent back waits for the driver; an approved one is settled
-- ════════════════════════════════════════════════════════════════════════════════
select tests.act_as('support@easymo.test');
select throws_ok($$update public.insurance_quotes set premium = 65000 where id = tests.fx('f_sent_back')$$,
  '23514', 'insurance quote was sent back for changes: it waits for the driver to resubmit',
  'a reviewer cannot set a premium on a quote sent back');
select throws_ok($$update public.insurance_quotes set reviewer_comment = 'Actually, also the ID.' where id = tests.fx('f_sent_back')$$,
  '23514', 'insurance quote was sent back for changes: it waits for the driver to resubmit', 'or change its comment');
select throws_ok($$update public.insurance_quotes set change_reason = 'document_expired' where id = tests.fx('f_sent_back')$$,
  '23514', 'insurance quote was sent back for changes: it waits for the driver to resubmit', 'or its reason');
select throws_ok($$update public.insurance_quotes set status = 'needs_changes', change_reason = 'document_expired', reviewer_comment = 'Again.'
                    where id = tests.fx('f_sent_back')$$,
  '23514', 'insurance quote was sent back for changes: it waits for the driver to resubmit', 'or send it back a second time');
select tests.act_as_service();
select throws_ok($$update public.insurance_quotes set uploaded_docs = '{x/y.png}' where id = tests.fx('f_sent_back')$$,
  '23514', 'insurance quote was sent back for changes: it waits for the driver to resubmit',
  'not even the service role edits it outside a resubmission');
select is(tests.affected($$update public.insurance_quotes set metadata = metadata || '{"reminded": true}' where id = tests.fx('f_sent_back')$$), 1,
  'its metadata may still change');
select is((select array[q.change_reason, q.reviewer_comment] from tests.q('f_sent_back') q), array['other', 'Send the yellow card again.'],
  'the decision stands as it was made');
select tests.act_as('support@easymo.test');
select throws_ok($$update public.insurance_quotes set insurer = 'Britam' where id = tests.fx('m_approved')$$,
  '23514', 'insurance quote is approved: only its metadata may change', 'an approved quote''s insurer is final');

-- Only a resubmission returns a sent-back quote to pending: new documents after the old ones, nothing decided.
select throws_ok($$update public.insurance_quotes set status = 'pending' where id = tests.fx('f_sent_back')$$,
  '23514', 'insurance quote goes back to pending only with new documents added to the ones it has',
  'a reviewer cannot skip the driver''s resubmission');
select throws_ok($$update public.insurance_quotes set status = 'pending', uploaded_docs = '{x/y.png}' where id = tests.fx('f_sent_back')$$,
  '42501', null, 'nor attach documents (only the WhatsApp side stores them)');
select tests.act_as_service();
select throws_ok($$update public.insurance_quotes set status = 'pending', uploaded_docs = '{}' where id = tests.fx('f_sent_back')$$,
  '23514', 'insurance quote goes back to pending only with new documents added to the ones it has',
  'a resubmission without documents is refused');
select throws_ok($$update public.insurance_quotes set status = 'pending', uploaded_docs = uploaded_docs || (id || '/new.png'), premium = 10000
                    where id = tests.fx('f_sent_back')$$,
  '23514', 'insurance quote: a resubmission brings documents, it does not change the quote',
  'a resubmission cannot set a premium');
select throws_ok($$update public.insurance_quotes set status = 'pending', uploaded_docs = uploaded_docs || '{f0000000-0000-4000-8000-000000000001/national-id.png}'
                    where id = tests.fx('f_sent_back')$$,
  '23514', null, 'a resubmission written directly cannot attach another quote''s document');
select throws_ok($$update public.insurance_quotes set status = 'pending', uploaded_docs = uploaded_docs || (id || '//new.png')
                    where id = tests.fx('f_sent_back')$$,
  '23514', null, 'nor a name with an empty segment');
select is((tests.q('f_sent_back')).status, 'needs_changes', 'after the refusals the quote still waits for the driver');

-- Deleting a reviewer's account forgets who decided (the audit log keeps it), even on settled quotes.
select tests.act_as('support@easymo.test');
update public.insurance_quotes set status = 'approved', premium = 41000, insurer = 'Britam' where id = tests.fx('d_approved');
update public.insurance_quotes set status = 'needs_changes', change_reason = 'other', reviewer_comment = 'Resend.'
 where id = tests.fx('d_sent_back');
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
select is(tests.affected($$update public.insurance_quotes set reviewed_by = null where id in (tests.fx('d_approved'), tests.fx('d_sent_back'))$$), 2,
  'an approved and a sent-back quote let go of their reviewer (on delete set null)');
select is((select count(*)::int from public.insurance_quotes where id in (tests.fx('d_approved'), tests.fx('d_sent_back')) and reviewed_by is null), 2,
  'and no longer name them');
select throws_ok($$update public.insurance_quotes set reviewed_by = 'a0000000-0000-4000-8000-000000000001' where id = tests.fx('d_approved')$$,
  '23514', 'insurance quote is approved: only its metadata may change', 'but no one else becomes the reviewer');

-- ════════════════════════════════════════════════════════════════════════════════
-- 4. Resubmission (app.resubmit_insurance_quote): the WhatsApp side, service role only
-- ════════════════════════════════════════════════════════════════════════════════
select tests.act_as('support@easymo.test');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000004/national-id-2.png'])$$,
  '42501', 'permission denied for function resubmit_insurance_quote', 'a signed-in admin cannot resubmit a quote');
select tests.act_as_anon();
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000004/national-id-2.png'])$$,
  '42501', null, 'nor can anon');

select tests.act_as_service();
select is(
  (select array_agg(r order by r) from unnest(array['anon', 'authenticated', 'service_role']) r
    where has_function_privilege(r, 'app.resubmit_insurance_quote(uuid, text[], jsonb)', 'execute')),
  array['service_role'], 'only the service role may execute it');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000001',
                     array['f0000000-0000-4000-8000-000000000001/pgtap-14-delete.png'])$$,
  '23514', 'insurance quote is pending: only a quote sent back for changes can be resubmitted', 'a pending quote is not resubmitted');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000003',
                     array['f0000000-0000-4000-8000-000000000003/national-id.png'])$$,
  '23514', 'insurance quote is approved: only a quote sent back for changes can be resubmitted', 'nor an approved one');
select throws_ok($$select app.resubmit_insurance_quote('f9999999-0000-4000-8000-000000000404',
                     array['f9999999-0000-4000-8000-000000000404/national-id.png'])$$,
  'P0002', 'no insurance quote f9999999-0000-4000-8000-000000000404', 'an unknown quote is not found');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004', '{}')$$,
  '22023', 'a resubmission brings at least one new document', 'a resubmission without documents is refused');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004', null)$$,
  '22023', 'a resubmission brings at least one new document', 'so is one with no document list');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000001/national-id.png'])$$,
  '22023', 'document f0000000-0000-4000-8000-000000000001/national-id.png is not a file in this quote''s folder f0000000-0000-4000-8000-000000000004/',
  'a document of another quote''s folder is refused');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000004/national-id-2.png', 'f0000000-0000-4000-8000-000000000004'])$$,
  '22023', 'document f0000000-0000-4000-8000-000000000004 is not a file in this quote''s folder f0000000-0000-4000-8000-000000000004/',
  'the folder name alone is not a document in it');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000004/national-id-2.png', null])$$,
  '22023', 'document null is not a file in this quote''s folder f0000000-0000-4000-8000-000000000004/', 'a null document is refused');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000004//card.png'])$$,
  '22023', 'document f0000000-0000-4000-8000-000000000004//card.png is not a file in this quote''s folder f0000000-0000-4000-8000-000000000004/',
  'a name with an empty segment is refused (no signed URL could carry it)');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000004/../f0000000-0000-4000-8000-000000000001/national-id.png'])$$,
  '22023', 'document f0000000-0000-4000-8000-000000000004/../f0000000-0000-4000-8000-000000000001/national-id.png is not a file in this quote''s folder f0000000-0000-4000-8000-000000000004/',
  'a name climbing out of the folder is refused');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array[E'f0000000-0000-4000-8000-000000000004/a\\b.png'])$$,
  '22023', E'document f0000000-0000-4000-8000-000000000004/a\\b.png is not a file in this quote''s folder f0000000-0000-4000-8000-000000000004/',
  'a name with a backslash is refused');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000004/never-uploaded.png'])$$,
  '22023', 'document f0000000-0000-4000-8000-000000000004/never-uploaded.png is not stored in the docs bucket',
  'a document that was never stored is refused');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000004/other-bucket.png'])$$,
  '22023', 'document f0000000-0000-4000-8000-000000000004/other-bucket.png is not stored in the docs bucket',
  'a document stored in another bucket is refused');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000004/national-id-2.png', 'f0000000-0000-4000-8000-000000000004/national-id.png'])$$,
  '22023', 'document f0000000-0000-4000-8000-000000000004/national-id.png is attached already', 'a document attached already is refused');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000004/national-id-2.png', 'f0000000-0000-4000-8000-000000000004/national-id-2.png'])$$,
  '22023', 'a document is listed twice', 'a document listed twice is refused');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000004/national-id-2.png'], '[{"plate": "RAD 950A"}]')$$,
  '22023', 'the OCR snapshot is a JSON object', 'an OCR snapshot that is not an object is refused');
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000004/national-id-2.png'], 'null')$$,
  '22023', 'the OCR snapshot is a JSON object', 'so is a JSON null');
select is((select row(q.status, q.change_reason, cardinality(q.uploaded_docs))::text from tests.quote_row('f0000000-0000-4000-8000-000000000004') q),
  '(needs_changes,document_unreadable,3)', 'after all the refusals the quote is still sent back, its documents untouched');

select tests.mark('resubmit');
select is((app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
             array['f0000000-0000-4000-8000-000000000004/vehicle-registration-2.png', 'f0000000-0000-4000-8000-000000000004/national-id-2.png'],
             '{"plate": "RAD 950A", "owner": "Divine Ingabire", "confidence": 0.97}')).status,
  'pending', 'a resubmission returns the quote, pending again');
select is((tests.quote_row('f0000000-0000-4000-8000-000000000004')).uploaded_docs,
  array['f0000000-0000-4000-8000-000000000004/national-id.png', 'f0000000-0000-4000-8000-000000000004/vehicle-registration.png',
        'f0000000-0000-4000-8000-000000000004/previous-certificate.pdf', 'f0000000-0000-4000-8000-000000000004/vehicle-registration-2.png',
        'f0000000-0000-4000-8000-000000000004/national-id-2.png'],
  'the new documents are appended after the old ones');
select is((tests.quote_row('f0000000-0000-4000-8000-000000000004')).metadata,
  '{"ocr": {"plate": "RAD 950A", "owner": "Divine Ingabire", "confidence": 0.97}}'::jsonb, 'the new OCR snapshot replaces the last one');
select is((select row(q.status, q.submitted_at = now(), q.change_reason, q.reviewer_comment)::text
             from tests.quote_row('f0000000-0000-4000-8000-000000000004') q),
  '(pending,t,,)', 'the driver''s wait restarts now and the request for changes is cleared');
select is(
  (select jsonb_agg(jsonb_build_object('kind', a.actor_kind, 'actor', a.actor_id, 'action', a.action))
     from tests.audits('resubmit', 'f0000000-0000-4000-8000-000000000004') a),
  '[{"kind": "service", "actor": null, "action": "update"}]'::jsonb, 'the resubmission leaves one audit row, by the service');
select is(
  (select jsonb_build_object('before', (a.diff -> 'before') - 'updated_at' - 'uploaded_docs' - 'metadata' - 'submitted_at',
                             'after', (a.diff -> 'after') - 'updated_at' - 'uploaded_docs' - 'metadata' - 'submitted_at')
     from tests.audits('resubmit', 'f0000000-0000-4000-8000-000000000004') a),
  jsonb_build_object(
    'before', jsonb_build_object('status', 'needs_changes', 'change_reason', 'document_unreadable',
                                 'reviewer_comment', 'The registration photo is blurred: please send a sharper picture of the yellow card.'),
    'after', jsonb_build_object('status', 'pending', 'change_reason', null, 'reviewer_comment', null)),
  'its diff holds the status change and the cleared request, before and after');
select is(
  (select jsonb_build_object('docs', a.diff #> '{after,uploaded_docs}', 'ocr', a.diff #> '{after,metadata,ocr}',
                             'submitted_at', a.diff #> '{after,submitted_at}')
     from tests.audits('resubmit', 'f0000000-0000-4000-8000-000000000004') a),
  jsonb_build_object('docs', (tests.quote_row('f0000000-0000-4000-8000-000000000004')).uploaded_docs,
                     'ocr', '{"plate": "RAD 950A", "owner": "Divine Ingabire", "confidence": 0.97}'::jsonb, 'submitted_at', now()),
  'and the documents, the snapshot and the submission time after it');

-- sent back again, resubmitted without a snapshot
select tests.act_as('support@easymo.test');
select is(tests.affected($$update public.insurance_quotes
                              set status = 'needs_changes', change_reason = 'document_expired', reviewer_comment = 'The certificate expired in 2024.'
                            where id = 'f0000000-0000-4000-8000-000000000004'$$), 1, 'a resubmitted quote can be sent back again');
select tests.act_as_service();
select throws_ok($$select app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                     array['f0000000-0000-4000-8000-000000000004/national-id-2.png'])$$,
  '22023', 'document f0000000-0000-4000-8000-000000000004/national-id-2.png is attached already',
  'a document of the last resubmission is attached already');
select is((select row(q.status, cardinality(q.uploaded_docs), q.metadata #>> '{ocr,confidence}')::text
             from app.resubmit_insurance_quote('f0000000-0000-4000-8000-000000000004',
                    array['f0000000-0000-4000-8000-000000000004/previous-certificate-2.pdf']) q),
  '(pending,6,0.97)', 'resubmitted without a snapshot, the last snapshot is kept');

-- ════════════════════════════════════════════════════════════════════════════════
-- 5. Every decision is audited with its diff
-- ════════════════════════════════════════════════════════════════════════════════
select tests.act_as('support@easymo.test');
select tests.mark('approve');
update public.insurance_quotes set status = 'approved', premium = 72000, insurer = 'Prime Insurance' where id = tests.fx('a_approve');
select is(
  (select jsonb_agg(jsonb_build_object('kind', a.actor_kind, 'actor', a.actor_id, 'action', a.action)) from tests.audits('approve', tests.fx('a_approve')) a),
  jsonb_build_array(jsonb_build_object('kind', 'user', 'actor', tests.uid('support@easymo.test'), 'action', 'update')),
  'an approval leaves one audit row naming the admin');
select is(
  (select jsonb_build_object('before', (a.diff -> 'before') - 'updated_at', 'after', (a.diff -> 'after') - 'updated_at')
     from tests.audits('approve', tests.fx('a_approve')) a),
  jsonb_build_object(
    'before', jsonb_build_object('status', 'pending', 'premium', null, 'insurer', null, 'approved_at', null, 'reviewed_by', null),
    'after', jsonb_build_object('status', 'approved', 'premium', 72000, 'insurer', 'Prime Insurance', 'approved_at', now(),
                                'reviewed_by', tests.uid('support@easymo.test'))),
  'its diff holds status, premium, insurer, approved_at and reviewed_by, before and after');

select tests.act_as('admin@easymo.test');
select tests.mark('send back');
update public.insurance_quotes
   set status = 'needs_changes', change_reason = 'details_mismatch', reviewer_comment = 'The owner''s name differs on the card.'
 where id = tests.fx('a_send_back');
select is(
  (select jsonb_agg(jsonb_build_object('kind', a.actor_kind, 'actor', a.actor_id, 'action', a.action)) from tests.audits('send back', tests.fx('a_send_back')) a),
  jsonb_build_array(jsonb_build_object('kind', 'user', 'actor', tests.uid('admin@easymo.test'), 'action', 'update')),
  'a send-back leaves one audit row naming the admin');
select is(
  (select jsonb_build_object('before', (a.diff -> 'before') - 'updated_at', 'after', (a.diff -> 'after') - 'updated_at')
     from tests.audits('send back', tests.fx('a_send_back')) a),
  jsonb_build_object(
    'before', jsonb_build_object('status', 'pending', 'change_reason', null, 'reviewer_comment', null, 'reviewed_by', null),
    'after', jsonb_build_object('status', 'needs_changes', 'change_reason', 'details_mismatch',
                                'reviewer_comment', 'The owner''s name differs on the card.', 'reviewed_by', tests.uid('admin@easymo.test'))),
  'its diff holds status, change_reason, reviewer_comment and reviewed_by, before and after');

-- ════════════════════════════════════════════════════════════════════════════════
-- 6. The docs bucket: reviewers read, the WhatsApp side writes, super admins delete
-- ════════════════════════════════════════════════════════════════════════════════
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
select is(cardinality(tests.docs_seen()), 18, 'the seed''s 18 documents are stored in the docs bucket');

select tests.act_as('admin@easymo.test');
select is(tests.docs_seen(), tests.seeded_docs(), 'super admins see every seeded document');
select tests.act_as('support@easymo.test');
select is(tests.docs_seen(), tests.seeded_docs(), 'support sees every seeded document');
select is((select count(*) from storage.objects o where o.bucket_id = 'docs'), tests.docs_total(),
  'and every other object of the docs bucket');
select tests.act_as('dataops@easymo.test');
select is(tests.docs_seen(), '{}', 'data ops see no document');
select tests.act_as('readonly@easymo.test');
select is(tests.docs_seen(), '{}', 'read-only admins see no document');
select tests.act_as('operator@easymo.test');
select is(tests.docs_seen(), '{}', 'station operators see no document');
select tests.act_as_anon();
select is(tests.docs_seen(), '{}', 'anon sees no document');

select tests.act_as('admin@easymo.test');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('docs', 'f0000000-0000-4000-8000-000000000001/pgtap-14.png')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'super admins cannot store a document');
select tests.act_as('support@easymo.test');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('docs', 'f0000000-0000-4000-8000-000000000001/pgtap-14.png')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'support cannot store a document');
select tests.act_as('dataops@easymo.test');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('docs', 'f0000000-0000-4000-8000-000000000001/pgtap-14.png')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'data ops cannot store a document');
select tests.act_as('readonly@easymo.test');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('docs', 'f0000000-0000-4000-8000-000000000001/pgtap-14.png')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'read-only admins cannot store a document');
select tests.act_as('operator@easymo.test');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('docs', 'f0000000-0000-4000-8000-000000000001/pgtap-14.png')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'station operators cannot store a document');
select tests.act_as_anon();
select throws_ok($$insert into storage.objects (bucket_id, name) values ('docs', 'f0000000-0000-4000-8000-000000000001/pgtap-14.png')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'anon cannot store a document');

select tests.act_as('admin@easymo.test');
select is(tests.affected($$update storage.objects set metadata = '{"replaced": true}'
                           where bucket_id = 'docs' and name = 'f0000000-0000-4000-8000-000000000001/national-id.png'$$), 0,
  'super admins cannot replace a document (0 rows)');
select tests.act_as('support@easymo.test');
select is(tests.affected($$update storage.objects set metadata = '{"replaced": true}'
                           where bucket_id = 'docs' and name = 'f0000000-0000-4000-8000-000000000001/national-id.png'$$), 0,
  'support cannot replace a document (0 rows)');
select tests.act_as('dataops@easymo.test');
select is(tests.affected($$update storage.objects set metadata = '{"replaced": true}'
                           where bucket_id = 'docs' and name = 'f0000000-0000-4000-8000-000000000001/national-id.png'$$), 0,
  'data ops cannot replace a document (0 rows)');
select tests.act_as('readonly@easymo.test');
select is(tests.affected($$update storage.objects set metadata = '{"replaced": true}'
                           where bucket_id = 'docs' and name = 'f0000000-0000-4000-8000-000000000001/national-id.png'$$), 0,
  'read-only admins cannot replace a document (0 rows)');
select tests.act_as('operator@easymo.test');
select is(tests.affected($$update storage.objects set metadata = '{"replaced": true}'
                           where bucket_id = 'docs' and name = 'f0000000-0000-4000-8000-000000000001/national-id.png'$$), 0,
  'station operators cannot replace a document (0 rows)');
select tests.act_as_anon();
select is(tests.affected($$update storage.objects set metadata = '{"replaced": true}'
                           where bucket_id = 'docs' and name = 'f0000000-0000-4000-8000-000000000001/national-id.png'$$), 0,
  'anon cannot replace a document (0 rows)');

select tests.act_as('support@easymo.test');
select is(tests.affected($$delete from storage.objects where bucket_id = 'docs' and name = 'f0000000-0000-4000-8000-000000000001/pgtap-14-delete.png'$$), 0,
  'support cannot delete a document (0 rows)');
select tests.act_as('dataops@easymo.test');
select is(tests.affected($$delete from storage.objects where bucket_id = 'docs' and name = 'f0000000-0000-4000-8000-000000000001/pgtap-14-delete.png'$$), 0,
  'data ops cannot delete a document (0 rows)');
select tests.act_as('readonly@easymo.test');
select is(tests.affected($$delete from storage.objects where bucket_id = 'docs' and name = 'f0000000-0000-4000-8000-000000000001/pgtap-14-delete.png'$$), 0,
  'read-only admins cannot delete a document (0 rows)');
select tests.act_as('operator@easymo.test');
select is(tests.affected($$delete from storage.objects where bucket_id = 'docs' and name = 'f0000000-0000-4000-8000-000000000001/pgtap-14-delete.png'$$), 0,
  'station operators cannot delete a document (0 rows)');
select tests.act_as_anon();
select is(tests.affected($$delete from storage.objects where bucket_id = 'docs' and name = 'f0000000-0000-4000-8000-000000000001/pgtap-14-delete.png'$$), 0,
  'anon cannot delete a document (0 rows)');
select tests.act_as('admin@easymo.test');
select is(tests.affected($$delete from storage.objects where bucket_id = 'docs' and name = 'f0000000-0000-4000-8000-000000000001/pgtap-14-delete.png'$$), 1,
  'super admins delete a document');

select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
select is(
  (select array_agg(o.name || ':' || coalesce(o.metadata ->> 'replaced', '-') order by o.name collate "C")
     from storage.objects o where o.bucket_id = 'docs' and o.name like 'f0000000-0000-4000-8000-000000000001/%'),
  array['f0000000-0000-4000-8000-000000000001/national-id.png:-', 'f0000000-0000-4000-8000-000000000001/previous-certificate.pdf:-',
        'f0000000-0000-4000-8000-000000000001/vehicle-registration.png:-'],
  'afterwards the documents are as stored, and the deleted one is gone');

-- ════════════════════════════════════════════════════════════════════════════════
-- 7. The queue's index
-- ════════════════════════════════════════════════════════════════════════════════
select has_index('public', 'insurance_quotes', 'insurance_quotes_queue_idx', 'the queue has its index');
select has_index('public', 'insurance_quotes', 'insurance_quotes_status_created_at_idx', 'the status/created_at index stays for the dashboard''s pending count');
select col_not_null('public', 'insurance_quotes', 'submitted_at', 'every quote has a submission time');
-- "Can use": with the table this small, a sequential scan (or a bitmap scan and a sort)
-- would win on cost, so those are priced out.
set local enable_seqscan = off;
set local enable_bitmapscan = off;
select matches(tests.plan_of($$select id from public.insurance_quotes order by (status <> 'pending'), submitted_at, id limit 50$$),
  '^Limit\n\s+->  Index (Only )?Scan using insurance_quotes_queue_idx on insurance_quotes\n', 'the queue is read in index order, without a sort');
select matches(tests.plan_of($$select id from public.insurance_quotes
                                where ((status <> 'pending'), submitted_at, id) > (false, now() - interval '1 day', '00000000-0000-0000-0000-000000000000'::uuid)
                                order by (status <> 'pending'), submitted_at, id limit 50$$),
  '^Limit\n\s+->  Index (Only )?Scan using insurance_quotes_queue_idx on insurance_quotes\n\s+Index Cond: \(ROW\(',
  'a next page starts at the cursor in the index, without a sort');
set local enable_seqscan = on;
set local enable_bitmapscan = on;

select * from finish();
rollback;
