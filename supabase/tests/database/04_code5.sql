-- app.generate_code5(): 200,000 vouchers get 200,000 distinct codes of the Crockford
-- alphabet. At this volume about 600 random draws collide with an earlier code (birthday
-- bound: n²/2N with N = 32^5), so the retry-on-collision path is exercised for real.
begin;
set local search_path = public, extensions, tests;
select plan(6);

-- Only the code matters here: skip audit, events and transitions for speed (rolled back).
alter table public.vouchers disable trigger user;

do $$
begin
  for i in 1..200000 loop
    insert into public.vouchers (user_id, amount) values ('c0000000-0000-4000-8000-000000000001', 1);
  end loop;
end
$$;

select is((select count(*)::int from public.vouchers where amount = 1), 200000, '200,000 vouchers were issued');
select is((select count(distinct code5)::int from public.vouchers), (select count(*)::int from public.vouchers),
  'no two vouchers share a code');
select is((select count(*)::int from public.vouchers where code5 !~ '^[0-9A-HJKMNP-TV-Z]{5}$'), 0,
  'every code is 5 characters of 0-9 A-Z without I, L, O, U');
select is((select count(*)::int from public.vouchers where code5 ~ '[ILOU]'), 0, 'no ambiguous letter ever appears');
-- Uniform draw: each of the 32 characters should appear about 1/32 of the time in every
-- position; 200,000 samples put each share within ±10% of that with overwhelming odds.
select ok((select bool_and(share between 0.9 / 32 and 1.1 / 32) from (
  select count(*)::numeric / 200000 as share
    from public.vouchers, generate_series(1, 5) as pos
   where amount = 1
   group by pos, substr(code5, pos, 1)) s), 'characters are drawn uniformly in every position');
select is((select count(distinct substr(code5, 1, 1))::int from public.vouchers where amount = 1), 32,
  'all 32 characters are used');

select * from finish();
rollback;
