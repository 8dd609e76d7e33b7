export function VouchersPage() {
  return <h1>Vouchers</h1>;
}
