-- Demo data for local stacks (`pnpm dev`, `pnpm test`, `supabase start`). Never run
-- against a production project. Idempotent: `pnpm stack seed` may run it again.
--
-- Fixed ids make the data easy to point at in tests and docs:
--   a000…00N  auth users (demo logins)       b000…00N  stations
--   c000…0NN  drivers (public.users)         d000…0NN  vouchers
--   e000…00N  campaigns                      f000…00N  insurance quotes
-- Status changes are made as updates, so the triggers write voucher_events and
-- audit_log rows exactly as the product would.

-- ════════════════════════════════════════════════════════════════════════════════
-- Demo accounts (password: packages/stack/src/demo.ts). Written the way GoTrue reads
-- them: nil instance_id, aud/role 'authenticated', confirmed email, empty-string token
-- columns (NULLs make GoTrue fail with "Database error querying schema"), plus the email
-- identity GoTrue's admin API would create.
-- ════════════════════════════════════════════════════════════════════════════════
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change, is_sso_user, is_anonymous)
select '00000000-0000-0000-0000-000000000000', demo.id, 'authenticated', 'authenticated', demo.email,
       extensions.crypt('easymo-demo-2026', extensions.gen_salt('bf', 10)), now(),
       '{"provider": "email", "providers": ["email"]}'::jsonb,
       jsonb_build_object('full_name', demo.full_name, 'email_verified', true),
       now(), now(), '', '', '', '', false, false
  from (values
    ('a0000000-0000-4000-8000-000000000001'::uuid, 'admin@easymo.test', 'Aline Super Admin'),
    ('a0000000-0000-4000-8000-000000000002'::uuid, 'support@easymo.test', 'Samuel Support'),
    ('a0000000-0000-4000-8000-000000000003'::uuid, 'dataops@easymo.test', 'Diane Data Ops'),
    ('a0000000-0000-4000-8000-000000000004'::uuid, 'readonly@easymo.test', 'Robert Read-Only'),
    ('a0000000-0000-4000-8000-000000000005'::uuid, 'operator@easymo.test', 'Olivier Operator'),
    ('a0000000-0000-4000-8000-000000000006'::uuid, 'operator2@easymo.test', 'Odette Operator')
  ) as demo (id, email, full_name)
on conflict (id) do nothing;

insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
select u.id::text, u.id,
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', false, 'phone_verified', false),
       'email', now(), now()
  from auth.users u
 where u.email like '%@easymo.test'
on conflict (provider_id, provider) do nothing;

insert into public.admin_roles (user_id, roles, granted_by)
values
  ('a0000000-0000-4000-8000-000000000001', '{super_admin}', null),
  ('a0000000-0000-4000-8000-000000000002', '{support}', 'a0000000-0000-4000-8000-000000000001'),
  ('a0000000-0000-4000-8000-000000000003', '{data_ops}', 'a0000000-0000-4000-8000-000000000001'),
  ('a0000000-0000-4000-8000-000000000004', '{readonly}', 'a0000000-0000-4000-8000-000000000001')
on conflict (user_id) do nothing;

-- ════════════════════════════════════════════════════════════════════════════════
-- Stations: eight in Kigali (one closed), and who operates them
-- ════════════════════════════════════════════════════════════════════════════════
insert into public.stations (id, name, engencode, owner_contact, location, status)
select s.id, s.name, s.engencode, s.owner_contact,
       extensions.st_setsrid(extensions.st_makepoint(s.lon, s.lat), 4326)::extensions.geography, s.status
  from (values
    ('b0000000-0000-4000-8000-000000000001'::uuid, 'Engen Kacyiru', 'KGL-KCY-01', '+250788300101', 30.0890, -1.9390, 'active'),
    ('b0000000-0000-4000-8000-000000000002'::uuid, 'Engen Nyabugogo', 'KGL-NYB-02', '+250788300102', 30.0446, -1.9392, 'active'),
    ('b0000000-0000-4000-8000-000000000003'::uuid, 'Engen Remera', 'KGL-RMR-03', '+250788300103', 30.1030, -1.9535, 'active'),
    ('b0000000-0000-4000-8000-000000000004'::uuid, 'Engen Kimihurura', 'KGL-KMH-04', '+250788300104', 30.0790, -1.9520, 'active'),
    ('b0000000-0000-4000-8000-000000000005'::uuid, 'Engen Nyamirambo', 'KGL-NYM-05', '+250788300105', 30.0420, -1.9780, 'active'),
    ('b0000000-0000-4000-8000-000000000006'::uuid, 'Engen Kicukiro', 'KGL-KCK-06', '+250788300106', 30.1030, -1.9900, 'active'),
    ('b0000000-0000-4000-8000-000000000007'::uuid, 'Engen Gikondo', 'KGL-GKD-07', null, 30.0760, -1.9750, 'active'),
    ('b0000000-0000-4000-8000-000000000008'::uuid, 'Engen Kanombe', 'KGL-KNB-08', '+250788300108', 30.1350, -1.9690, 'inactive')
  ) as s (id, name, engencode, owner_contact, lon, lat, status)
