-- Bulk issue: an admin uploads up to 10,000 validated rows; the scheduler issues them in
-- batches **on behalf of that admin** (their JWT claims, their rights re-checked, their id
-- in created_by and in the audit log) and queues each card for sending. Progress is
-- counted from the vouchers themselves.

create table public.voucher_bulk_jobs (
  id uuid primary key default gen_random_uuid(),
  created_by uuid not null default auth.uid() references auth.users (id) on delete cascade,
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  campaign_id uuid references public.campaigns (id),
  send boolean not null default true,
  rows jsonb not null check (jsonb_typeof(rows) = 'array'),
  total integer not null check (total between 1 and 10000),
  next_row integer not null default 0,
  errors jsonb not null default '[]'::jsonb,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  check (jsonb_array_length(rows) = total)
);
comment on table public.voucher_bulk_jobs is
  'A bulk issue from CSV: validated rows ({line, msisdn, amount, currency, expires_at, station_scope, name, note}), issued in batches by the scheduler.';
comment on column public.voucher_bulk_jobs.next_row is 'How many rows have been processed so far (issued or refused).';
create index voucher_bulk_jobs_pending_idx on public.voucher_bulk_jobs (created_at) where status in ('queued', 'running');
create index voucher_bulk_jobs_created_by_idx on public.voucher_bulk_jobs (created_by);
create index vouchers_bulk_job_idx on public.vouchers ((metadata ->> 'bulk_job')) where metadata ? 'bulk_job';

alter table public.voucher_bulk_jobs enable row level security;
revoke all on table public.voucher_bulk_jobs from public, anon, authenticated, service_role;
grant select on table public.voucher_bulk_jobs to authenticated;
grant insert (campaign_id, send, rows, total) on table public.voucher_bulk_jobs to authenticated;
grant select, update on table public.voucher_bulk_jobs to service_role;
create policy "issuers read bulk jobs" on public.voucher_bulk_jobs for select to authenticated
  using ((select app.has_any_role('{super_admin,data_ops}')));
create policy "issuers start bulk jobs" on public.voucher_bulk_jobs for insert to authenticated
  with check ((select app.has_any_role('{super_admin,data_ops}')));

-- Issues the next batch of a job as its creator (the caller's claims must be theirs).
-- A row the database refuses (rows are checked before upload, but a job row could be
-- written by hand) is skipped with its reason in errors; the others are issued.
-- Returns how many rows it took; marks the job done after the last one.
create function app.process_bulk_job(job uuid, batch integer default 500) returns integer
language plpgsql security definer set search_path = '' as $$
declare
  j public.voucher_bulk_jobs;
  row_data jsonb;
  row_number bigint;
  driver uuid;
  voucher uuid;
  taken integer := 0;
  failures jsonb := '[]'::jsonb;
begin
  select * into j from public.voucher_bulk_jobs where id = job for update;
  if j.id is null or j.status in ('done', 'failed') then
    return 0;
  end if;
  if auth.uid() is distinct from j.created_by then
    raise exception 'a bulk job is processed on behalf of its creator' using errcode = 'insufficient_privilege';
  end if;
  -- Rights are re-checked now: an admin demoted since the upload issues nothing more.
  if not app.has_any_role('{super_admin,data_ops}') then
    update public.voucher_bulk_jobs set status = 'failed', finished_at = now(),
           errors = errors || jsonb_build_array(jsonb_build_object('line', 0, 'column', '', 'message', 'the creator may no longer issue vouchers'))
     where id = job;
    return 0;
  end if;
  update public.voucher_bulk_jobs set status = 'running', started_at = coalesce(started_at, now()) where id = job;
  for row_data, row_number in
    select r, n from jsonb_array_elements(j.rows) with ordinality as t (r, n) where n > j.next_row order by n limit batch
  loop
    taken := taken + 1;
    begin
      insert into public.users (msisdn, display_name) values (row_data ->> 'msisdn', row_data ->> 'name')
      on conflict (msisdn) do nothing;
      select u.id into driver from public.users u where u.msisdn = row_data ->> 'msisdn';
      insert into public.vouchers (user_id, amount, currency, expires_at, station_scope, campaign_id, metadata)
      values (driver, (row_data ->> 'amount')::numeric, coalesce(row_data ->> 'currency', 'RWF'), (row_data ->> 'expires_at')::timestamptz,
              (row_data ->> 'station_scope')::uuid, j.campaign_id,
              jsonb_strip_nulls(jsonb_build_object('bulk_job', job, 'bulk_line', row_data -> 'line', 'note', row_data ->> 'note')))
      returning id into voucher;
      if j.send then
        insert into public.voucher_send_queue (voucher_id) values (voucher);
      end if;
    exception when others then
      failures := failures || jsonb_build_array(jsonb_build_object(
        'line', coalesce((row_data ->> 'line')::int, row_number + 1), 'column', '', 'message', sqlerrm));
    end;
  end loop;
  update public.voucher_bulk_jobs
     set next_row = next_row + taken,
         errors = errors || failures,
         status = case when next_row + taken >= total then 'done' else 'running' end,
         finished_at = case when next_row + taken >= total then now() end
   where id = job;
  return taken;
end
$$;
comment on function app.process_bulk_job(uuid, integer) is
  'Issues the next batch of a bulk job as its creator (rights re-checked), skipping refused rows with their reason, and queues the cards.';

-- Progress as the UI polls it: counted from the vouchers the job issued.
create function app.bulk_job_progress(job uuid) returns jsonb
language sql stable security definer set search_path = '' as $$
  select jsonb_build_object(
    'id', j.id, 'status', j.status, 'total', j.total, 'processed', j.next_row,
    'issued', (select count(*) from public.vouchers v where v.metadata ->> 'bulk_job' = j.id::text),
    'sent', (select count(*) from public.vouchers v where v.metadata ->> 'bulk_job' = j.id::text and v.status <> 'issued'),
    'errors', j.errors, 'created_at', j.created_at, 'finished_at', j.finished_at)
  from public.voucher_bulk_jobs j
  where j.id = job and (app.has_any_role('{super_admin,data_ops}') or auth.role() = 'service_role')
$$;
comment on function app.bulk_job_progress(uuid) is 'A bulk job''s progress: rows issued and cards sent so far.';

revoke all on function app.process_bulk_job(uuid, integer), app.bulk_job_progress(uuid) from public, anon;
grant execute on function app.process_bulk_job(uuid, integer), app.bulk_job_progress(uuid) to authenticated, service_role;
