-- The dashboard's station activity (view_active_bars: each station's redemptions of the
-- last 7 days and their amount) read every one of those vouchers' rows for its amount:
-- 177 ms on 1,000,000 vouchers, 8 ms once the amount is in the index and the read is
-- index-only (`pnpm bench admin`, bench/README.md). The new index has the old one's key
-- columns, so it also serves what that one did (the voucher list's station filter, the
-- last redemption per station); the old one is dropped rather than kept as a duplicate
-- every write would maintain.
--
-- On the existing (large) vouchers table, create the index CONCURRENTLY by hand before
-- deploying (migrations run in a transaction, where CONCURRENTLY is not allowed); this
-- statement then finds it and does nothing.
create index if not exists vouchers_redeemed_station_activity_idx
  on public.vouchers (redeemed_station_id, redeemed_at desc) include (amount);
drop index if exists public.vouchers_redeemed_station_id_idx;
