/**
 * Voucher benchmarks.
 *
 *   redemption   POST /functions/v1/station/redeem at concurrency 1, 16 and 64 (each
 *                request redeems its own voucher), beside the same redemption called
 *                directly in SQL (app.redeem_voucher as the operator, a pool of the same
 *                size): throughput, p50, p99 and the HTTP / SQL ratios.
 *   bulk issue   10,000 vouchers from one CSV through the real path (upload, scheduler
 *                batches as the uploader), then every card rendered, stored and sent to
 *                the WhatsApp sandbox by scheduler ticks: total time and per-voucher cost,
 *                beside rendering alone (card + QR in this process) as the baseline.
 *
 * BENCH_REDEEMS (per level and path, default 400) and BENCH_BULK (default 10000) scale it.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import type { EphemeralStack } from '../packages/stack/src/ephemeral.ts';
import { accessToken, schedulerTick } from './session.ts';
import { qrPng, renderVoucherCard } from '@easymo/render';

const REDEEMS = Number(process.env.BENCH_REDEEMS ?? 400);
const BULK = Number(process.env.BENCH_BULK ?? 10_000);
const LEVELS = [1, 16, 64];
const OPERATOR = 'a0000000-0000-4000-8000-000000000005'; // operator@easymo.test, station Kacyiru
/** Connections each function process holds (supabase/functions/_shared/db.ts). */
const FUNCTION_POOL = 5;

interface Run {
  throughput: number;
  p50: number;
  p99: number;
}

/** Runs `count` jobs with at most `concurrency` in flight; latency of each and the wall time. */
async function load(count: number, concurrency: number, job: (i: number) => Promise<void>): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await job(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wall = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { throughput: (count / wall) * 1000, p50: at(0.5), p99: at(0.99) };
}

export async function sentVouchers(sql: postgres.Sql, count: number): Promise<string[]> {
  const rows = await sql<{ code5: string }[]>`
    with made as (
      insert into public.vouchers (user_id, amount, issued_at)
      select 'c0000000-0000-4000-8000-000000000001', 1000, now() - interval '1 hour' from generate_series(1, ${count})
      returning id, code5
    )
    select code5::text from made`;
  await sql`update public.vouchers set status = 'sent' where code5 = any(${rows.map((r) => r.code5)})`;
  return rows.map((r) => r.code5);
}

async function redemption(stack: EphemeralStack, sql: postgres.Sql): Promise<void> {
  const { SUPABASE_URL: url, SUPABASE_ANON_KEY: anon } = stack.env;
  const token = await accessToken(stack, 'operator@easymo.test');
  const claims = JSON.stringify({ sub: OPERATOR, role: 'authenticated', email: 'operator@easymo.test' });

  console.log(`\nredemption: ${REDEEMS} redeems per level and path, each of its own voucher`);
  console.log(
    `${'concurrency'.padEnd(12)} ${'path'.padEnd(22)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
  );
  const viaHttp = async (code: string) => {
    const response = await fetch(`${url}/functions/v1/station/redeem`, {
      method: 'POST',
      headers: { apikey: anon, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code, idempotency_key: randomUUID(), captured_at: new Date().toISOString() }),
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`redeem over HTTP answered ${response.status}`);
  };
  const viaSql = (pool: postgres.Sql) => async (code: string) => {
    const [row] = await pool.begin(async (tx) => {
      await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims}, true)`;
      return tx<{ answer: { ok: boolean } }[]>`
        select app.redeem_voucher(${randomUUID()}, ${code}, null, now(), false, 'bench') as answer`;
    });
    if (!row?.answer.ok) throw new Error('redeem in SQL was refused');
  };
  /** Warms a path on 20 vouchers, then measures it on REDEEMS more. */
  const measure = async (concurrency: number, redeem: (code: string) => Promise<void>) => {
    const codes = await sentVouchers(sql, REDEEMS + 20);
    for (const code of codes.splice(0, 20)) await redeem(code);
    return load(REDEEMS, concurrency, (i) => redeem(codes[i] ?? ''));
  };

  const ratios: string[] = [];
  for (const concurrency of LEVELS) {
    // The function holds at most FUNCTION_POOL connections; SQL is measured both with as
    // many connections as clients and with the function's pool.
    const pools = [...new Set([concurrency, Math.min(concurrency, FUNCTION_POOL)])];
    const runs: [string, Run][] = [['HTTP (station/redeem)', await measure(concurrency, viaHttp)]];
    for (const size of pools) {
      const pool = postgres(stack.env.SUPABASE_DB_URL, { max: size, prepare: false, onnotice: () => undefined });
      runs.push([`SQL, ${size} connection${size === 1 ? '' : 's'}`, await measure(concurrency, viaSql(pool))]);
      await pool.end();
    }
    for (const [path, run] of runs) {
      console.log(
        `${String(concurrency).padEnd(12)} ${path.padEnd(22)} ${run.throughput.toFixed(0).padStart(8)} ${run.p50.toFixed(2).padStart(8)} ${run.p99.toFixed(2).padStart(8)}`,
      );
    }
    const [, http] = runs[0] as [string, Run];
    for (const [path, direct] of runs.slice(1)) {
      ratios.push(
        `  c=${String(concurrency).padEnd(3)} vs ${path.padEnd(17)} throughput SQL/HTTP ${(direct.throughput / http.throughput).toFixed(2)}   p50 HTTP/SQL ${(http.p50 / direct.p50).toFixed(2)}   p99 HTTP/SQL ${(http.p99 / direct.p99).toFixed(2)}`,
      );
    }
  }
  console.log('\nratios (what the HTTP path costs over the SQL it runs)');
  for (const line of ratios) console.log(line);
}