on conflict (id) do nothing;

insert into public.station_operators (user_id, station_id, active) values
  ('a0000000-0000-4000-8000-000000000005', 'b0000000-0000-4000-8000-000000000003', false), -- moved on from Remera
  ('a0000000-0000-4000-8000-000000000005', 'b0000000-0000-4000-8000-000000000001', true),  -- operator@  → Kacyiru
  ('a0000000-0000-4000-8000-000000000006', 'b0000000-0000-4000-8000-000000000002', true)   -- operator2@ → Nyabugogo
on conflict (user_id, station_id) do nothing;

-- ════════════════════════════════════════════════════════════════════════════════
-- Drivers (WhatsApp users)
-- ════════════════════════════════════════════════════════════════════════════════
insert into public.users (id, msisdn, display_name, locale, roles, last_seen_at)
select ('c0000000-0000-4000-8000-0000000000' || lpad(d.n::text, 2, '0'))::uuid, d.msisdn, d.name, d.locale, d.tags,
       now() - make_interval(hours => d.n * 7)
  from (values
    (1, '+250788100001', 'Jean Bosco Habimana', 'rw', '{moto}'::text[]),
    (2, '+250788100002', 'Claudine Uwase', 'rw', '{taxi}'),
    (3, '+250722100003', 'Eric Niyonzima', 'rw', '{moto}'),
    (4, '+250733100004', 'Aimable Mugisha', 'fr', '{truck}'),
    (5, '+250788100005', 'Divine Ingabire', 'en', '{taxi}'),
    (6, '+250788100006', 'Patrick Nshimiyimana', 'rw', '{moto}'),
    (7, '+250722100007', 'Grace Mukamana', 'rw', '{}'),
    (8, '+250788100008', 'Emmanuel Hakizimana', 'rw', '{moto,fleet}'),
    (9, '+250733100009', 'Alice Umutoni', 'fr', '{taxi}'),
    (10, '+250788100010', 'Olivier Ndayisaba', 'rw', '{moto}'),
    (11, '+250788100011', 'Sandrine Iradukunda', 'en', '{}'),
    (12, '+250722100012', 'Theogene Bizimana', 'rw', '{truck}'),
    (13, '+250788100013', 'Yvonne Mutesi', 'rw', '{moto}'),
    (14, '+250788100014', 'Fabrice Munyaneza', 'rw', '{moto}'),
    (15, '+35679100015', 'Maria Borg', 'en', '{fleet}'),
    (16, '+35699100016', 'Joseph Camilleri', 'en', '{}')
  ) as d (n, msisdn, name, locale, tags)
on conflict (id) do nothing;

insert into public.profiles (user_id, display_name, vehicle_plate)
select u.id, u.display_name, 'RA' || chr(65 + (row_number() over (order by u.id))::int % 26) || ' ' || (100 + (row_number() over (order by u.id))::int * 7) || 'C'
  from public.users u
 where u.id::text like 'c0000000-%' and u.msisdn like '+250%'
on conflict (user_id) do nothing;

-- One driver replied STOP: her number's hash is on the opt-out list.
update public.settings
   set value = jsonb_build_array(encode(sha256(convert_to('+250788100011', 'UTF8')), 'hex'))
 where key = 'opt_out_list' and value = '[]'::jsonb;

-- ════════════════════════════════════════════════════════════════════════════════
-- Campaigns: one done, one running, one draft; targets in every state
-- ════════════════════════════════════════════════════════════════════════════════
insert into public.campaigns (id, name, type, template_id, created_by, metadata, created_at) values
  ('e0000000-0000-4000-8000-000000000001', 'October weekend promo', 'promo', 'weekend_promo',
   'a0000000-0000-4000-8000-000000000002', '{"quiet_hours": null, "throttle_bucket": "whatsapp", "voucher": null}', now() - interval '40 days'),
  ('e0000000-0000-4000-8000-000000000002', 'November fuel vouchers', 'voucher', 'voucher_issued',
   'a0000000-0000-4000-8000-000000000002', '{"quiet_hours": null, "throttle_bucket": "whatsapp", "voucher": {"amount": 5000, "currency": "RWF", "expires_in_days": 30, "station_scope": null}}', now() - interval '6 days'),
  ('e0000000-0000-4000-8000-000000000003', 'December moto drivers', 'voucher', 'voucher_issued_rw',
   'a0000000-0000-4000-8000-000000000001', '{"quiet_hours": {"start": "21:00", "end": "07:00"}, "throttle_bucket": "whatsapp", "voucher": {"amount": 3000, "currency": "RWF", "expires_in_days": 14, "station_scope": null}}', now() - interval '1 day')
