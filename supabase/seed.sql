-- Demo data for local stacks (`pnpm dev`, `pnpm test`, `supabase start`). Never run
-- against a production project. Idempotent: `pnpm stack seed` may run it again.
--
-- Demo accounts all use the password in packages/stack/src/demo.ts. Users are written the
-- way GoTrue reads them: nil instance_id, aud/role 'authenticated', confirmed email,
-- empty-string token columns (NULLs make GoTrue fail with "Database error querying
-- schema"), plus the email identity GoTrue's admin API would create.

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
    ('a0000000-0000-4000-8000-000000000005'::uuid, 'operator@easymo.test', 'Olivier Operator')
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