async function bulk(stack: EphemeralStack, sql: postgres.Sql): Promise<void> {
  const { SUPABASE_URL: url, SUPABASE_ANON_KEY: anon } = stack.env;
  await sql`update public.settings set value = '{}' where key = 'quiet_hours'`;
  await sql`update public.settings set value = '{"whatsapp": {"per_minute": 60000}}' where key = 'send_throttle'`;

  // Baseline: rendering alone, in this process.
  const token = `EM1.7K3QX.0AAAAAAAQACAAAAAAAAAAQ.500000.-.sjhq9c.${'A'.repeat(86)}`;
  const renderRuns = 200;
  const renderStart = performance.now();
  for (let i = 0; i < renderRuns; i++) {
    await renderVoucherCard({
      token,
      code5: '7K3QX',
      amount: 5000,
      currency: 'RWF',
      expiresAt: new Date(),
      programme: 'easyMO fuel',
    });
    await qrPng(token);
  }
  const renderMs = (performance.now() - renderStart) / renderRuns;

  const uploader = await accessToken(stack, 'dataops@easymo.test');
  const rows = Array.from(
    { length: BULK },
    (_, i) => `+2507${String(80_000_000 + i).padStart(8, '0')},${1000 + (i % 50) * 100}`,
  );
  const csv = `msisdn,amount,expires_at\n${rows.map((r) => `${r},2027-12-31`).join('\n')}\n`;
  type Tick = { bulk_rows: number; sends: { attempted: number; sent: number } };
  const tick = (body: object) => schedulerTick<Tick>(stack, body);

  const started = performance.now();
  const upload = await fetch(`${url}/functions/v1/admin/vouchers/bulk`, {
    method: 'POST',
    headers: { apikey: anon, authorization: `Bearer ${uploader}`, 'content-type': 'application/json' },
    body: JSON.stringify({ csv, dry_run: false }),
  });
  if (upload.status !== 202) throw new Error(`bulk upload answered ${upload.status}: ${await upload.text()}`);
  const uploaded = performance.now();
  for (let taken = -1; taken !== 0;) taken = (await tick({ tasks: ['bulk'] })).bulk_rows;
  const issued = performance.now();
  let sent = 0;
  while (sent < BULK) {
    const result = await tick({ tasks: ['sends'], send_batch: 500 });
    if (result.sends.attempted === 0) break;
    sent += result.sends.sent;
    // Progress on one line on a terminal, a line per tick in a log.
    process.stdout.write(
      `${process.stdout.isTTY ? '\r' : ''}  cards sent: ${sent}/${BULK}${process.stdout.isTTY ? '' : '\n'}`,
    );
  }
  const done = performance.now();
  if (process.stdout.isTTY) process.stdout.write('\n');
  const [check] = await sql<{ sent: number }[]>`
    select count(*)::int as sent from public.vouchers where status = 'sent' and png_url is not null
       and metadata ->> 'bulk_job' is not null`;

  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const per = (ms: number) => `${(ms / BULK).toFixed(2)} ms`;
  console.log(`\nbulk issue of ${BULK} vouchers, then every card rendered, stored and sent (${check?.sent} sent)`);
  console.log(
    `  upload + check (POST admin/vouchers/bulk)   ${s(uploaded - started).padStart(9)}   ${per(uploaded - started)} per voucher`,
  );
  console.log(
    `  issue in batches (scheduler, as uploader)   ${s(issued - uploaded).padStart(9)}   ${per(issued - uploaded)} per voucher`,
  );
  console.log(
    `  render + store + send (scheduler)           ${s(done - issued).padStart(9)}   ${per(done - issued)} per voucher`,
  );
  console.log(
    `  total                                       ${s(done - started).padStart(9)}   ${per(done - started)} per voucher`,
  );
  console.log(`  baseline: card + QR rendering alone (Node)               ${renderMs.toFixed(2)} ms per voucher`);
  console.log(
    `  ratio: full send / rendering alone                       ${((done - issued) / BULK / renderMs).toFixed(2)}`,
  );
}

export async function vouchersBench(stack: EphemeralStack): Promise<void> {
  const sql = postgres(stack.env.SUPABASE_DB_URL, { max: 4, onnotice: () => undefined });
  try {
    await redemption(stack, sql);
    await bulk(stack, sql);
  } finally {
    await sql.end();
  }
}
