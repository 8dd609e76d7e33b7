-- Voucher codes: 5 characters of Crockford base32 (0-9 A-Z without I L O U: 32^5 ≈ 33.5 M
-- codes), drawn from pgcrypto's cryptographic random bytes and retried until unused.
-- Unique forever: a code is never reused, whatever the voucher's state.

create function app.generate_code5() returns char(5)
language plpgsql volatile security definer set search_path = '' as $$
declare
  alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  bytes bytea;
  drawn text;
  -- char(5), like vouchers.code5: comparing as text would bypass the unique index.
  code char(5);
begin
  loop
    bytes := extensions.gen_random_bytes(5);
    -- 256 is a multiple of 32: every character is equally likely.
    drawn := '';
    for i in 0..4 loop
      drawn := drawn || substr(alphabet, (get_byte(bytes, i) % 32) + 1, 1);
    end loop;
    code := drawn;
    -- security definer: the check must see every voucher, whatever the caller may read.
    exit when not exists (select 1 from public.vouchers v where v.code5 = code);
  end loop;
  return code;
end
$$;
comment on function app.generate_code5() is
  'A fresh, unused 5-character Crockford base32 voucher code (cryptographically random).';

revoke all on function app.generate_code5() from public, anon;
grant execute on function app.generate_code5() to authenticated, service_role;
