-- Spec "New Columns (Existing Tables)": users.roles for admin-panel filters and
-- users.last_seen_at for operations health. Additive; skipped where present.
alter table public.users add column if not exists roles text[] default '{}'::text[];
alter table public.users add column if not exists last_seen_at timestamptz;
comment on column public.users.roles is 'Free-form driver tags used by admin-panel filters (not admin roles: those live in admin_roles).';
comment on column public.users.last_seen_at is 'Last time the driver was seen on WhatsApp (operations health).';
-- On the existing (large) users table, create these two indexes CONCURRENTLY by hand before
-- deploying (migrations run in a transaction, where CONCURRENTLY is not allowed); these
-- statements then find them and do nothing.
create index if not exists users_roles_idx on public.users using gin (roles);
create index if not exists users_last_seen_at_idx on public.users (last_seen_at desc);

-- Admins tag drivers; last_seen_at is written by the WhatsApp side (service role).
grant insert (roles), update (roles) on table public.users to authenticated;