on conflict (id) do nothing;

update public.campaigns set status = 'running' where id in ('e0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002') and status = 'draft';
update public.campaigns set status = 'done' where id = 'e0000000-0000-4000-8000-000000000001' and status = 'running';

insert into public.campaign_targets (campaign_id, msisdn, user_id, personalized_vars)
select t.campaign_id, u.msisdn, u.id,
       jsonb_build_object('name', split_part(u.display_name, ' ', 1), 'station', 'Engen Kacyiru', 'discount', '10%')
  from (values
    ('e0000000-0000-4000-8000-000000000001'::uuid, 1), ('e0000000-0000-4000-8000-000000000001'::uuid, 2),
    ('e0000000-0000-4000-8000-000000000001'::uuid, 3), ('e0000000-0000-4000-8000-000000000001'::uuid, 4),
    ('e0000000-0000-4000-8000-000000000002'::uuid, 5), ('e0000000-0000-4000-8000-000000000002'::uuid, 6),
    ('e0000000-0000-4000-8000-000000000002'::uuid, 7), ('e0000000-0000-4000-8000-000000000002'::uuid, 8),
    ('e0000000-0000-4000-8000-000000000002'::uuid, 9), ('e0000000-0000-4000-8000-000000000002'::uuid, 10),
    ('e0000000-0000-4000-8000-000000000002'::uuid, 11), ('e0000000-0000-4000-8000-000000000002'::uuid, 12),
    ('e0000000-0000-4000-8000-000000000003'::uuid, 13), ('e0000000-0000-4000-8000-000000000003'::uuid, 14)
  ) as t (campaign_id, n)
  join public.users u on u.id = ('c0000000-0000-4000-8000-0000000000' || lpad(t.n::text, 2, '0'))::uuid
on conflict (campaign_id, msisdn) do nothing;

-- Walk each target to its demo state along legal transitions.
do $$
declare
  target record;
  step text;
begin
  for target in
    select ct.id, ct.status, plan.path, plan.error_code
      from public.campaign_targets ct
      join public.users u on u.id = ct.user_id
      join (values
        ('+250788100001', '{sent,delivered,read}'::text[], null),
        ('+250788100002', '{sent,delivered}', null),
        ('+250722100003', '{sent}', null),
        ('+250733100004', '{failed}', '131026'),
        ('+250788100005', '{sent,delivered,read}', null),
        ('+250788100006', '{sent,delivered}', null),
        ('+250722100007', '{sent}', null),
        ('+250788100008', '{queued_throttled}', '130429'),
        ('+250733100009', '{failed}', '131049'),
        ('+250788100011', '{opted_out}', null)
        -- +250788100010, +250722100012 and the draft's targets stay queued
      ) as plan (msisdn, path, error_code) on plan.msisdn = u.msisdn
     where ct.status = 'queued'
  loop
    foreach step in array target.path loop
      update public.campaign_targets
         set status = step,
             message_id = case when step = 'sent' then 'wamid.SEED' || upper(substr(md5(target.id::text), 1, 20)) else message_id end,
             error_code = case when step in ('failed', 'queued_throttled') then target.error_code else error_code end
       where id = target.id;
    end loop;
  end loop;
end
$$;

