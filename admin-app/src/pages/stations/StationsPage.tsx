export function StationsPage() {
  return <h1>Stations</h1>;
}
