-- What a permitted writer still may not do: set columns the server owns (column grants),
-- change a settled row (triggers that apply to every role, the service role included),
-- forge a voucher's history, redeem after expiry, remove required settings, edit a
-- running campaign's targets, or empty an audited table with TRUNCATE.
begin;
set local search_path = public, extensions, tests;
select plan(30);

-- ── columns the server owns: no grant for signed-in callers ─────────────────────────
select tests.act_as('dataops@easymo.test');
select throws_ok($$insert into public.vouchers (user_id, amount, code5) values ('c0000000-0000-4000-8000-000000000001', 1, 'ZZZZZ')$$,
  '42501', null, 'an issuer cannot choose a voucher''s code');
select throws_ok($$insert into public.vouchers (user_id, amount, created_by) values ('c0000000-0000-4000-8000-000000000001', 1, 'a0000000-0000-4000-8000-000000000001')$$,
  '42501', null, 'an issuer cannot claim someone else issued it');
select throws_ok($$insert into public.vouchers (user_id, amount, issued_at) values ('c0000000-0000-4000-8000-000000000001', 1, '2020-01-01')$$,
  '42501', null, 'an issuer cannot backdate a voucher');
select throws_ok($$insert into public.vouchers (user_id, amount, status) values ('c0000000-0000-4000-8000-000000000001', 1, 'sent')$$,
  '42501', null, 'an issuer cannot choose the initial status');
select throws_ok($$update public.vouchers set redeemed_station_id = 'b0000000-0000-4000-8000-000000000002' where id = 'd0000000-0000-4000-8000-000000000007'$$,
  '42501', null, 'an issuer cannot move a redemption to another station');
select throws_ok($$update public.vouchers set amount = 999999 where id = 'd0000000-0000-4000-8000-000000000001'$$,
  '42501', null, 'an issuer cannot change an amount');
select tests.act_as('support@easymo.test');
select throws_ok($$insert into public.campaigns (name, type, template_id, legacy_id) values ('x', 'promo', 'weekend_promo', 42)$$,
  '42501', null, 'a campaign runner cannot set the legacy id');
select throws_ok($$insert into public.campaigns (name, type, template_id, started_at) values ('x', 'promo', 'weekend_promo', now())$$,
  '42501', null, 'a campaign runner cannot set when it started');
select tests.act_as('admin@easymo.test');
select throws_ok($$insert into public.settings (key, value, updated_by) values ('x', '1', 'a0000000-0000-4000-8000-000000000002')$$,
  '42501', null, 'a super admin cannot attribute a setting to someone else');
insert into public.settings (key, value) values ('stamp_test', '1');
select is((select updated_by from public.settings where key = 'stamp_test'), tests.uid('admin@easymo.test'),
  'a new setting is stamped with whoever set it');

-- ── settled rows: for every role, the service role included ─────────────────────────
select tests.act_as_service();
select throws_like($$update public.vouchers set amount = 1 where id = 'd0000000-0000-4000-8000-000000000007'$$,
  'voucher D3GRT: who it is for, its amount, code, campaign and issue never change', 'not even the service role changes an amount');
select throws_like($$update public.vouchers set code5 = 'ZZZZZ' where id = 'd0000000-0000-4000-8000-000000000001'$$,
  '%never change', 'or a code');
select throws_like($$update public.vouchers set redeemed_station_id = 'b0000000-0000-4000-8000-000000000002' where id = 'd0000000-0000-4000-8000-000000000007'$$,
  'voucher D3GRT: the redemption is recorded only when it is redeemed', 'or moves a redemption to another station');
select throws_like($$update public.vouchers set redeemed_at = now() where id = 'd0000000-0000-4000-8000-000000000004'$$,
  '%recorded only when it is redeemed', 'or writes a redemption time without redeeming');
select throws_like($$update public.vouchers set expires_at = now() + interval '1 year' where id = 'd0000000-0000-4000-8000-000000000012'$$,
  'voucher J4NB3 is expired: only its metadata may change', 'an expired voucher cannot be revived by a new expiry');
select is(tests.affected($$update public.vouchers set metadata = '{"note": "checked"}' where id = 'd0000000-0000-4000-8000-000000000007'$$), 1,
  'a settled voucher''s metadata may still change');
select throws_like($$update public.insurance_quotes set premium = 1 where id = 'f0000000-0000-4000-8000-000000000003'$$,
  'insurance quote is approved: only its metadata may change', 'an approved quote''s premium is final');
select throws_like($$update public.campaigns set template_id = 'voucher_issued_rw' where id = 'e0000000-0000-4000-8000-000000000002'$$,
  'campaigns: type and template are fixed once the campaign has started', 'a running campaign keeps its template');
select is(tests.affected($$update public.campaigns set template_id = 'voucher_issued' where id = 'e0000000-0000-4000-8000-000000000003'$$), 1,
  'a draft may still change its template');

-- ── a voucher's history comes from its status changes only ─────────────────────────
select throws_like($$insert into public.voucher_events (voucher_id, event_type, station_id)
                    values ('d0000000-0000-4000-8000-000000000001', 'redeemed', 'b0000000-0000-4000-8000-000000000002')$$,
  'voucher events of type redeemed are written by the voucher''s status change, not directly',
  'a redemption event cannot be written by hand, even by the service role');
select is(tests.affected($$insert into public.voucher_events (voucher_id, event_type, context)
                           values ('d0000000-0000-4000-8000-000000000001', 'policy_blocked', '{"reason": "too many attempts"}')$$), 1,
  'a blocked attempt is recorded directly');

-- ── no redemption after expiry ──────────────────────────────────────────────────────
select throws_ok($$update public.vouchers set status = 'redeemed', redeemed_at = expires_at + interval '1 minute',
                     redeemed_station_id = 'b0000000-0000-4000-8000-000000000001' where id = 'd0000000-0000-4000-8000-000000000004'$$,
  '23514', null, 'a voucher cannot be redeemed after its expiry');

-- ── required settings ───────────────────────────────────────────────────────────────
select tests.act_as('admin@easymo.test');
select throws_like($$delete from public.settings where key = 'quiet_hours'$$,
  'setting quiet_hours is required: change its value instead of deleting it', 'the settings the product reads cannot be deleted');
select is(tests.affected($$delete from public.settings where key = 'stamp_test'$$), 1, 'other settings can');

-- ── targets follow their campaign ───────────────────────────────────────────────────
select tests.act_as('support@easymo.test');
select throws_ok($$insert into public.campaign_targets (campaign_id, msisdn) values ('e0000000-0000-4000-8000-000000000002', '+250788666001')$$,
  '42501', null, 'targets are not added to a running campaign');
select is(tests.affected($$delete from public.campaign_targets where campaign_id = 'e0000000-0000-4000-8000-000000000002'$$), 0,
  'nor removed from one (0 rows)');
select is(tests.affected($$insert into public.campaign_targets (campaign_id, msisdn) values ('e0000000-0000-4000-8000-000000000003', '+250788666001')$$), 1,
  'a draft takes new targets');

-- ── TRUNCATE would leave no audit row ───────────────────────────────────────────────
select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
-- CASCADE: the send queue references the targets; without it Postgres refuses first.
select throws_like('truncate public.campaign_targets cascade', 'campaign_targets cannot be truncated%', 'campaign_targets refuse TRUNCATE');
select throws_like('truncate public.insurance_quotes', 'insurance_quotes cannot be truncated%', 'insurance_quotes refuse TRUNCATE');
select throws_like('truncate public.admin_roles', 'admin_roles cannot be truncated%', 'admin_roles refuse TRUNCATE');

select * from finish();
rollback;