-- ════════════════════════════════════════════════════════════════════════════════
-- Vouchers in every state. Codes are fixed so they can be typed in the demo.
-- ════════════════════════════════════════════════════════════════════════════════
insert into public.vouchers (id, user_id, station_scope, campaign_id, amount, code5, issued_at, expires_at, created_by, metadata)
select ('d0000000-0000-4000-8000-0000000000' || lpad(v.n::text, 2, '0'))::uuid,
       ('c0000000-0000-4000-8000-0000000000' || lpad(v.driver::text, 2, '0'))::uuid,
       v.scope, v.campaign, v.amount, v.code5,
       now() - make_interval(days => v.age_days), now() - make_interval(days => v.age_days) + make_interval(days => v.valid_days),
       'a0000000-0000-4000-8000-000000000003', jsonb_build_object('note', v.note)
  from (values
    (1, 1, null::uuid, null::uuid, 5000.00, '7K3QX', 1, 30, 'issued, not yet sent'),
    (2, 2, null, null, 10000.00, 'M4P2R', 0, 30, 'issued today'),
    (3, 3, 'b0000000-0000-4000-8000-000000000001'::uuid, null, 3000.00, 'TZ8HW', 2, 14, 'issued, Kacyiru only'),
    (4, 5, null, 'e0000000-0000-4000-8000-000000000002'::uuid, 5000.00, 'A9NVC', 5, 30, 'sent by the November campaign'),
    (5, 6, null, 'e0000000-0000-4000-8000-000000000002'::uuid, 5000.00, 'B2KDQ', 5, 30, 'sent by the November campaign'),
    (6, 7, 'b0000000-0000-4000-8000-000000000002'::uuid, null, 8000.00, 'C7FJM', 3, 21, 'sent, Nyabugogo only'),
    (7, 8, null, null, 5000.00, 'D3GRT', 4, 30, 'redeemed at Kacyiru'),
    (8, 9, null, 'e0000000-0000-4000-8000-000000000002'::uuid, 5000.00, 'E6HWX', 5, 30, 'redeemed at Kacyiru, offline'),
    (9, 10, 'b0000000-0000-4000-8000-000000000001'::uuid, null, 2000.00, 'F8JYZ', 2, 14, 'redeemed at Kacyiru'),
    (10, 12, null, null, 15000.00, 'G5KZ0', 6, 30, 'redeemed at Nyabugogo'),
    (11, 13, null, null, 4000.00, 'H1MA2', 3, 30, 'redeemed at Nyabugogo'),
    (12, 14, null, null, 5000.00, 'J4NB3', 40, 30, 'expired before it was sent'),
    (13, 4, null, null, 5000.00, 'K7PC4', 35, 30, 'expired after it was sent'),
    (14, 1, null, null, 6000.00, 'N2QD5', 8, 30, 'voided before sending: wrong number'),
    (15, 2, null, null, 7000.00, 'P9RE6', 7, 30, 'voided after sending: duplicate')
  ) as v (n, driver, scope, campaign, amount, code5, age_days, valid_days, note)
on conflict (id) do nothing;

do $$
declare
  voucher record;
  step text;
begin
  for voucher in
    select v.id, v.issued_at, plan.path, plan.station, plan.offline
      from public.vouchers v
      join (values
        ('d0000000-0000-4000-8000-000000000004'::uuid, '{sent}'::text[], null::uuid, false),
        ('d0000000-0000-4000-8000-000000000005'::uuid, '{sent}', null, false),
        ('d0000000-0000-4000-8000-000000000006'::uuid, '{sent}', null, false),
        ('d0000000-0000-4000-8000-000000000007'::uuid, '{sent,redeemed}', 'b0000000-0000-4000-8000-000000000001'::uuid, false),
        ('d0000000-0000-4000-8000-000000000008'::uuid, '{sent,redeemed}', 'b0000000-0000-4000-8000-000000000001'::uuid, true),
        ('d0000000-0000-4000-8000-000000000009'::uuid, '{sent,redeemed}', 'b0000000-0000-4000-8000-000000000001'::uuid, false),
        ('d0000000-0000-4000-8000-000000000010'::uuid, '{sent,redeemed}', 'b0000000-0000-4000-8000-000000000002'::uuid, false),
        ('d0000000-0000-4000-8000-000000000011'::uuid, '{sent,redeemed}', 'b0000000-0000-4000-8000-000000000002'::uuid, false),
        ('d0000000-0000-4000-8000-000000000012'::uuid, '{expired}', null, false),
        ('d0000000-0000-4000-8000-000000000013'::uuid, '{sent,expired}', null, false),
        ('d0000000-0000-4000-8000-000000000014'::uuid, '{void}', null, false),
        ('d0000000-0000-4000-8000-000000000015'::uuid, '{sent,void}', null, false)
      ) as plan (id, path, station, offline) on plan.id = v.id
     where v.status = 'issued'
  loop
    foreach step in array voucher.path loop
      perform set_config('app.voucher_event_context', case
        when step = 'sent' then '{"channel": "whatsapp", "seed": true}'
        when step = 'redeemed' then jsonb_build_object('offline', voucher.offline, 'seed', true)::text
        when step = 'void' then '{"reason": "demo data", "seed": true}'
        else '{"seed": true}' end, true);
      update public.vouchers
         set status = step,
             redeemed_at = case when step = 'redeemed' then voucher.issued_at + interval '1 day' end,
             redeemed_station_id = case when step = 'redeemed' then voucher.station end
       where id = voucher.id;
    end loop;
  end loop;
  perform set_config('app.voucher_event_context', '', true);
