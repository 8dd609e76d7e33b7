-- Agent chat previews (spec: `agent_chat_sessions`, `agent_chat_messages`). Written and
-- read only by back-end services with the service role: RLS denies every API role.

create table public.agent_chat_sessions (
  id uuid primary key default gen_random_uuid(),
  profile_id uuid references public.profiles (user_id) on delete set null,
  agent_kind text not null check (agent_kind in ('broker', 'support', 'sales', 'marketing')),
  status text not null default 'open',
  metadata jsonb default '{}'::jsonb,
  last_user_message text,
  last_agent_message text,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);
comment on table public.agent_chat_sessions is 'A conversation between a driver and an AI agent (broker, support, sales, marketing previews). Service role only.';
create index agent_chat_sessions_profile_id_idx on public.agent_chat_sessions (profile_id);
create trigger touch_updated_at before update on public.agent_chat_sessions
  for each row execute function app.touch_updated_at();

create table public.agent_chat_messages (
  id uuid primary key default gen_random_uuid(),
  session_id uuid references public.agent_chat_sessions (id) on delete cascade,
  role text check (role in ('user', 'agent', 'system')),
  content jsonb not null,
  created_at timestamptz default now()
);
comment on table public.agent_chat_messages is 'Messages of an agent chat session, in order. Service role only.';
create index agent_chat_messages_session_id_created_at_idx on public.agent_chat_messages (session_id, created_at);

alter table public.agent_chat_sessions enable row level security;
alter table public.agent_chat_messages enable row level security;
revoke all on table public.agent_chat_sessions, public.agent_chat_messages from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.agent_chat_sessions, public.agent_chat_messages to service_role;

-- Deny-all (spec). service_role bypasses RLS; these make the intent explicit even if a
-- grant is added by mistake.
create policy "no API access to agent chat sessions"
  on public.agent_chat_sessions as restrictive for all to anon, authenticated
  using (false) with check (false);
create policy "no API access to agent chat messages"
  on public.agent_chat_messages as restrictive for all to anon, authenticated
  using (false) with check (false);
