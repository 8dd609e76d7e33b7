/** Small helpers the request benchmarks share: percentiles, milliseconds, checks, list cursors. */

/** Milliseconds as the tables print them. */
export const ms = (value: number) => value.toFixed(2);

/** The q-quantile (0.5, 0.95) of some timings, nearest rank. */
export function pct(times: number[], q: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Stops the benchmark when an answer is wrong: a fast wrong answer measures nothing. */
export function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** The keyset cursor the admin lists give out for a row (supabase/functions/admin/cursor.ts encodeCursor). */
export function cursorFor(key: string, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}