end
$$;

-- Spread the timeline over the vouchers' lives (the triggers stamped it "now").
update public.voucher_events e
   set created_at = case e.event_type
         when 'issued' then v.issued_at
         when 'sent' then v.issued_at + interval '10 minutes'
         when 'redeemed' then v.redeemed_at
         when 'expired' then v.expires_at
         else v.issued_at + interval '2 hours' end
  from public.vouchers v
 where v.id = e.voucher_id and v.id::text like 'd0000000-%';

-- The redemption records behind the redeemed vouchers.
insert into public.voucher_redemptions (idempotency_key, voucher_id, code5, station_id, operator_id, captured_at, received_at,
                                        offline, request_hash, result_code, result)
select md5('seed-redemption-' || v.id)::uuid, v.id, v.code5, v.redeemed_station_id,
       case v.redeemed_station_id when 'b0000000-0000-4000-8000-000000000001' then 'a0000000-0000-4000-8000-000000000005'::uuid
                                  else 'a0000000-0000-4000-8000-000000000006'::uuid end,
       v.redeemed_at, v.redeemed_at + case when (v.metadata ->> 'note') like '%offline%' then interval '3 hours' else interval '2 seconds' end,
       (v.metadata ->> 'note') like '%offline%', md5('seed-request-' || v.id), 'redeemed',
       jsonb_build_object('status', 'redeemed', 'voucher_id', v.id, 'amount', v.amount, 'currency', v.currency)
  from public.vouchers v
 where v.status = 'redeemed' and v.id::text like 'd0000000-%'
on conflict (idempotency_key) do nothing;

-- ════════════════════════════════════════════════════════════════════════════════
-- Insurance quotes in each status. Their documents are generated into the `docs`
-- bucket by the local stack (packages/stack/src/seed-documents.ts).
-- ════════════════════════════════════════════════════════════════════════════════
insert into public.insurance_quotes (id, user_id, uploaded_docs, metadata, created_at, submitted_at)
select q.id, q.driver, array[q.id || '/national-id.png', q.id || '/vehicle-registration.png', q.id || '/previous-certificate.pdf'],
       jsonb_build_object('ocr', jsonb_build_object('plate', q.plate, 'owner', q.owner, 'vehicle', q.vehicle, 'confidence', 0.91)),
       now() - q.age, now() - q.age
  from (values
    ('f0000000-0000-4000-8000-000000000001'::uuid, 'c0000000-0000-4000-8000-000000000002'::uuid, 'RAC 412D', 'Claudine Uwase', 'Toyota Corolla 2012', interval '3 hours'),
    ('f0000000-0000-4000-8000-000000000002'::uuid, 'c0000000-0000-4000-8000-000000000004'::uuid, 'RAE 118B', 'Aimable Mugisha', 'Isuzu NPR 2016', interval '3 days'),
    ('f0000000-0000-4000-8000-000000000003'::uuid, 'c0000000-0000-4000-8000-000000000001'::uuid, 'RB 733M', 'Jean Bosco Habimana', 'TVS Apache 2021', interval '9 days'),
    ('f0000000-0000-4000-8000-000000000004'::uuid, 'c0000000-0000-4000-8000-000000000005'::uuid, 'RAD 950A', 'Divine Ingabire', 'Suzuki Swift 2018', interval '5 days'),
    ('f0000000-0000-4000-8000-000000000005'::uuid, 'c0000000-0000-4000-8000-000000000009'::uuid, 'RAF 207C', 'Alice Umutoni', 'Toyota Hiace 2015', interval '30 hours'),
    ('f0000000-0000-4000-8000-000000000006'::uuid, 'c0000000-0000-4000-8000-000000000012'::uuid, 'RAB 564K', 'Theogene Bizimana', 'Mitsubishi Fuso 2011', interval '25 minutes')
  ) as q (id, driver, plate, owner, vehicle, age)
on conflict (id) do nothing;

update public.insurance_quotes
   set premium = 84000, insurer = 'SONARWA', status = 'approved'
 where id = 'f0000000-0000-4000-8000-000000000003' and status = 'pending';
update public.insurance_quotes
   set status = 'needs_changes', change_reason = 'document_unreadable',
       reviewer_comment = 'The registration photo is blurred: please send a sharper picture of the yellow card.'
 where id = 'f0000000-0000-4000-8000-000000000004' and status = 'pending';
