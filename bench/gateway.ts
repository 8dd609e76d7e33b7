/**
 * Request latency through the local stack, as ratios against baselines measured in the
 * same run on the same machine (absolute numbers vary by machine).
 *
 *   gateway floor     GET /health on the gateway (Node HTTP, no work)
 *   auth check        GET /auth/v1/user: what every function call spends authenticating
 *   function direct   GET /admin/me on the Deno process itself (auth check + SQL as caller)
 *   function via gw   GET /functions/v1/admin/me (adds the proxy hop and verify_jwt)
 */
import type { EphemeralStack } from '../packages/stack/src/ephemeral.ts';
import { accessToken } from './session.ts';

const WARMUP = 50;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);

interface Sample {
  name: string;
  p50: number;
  p95: number;
  mean: number;
}

async function measure(name: string, url: string, headers: Record<string, string>): Promise<Sample> {
  const once = async () => {
    const started = performance.now();
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
    return performance.now() - started;
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await once());
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { name, p50: at(0.5), p95: at(0.95), mean: times.reduce((a, b) => a + b, 0) / times.length };
}

export async function gatewayBench(stack: EphemeralStack): Promise<void> {
  const { SUPABASE_URL: url, SUPABASE_ANON_KEY: anon } = stack.env;
  const token = await accessToken(stack, 'admin@easymo.test');
  const bearer = { authorization: `Bearer ${token}`, apikey: anon };
  const port = stack.functionPort('admin');

  const floor = await measure('gateway floor (GET /health)', `${url}/health`, {});
  const auth = await measure('auth check (GET /auth/v1/user)', `${url}/auth/v1/user`, bearer);
  const direct = await measure('function direct (Deno, /admin/me)', `http://127.0.0.1:${port}/admin/me`, bearer);
  const gateway = await measure(
    'function via gateway (/functions/v1/admin/me)',
    `${url}/functions/v1/admin/me`,
    bearer,
  );

  console.log(`\n${REQUESTS} sequential requests each after ${WARMUP} warm-up (ms)`);
  console.log(`${'scenario'.padEnd(48)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'mean'.padStart(7)}`);
  for (const s of [floor, auth, direct, gateway]) {
    console.log(
      `${s.name.padEnd(48)} ${s.p50.toFixed(2).padStart(7)} ${s.p95.toFixed(2).padStart(7)} ${s.mean.toFixed(2).padStart(7)}`,
    );
  }
  const ratio = (a: Sample, b: Sample) => (a.mean / b.mean).toFixed(2);
  console.log('\nratios (mean)');
  console.log(`  via gateway / direct          ${ratio(gateway, direct)}  (cost of the proxy hop and verify_jwt)`);
  console.log(
    `  direct / auth check           ${ratio(direct, auth)}  (auth check + SQL as caller + Hono, over the auth check alone)`,
  );
  console.log(`  auth check / gateway floor    ${ratio(auth, floor)}  (GoTrue stand-in work over an empty request)`);
}
