-- Indexes for the admin panel's voucher list (GET /admin/vouchers), found with
-- `pnpm bench admin` on 1,000,000 vouchers (plans in bench/README.md).
--
-- On the existing (large) vouchers table, create these CONCURRENTLY by hand before
-- deploying (migrations run in a transaction, where CONCURRENTLY is not allowed); these
-- statements then find them and do nothing.

-- The list's default order: newest first, missing dates last, ties by id. The expression
-- is the one voucher-queries.ts sorts by, word for word (CASE rather than coalesce: under
-- RLS only a leak-proof condition may become an index condition, so the keyset cursor of
-- a deep page is a starting point in this index rather than a filter over the rows
-- before it). Without it, every page sorted the whole table.
create index if not exists vouchers_list_issued_at_idx
  on public.vouchers ((case when issued_at is null then '-infinity'::timestamptz else issued_at end) desc, id desc);

-- The list's totals (count and sum over the whole filtered set) by status: an index-only
-- scan of this narrow index instead of reading every row of that status (97 ms instead of
-- 180 ms for the 563,000 redeemed of 1,000,000). redeemed_station_id is there for the RLS
-- policy, which reads it on every row. (Unfiltered totals are index-only too, from this
-- index or vouchers_redeemed_station_activity_idx, whichever is smaller.)
create index if not exists vouchers_status_totals_idx
  on public.vouchers (status) include (amount, redeemed_station_id);
