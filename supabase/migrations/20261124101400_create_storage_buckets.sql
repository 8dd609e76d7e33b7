-- The four private buckets of the data model and who may touch their objects. Storage
-- asks these policies as the caller; nothing here is public.
--
--   vouchers        voucher card PNGs     read: admins     write: super_admin, data_ops
--   qr              bare QR images        read: admins     write: super_admin, data_ops
--   campaign-media  campaign attachments  read: admins     write: super_admin, support
--   docs            insurance uploads     read and decide: super_admin, support; written by the WhatsApp side (service role)

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types) values
  ('vouchers', 'vouchers', false, 2097152, '{image/png}'),
  ('qr', 'qr', false, 1048576, '{image/png}'),
  ('campaign-media', 'campaign-media', false, 16777216, '{image/png,image/jpeg,image/webp,video/mp4,application/pdf}'),
  ('docs', 'docs', false, 10485760, '{image/png,image/jpeg,image/webp,application/pdf}')
on conflict (id) do nothing;

create policy "admins read voucher cards and QR codes"
  on storage.objects for select to authenticated
  using (bucket_id in ('vouchers', 'qr') and (select app.is_admin()));
create policy "voucher issuers store voucher cards and QR codes"
  on storage.objects for insert to authenticated
  with check (bucket_id in ('vouchers', 'qr') and (select app.has_any_role('{super_admin,data_ops}')));
create policy "voucher issuers replace voucher cards and QR codes"
  on storage.objects for update to authenticated
  using (bucket_id in ('vouchers', 'qr') and (select app.has_any_role('{super_admin,data_ops}')))
  with check (bucket_id in ('vouchers', 'qr') and (select app.has_any_role('{super_admin,data_ops}')));
create policy "voucher issuers delete voucher cards and QR codes"
  on storage.objects for delete to authenticated
  using (bucket_id in ('vouchers', 'qr') and (select app.has_any_role('{super_admin,data_ops}')));

create policy "admins read campaign media"
  on storage.objects for select to authenticated
  using (bucket_id = 'campaign-media' and (select app.is_admin()));
create policy "campaign runners store campaign media"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'campaign-media' and (select app.has_any_role('{super_admin,support}')));
create policy "campaign runners replace campaign media"
  on storage.objects for update to authenticated
  using (bucket_id = 'campaign-media' and (select app.has_any_role('{super_admin,support}')))
  with check (bucket_id = 'campaign-media' and (select app.has_any_role('{super_admin,support}')));
create policy "campaign runners delete campaign media"
  on storage.objects for delete to authenticated
  using (bucket_id = 'campaign-media' and (select app.has_any_role('{super_admin,support}')));

-- Identity papers: only the people who review quotes open them.
create policy "reviewers read insurance documents"
  on storage.objects for select to authenticated
  using (bucket_id = 'docs' and (select app.has_any_role('{super_admin,support}')));
create policy "super admins delete insurance documents"
  on storage.objects for delete to authenticated
  using (bucket_id = 'docs' and (select app.has_role('super_admin')));
