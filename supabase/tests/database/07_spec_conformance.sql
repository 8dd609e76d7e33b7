-- The customer's data model (spec/data-model-delta.md, "New Tables" to "Storage
-- Buckets"), column by column: type, default, NOT NULL where the spec says so, foreign
-- keys and the listed indexes. Additions and tightenings are in docs/data-model.md.
begin;
set local search_path = public, extensions, tests;

create temp table spec_columns (tbl text, col text, type text, dflt text, not_null boolean) on commit drop;
insert into spec_columns values
  -- stations
  ('stations', 'id', 'uuid', 'gen_random_uuid()', true),
  ('stations', 'name', 'text', null, true),
  ('stations', 'engencode', 'text', null, true),
  ('stations', 'owner_contact', 'text', null, false),
  ('stations', 'location', 'geography(Point,4326)', null, false),
  ('stations', 'status', 'text', '''active''::text', null),
  ('stations', 'created_at', 'timestamp with time zone', 'now()', null),
  ('stations', 'updated_at', 'timestamp with time zone', 'now()', null),
  -- vouchers
  ('vouchers', 'id', 'uuid', 'gen_random_uuid()', true),
  ('vouchers', 'user_id', 'uuid', null, true),
  ('vouchers', 'station_scope', 'uuid', null, false),
  ('vouchers', 'campaign_id', 'uuid', null, false),
  ('vouchers', 'amount', 'numeric(12,2)', null, true),
  ('vouchers', 'currency', 'text', '''RWF''::text', true),
  ('vouchers', 'code5', 'character(5)', null, true),
  ('vouchers', 'qr_url', 'text', null, false),
  ('vouchers', 'png_url', 'text', null, false),
  ('vouchers', 'status', 'text', '''issued''::text', true),
  ('vouchers', 'issued_at', 'timestamp with time zone', 'now()', null),
  ('vouchers', 'redeemed_at', 'timestamp with time zone', null, false),
  ('vouchers', 'expires_at', 'timestamp with time zone', null, false),
  ('vouchers', 'created_by', 'uuid', null, null),
  ('vouchers', 'metadata', 'jsonb', '''{}''::jsonb', null),
  -- voucher_events
  ('voucher_events', 'id', 'uuid', 'gen_random_uuid()', true),
  ('voucher_events', 'voucher_id', 'uuid', null, true),
  ('voucher_events', 'event_type', 'text', null, null),
  ('voucher_events', 'actor_id', 'uuid', null, false),
  ('voucher_events', 'station_id', 'uuid', null, false),
  ('voucher_events', 'context', 'jsonb', '''{}''::jsonb', null),
  ('voucher_events', 'created_at', 'timestamp with time zone', 'now()', null),
  -- campaigns
  ('campaigns', 'id', 'uuid', 'gen_random_uuid()', true),
  ('campaigns', 'legacy_id', 'bigint', null, false),
  ('campaigns', 'name', 'text', null, true),
  ('campaigns', 'type', 'text', null, true),
  ('campaigns', 'template_id', 'text', null, true),
  ('campaigns', 'status', 'text', '''draft''::text', null),
  ('campaigns', 'created_by', 'uuid', null, null),
  ('campaigns', 'started_at', 'timestamp with time zone', null, false),
  ('campaigns', 'finished_at', 'timestamp with time zone', null, false),
  ('campaigns', 'metadata', 'jsonb', '''{}''::jsonb', null),
  -- campaign_targets (with last_update_at, misprinted under agent_chat_messages)
  ('campaign_targets', 'id', 'uuid', 'gen_random_uuid()', true),
  ('campaign_targets', 'campaign_id', 'uuid', null, null),
  ('campaign_targets', 'msisdn', 'text', null, true),
  ('campaign_targets', 'user_id', 'uuid', null, false),
  ('campaign_targets', 'personalized_vars', 'jsonb', '''{}''::jsonb', null),
  ('campaign_targets', 'status', 'text', '''queued''::text', null),
  ('campaign_targets', 'error_code', 'text', null, false),
  ('campaign_targets', 'message_id', 'text', null, false),
  ('campaign_targets', 'last_update_at', 'timestamp with time zone', 'now()', null),
  -- agent chat
  ('agent_chat_sessions', 'id', 'uuid', 'gen_random_uuid()', true),
  ('agent_chat_sessions', 'profile_id', 'uuid', null, false),
  ('agent_chat_sessions', 'agent_kind', 'text', null, true),
  ('agent_chat_sessions', 'status', 'text', '''open''::text', true),
  ('agent_chat_sessions', 'metadata', 'jsonb', '''{}''::jsonb', null),
  ('agent_chat_sessions', 'last_user_message', 'text', null, false),
  ('agent_chat_sessions', 'last_agent_message', 'text', null, false),
  ('agent_chat_sessions', 'created_at', 'timestamp with time zone', 'now()', null),
  ('agent_chat_sessions', 'updated_at', 'timestamp with time zone', 'now()', null),
  ('agent_chat_messages', 'id', 'uuid', 'gen_random_uuid()', true),
  ('agent_chat_messages', 'session_id', 'uuid', null, false),
  ('agent_chat_messages', 'role', 'text', null, false),
  ('agent_chat_messages', 'content', 'jsonb', null, true),
  ('agent_chat_messages', 'created_at', 'timestamp with time zone', 'now()', null),
  -- insurance_quotes
  ('insurance_quotes', 'id', 'uuid', 'gen_random_uuid()', true),
  ('insurance_quotes', 'user_id', 'uuid', null, false),
  ('insurance_quotes', 'uploaded_docs', 'text[]', null, null),
  ('insurance_quotes', 'premium', 'numeric(12,2)', null, false),
  ('insurance_quotes', 'insurer', 'text', null, false),
  ('insurance_quotes', 'status', 'text', '''pending''::text', null),
  ('insurance_quotes', 'reviewer_comment', 'text', null, false),
  ('insurance_quotes', 'approved_at', 'timestamp with time zone', null, false),
  ('insurance_quotes', 'metadata', 'jsonb', '''{}''::jsonb', null),
  -- settings
  ('settings', 'key', 'text', null, true),
  ('settings', 'value', 'jsonb', null, true),
  -- audit_log
  ('audit_log', 'id', 'uuid', 'gen_random_uuid()', true),
  ('audit_log', 'actor_id', 'uuid', null, false),
  ('audit_log', 'action', 'text', null, null),
  ('audit_log', 'target_table', 'text', null, null),
  ('audit_log', 'target_id', 'text', null, false),
  ('audit_log', 'diff', 'jsonb', null, null),
  ('audit_log', 'created_at', 'timestamp with time zone', 'now()', null),
  -- new columns on users
  ('users', 'roles', 'text[]', '''{}''::text[]', null),
  ('users', 'last_seen_at', 'timestamp with time zone', null, false);

create temp table spec_fks (tbl text, col text, ref_schema text, ref_tbl text, ref_col text) on commit drop;
insert into spec_fks values
  ('vouchers', 'user_id', 'public', 'users', 'id'),
  ('vouchers', 'station_scope', 'public', 'stations', 'id'),
  ('vouchers', 'campaign_id', 'public', 'campaigns', 'id'),
  ('vouchers', 'created_by', 'auth', 'users', 'id'),
  ('voucher_events', 'voucher_id', 'public', 'vouchers', 'id'),
  ('voucher_events', 'actor_id', 'auth', 'users', 'id'),
  ('voucher_events', 'station_id', 'public', 'stations', 'id'),
  ('campaigns', 'created_by', 'auth', 'users', 'id'),
  ('campaign_targets', 'campaign_id', 'public', 'campaigns', 'id'),
  ('campaign_targets', 'user_id', 'public', 'users', 'id'),
  ('agent_chat_sessions', 'profile_id', 'public', 'profiles', 'user_id'),
  ('agent_chat_messages', 'session_id', 'public', 'agent_chat_sessions', 'id'),
  ('insurance_quotes', 'user_id', 'public', 'users', 'id');

create temp table spec_indexes (tbl text, cols text) on commit drop;
insert into spec_indexes values
  ('vouchers', '(status)'), ('vouchers', '(user_id)'), ('vouchers', '(campaign_id)'), ('vouchers', '(station_scope, status)'),
  ('voucher_events', '(voucher_id, created_at)'), ('voucher_events', '(event_type, created_at DESC)'),
  ('campaigns', '(status)'), ('campaigns', '(created_at)'),
  ('campaign_targets', '(campaign_id, status)'), ('campaign_targets', '(msisdn)'),
  ('agent_chat_messages', '(session_id, created_at)'),
  ('audit_log', '(target_table, created_at DESC)'), ('audit_log', '(actor_id, created_at DESC)'),
  ('stations', '(engencode)'), ('vouchers', '(code5)');

-- The value lists of the spec's CHECKs (status lists: also e2e/api/state-machines.test.ts).
create temp table spec_checks (tbl text, col text, allowed text[]) on commit drop;
insert into spec_checks values
  ('stations', 'status', '{active,inactive}'),
  ('vouchers', 'status', '{issued,sent,redeemed,expired,void}'),
  ('voucher_events', 'event_type', '{issued,sent,redeemed,expired,void,policy_blocked}'),
  ('campaigns', 'type', '{promo,voucher}'),
  ('campaigns', 'status', '{draft,running,paused,done}'),
  ('campaign_targets', 'status', '{queued,queued_throttled,sent,delivered,read,failed,opted_out}'),
  ('agent_chat_messages', 'role', '{user,agent,system}'),
  ('insurance_quotes', 'status', '{pending,approved,needs_changes}');

select plan(
  (select count(*)::int * 2 from spec_columns)
  + (select count(*)::int from spec_columns where dflt is not null)
  + (select count(*)::int from spec_columns where not_null is not null)
  + (select count(*)::int from spec_fks)
  + (select count(*)::int from spec_indexes)
  + (select count(*)::int from spec_checks)
  + 8);

select has_column('public', tbl, col, format('%s.%s exists', tbl, col)) from spec_columns order by tbl, col;
select col_type_is('public', tbl, col, type, format('%s.%s is %s', tbl, col, type)) from spec_columns order by tbl, col;
select is(
  (select pg_get_expr(d.adbin, d.adrelid) from pg_attrdef d
     join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
    where d.adrelid = ('public.' || tbl)::regclass and a.attname = col),
  dflt, format('%s.%s defaults to %s', tbl, col, dflt))
  from spec_columns where dflt is not null order by tbl, col;
select case when not_null then col_not_null('public', tbl, col, format('%s.%s is NOT NULL', tbl, col))
            else col_is_null('public', tbl, col, format('%s.%s may be NULL', tbl, col)) end
  from spec_columns where not_null is not null order by tbl, col;
select fk_ok('public', tbl, col, ref_schema, ref_tbl, ref_col, format('%s.%s references %s.%s(%s)', tbl, col, ref_schema, ref_tbl, ref_col))
  from spec_fks order by tbl, col;
select ok(exists (select 1 from pg_indexes i where i.schemaname = 'public' and i.tablename = s.tbl and i.indexdef like '%' || s.cols),
          format('%s has an index on %s', s.tbl, s.cols))
  from spec_indexes s order by tbl, cols;

select is(
  (select array_agg(v order by v) from (
     select (regexp_matches(pg_get_constraintdef(c.oid), '''([^'']+)''::text', 'g'))[1] as v
       from pg_constraint c
      where c.conrelid = ('public.' || s.tbl)::regclass and c.contype = 'c'
        and pg_get_constraintdef(c.oid) ~ ('\m' || s.col || '\M.*ANY')) m),
  (select array_agg(a order by a) from unnest(s.allowed) a),
  format('%s.%s accepts exactly %s', s.tbl, s.col, s.allowed))
  from spec_checks s order by tbl, col;
select col_is_unique('public', 'stations', 'engencode', 'stations.engencode is unique');
select col_is_unique('public', 'vouchers', 'code5', 'vouchers.code5 is unique');

select results_eq(
  $$select key from public.settings where key in ('quiet_hours', 'send_throttle', 'opt_out_list', 'templates', 'revolut_link') order by key$$,
  $$values ('opt_out_list'), ('quiet_hours'), ('revolut_link'), ('send_throttle'), ('templates')$$,
  'every settings key the spec seeds exists');
select is((select value #>> '{rw,start}' from public.settings where key = 'quiet_hours'), '22:00', 'quiet hours for Rwanda start at 22:00');
select is((select (value #>> '{whatsapp,per_minute}')::int from public.settings where key = 'send_throttle'), 60, 'WhatsApp sends are throttled per minute');
select has_view('public', 'view_voucher_metrics', 'view_voucher_metrics exists');
select has_view('public', 'view_active_bars', 'view_active_bars exists');
select is((select count(*)::int from pg_policy where polrelid = 'public.agent_chat_sessions'::regclass), 1,
  'agent_chat_sessions has exactly its deny-all policy');

select * from finish();
rollback;
