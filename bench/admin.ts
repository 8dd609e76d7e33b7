/**
 * Admin panel reads on a large data set (issue 6): 1,000,000 vouchers and 3,000,000
 * voucher events seeded straight into Postgres (admin-seed.ts), then, through the gateway
 * as the demo super admin:
 *
 *   baseline      GET admin/me: auth check + one SQL statement as the caller (the floor)
 *   first page    GET admin/vouchers (default sort: newest first), with totals
 *   deep page     the same from a keyset cursor half-way down the table
 *   code search   GET admin/vouchers?status=redeemed&station=…&q=<code>
 *   phone search  GET admin/vouchers?q=<6 digits of a driver's number>
 *   dashboard     GET admin/dashboard
 *
 * Requests are sequential, interleaved round by round (machine noise falls on every
 * scenario alike); p50/p95 are divided by the baseline's. Before measuring, each answer
 * is checked against SQL (the right rows, the right totals, a 200-page cursor walk).
 * Then each route runs once more with auto_explain in the server: the plans of the
 * handlers' own statements (same SQL, same parameters, as the caller under RLS) are
 * printed from the Postgres log, and any sequential scan of vouchers or voucher_events is
 * flagged.
 *
 * BENCH_ADMIN_VOUCHERS (default 1000000; events are 3×) scales the data set;
 * BENCH_ADMIN_SAMPLES (default 200) and BENCH_ADMIN_WARMUP (default 10) the requests;
 * BENCH_ADMIN_BUDGET (seconds, default 90) caps how long one scenario is sampled (a slow
 * route then reports fewer samples, at least 20); BENCH_ADMIN_PAGES (default 200) the walk.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import postgres from 'postgres';
import type { EphemeralStack } from '../packages/stack/src/ephemeral.ts';
import { clusterHome } from '../packages/stack/src/postgres.ts';
import { seedAdminData } from './admin-seed.ts';
import { check, cursorFor, ms, pct } from './measure.ts';
import { accessToken } from './session.ts';

const VOUCHERS = Number(process.env.BENCH_ADMIN_VOUCHERS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_ADMIN_SAMPLES ?? 200);
const WARMUP = Number(process.env.BENCH_ADMIN_WARMUP ?? 10);
const BUDGET_MS = Number(process.env.BENCH_ADMIN_BUDGET ?? 90) * 1000;
const MIN_SAMPLES = 20;
const WALK_PAGES = Number(process.env.BENCH_ADMIN_PAGES ?? 200);
const PAGE = 50; // the list's default limit

/** The default order of the list, as voucher-queries.ts writes it. */
const ORDER_KEY = `(case when issued_at is null then '-infinity'::timestamptz else issued_at end)`;

interface Scenario {
  name: string;
  path: string;
  times: number[];
  spent: number;
}

interface Page {
  items: {
    id: string;
    code5: string;
    status: string;
    redeemed_station_id: string | null;
    station_scope: string | null;
  }[];
  next_cursor: string | null;
  totals: { count: number; amount: number };
}

export async function adminBench(stack: EphemeralStack): Promise<void> {
  const { SUPABASE_URL: url, SUPABASE_ANON_KEY: anon, SUPABASE_DB_URL: dbUrl } = stack.env;
  const connect = () =>
    postgres(dbUrl, { max: 1, onnotice: () => undefined, connection: { application_name: 'bench' } });

  console.log(`\nseeding ${VOUCHERS.toLocaleString('en')} vouchers and ${(3 * VOUCHERS).toLocaleString('en')} events`);
  const seeded = await seedAdminData(connect, VOUCHERS, (line) => console.log(line));
  console.log(
    `  seeded ${seeded.vouchers.toLocaleString('en')} vouchers and ${seeded.events.toLocaleString('en')} events: ` +
      `vouchers ${(seeded.vouchersMs / 1000).toFixed(1)} s, events ${(seeded.eventsMs / 1000).toFixed(1)} s, ` +
      `daily rollup ${(seeded.rollupMs / 1000).toFixed(1)} s, vacuum analyze ${(seeded.vacuumMs / 1000).toFixed(1)} s`,
  );

  const sql = connect();
  try {
    const token = await accessToken(stack, 'admin@easymo.test');
    const get = async (path: string) => {
      const started = performance.now();
      const response = await fetch(`${url}/functions/v1/${path}`, {
        headers: { apikey: anon, authorization: `Bearer ${token}` },
      });
      const body = await response.text();
      const elapsed = performance.now() - started;
      if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${body.slice(0, 300)}`);
      return { elapsed, json: () => JSON.parse(body) as unknown };
    };

    // ── The scenarios' parameters, from the seeded data ──────────────────────────────────
    const [station] = await sql<{ id: string }[]>`select id from public.stations where engencode = 'BENCH-007'`;
    // A code with three digits or more: q then searches codes and phone numbers both.
    const [target] = await sql<{ id: string; code5: string }[]>`
      select v.id, v.code5::text from public.vouchers v
       where v.redeemed_station_id = ${station?.id ?? null} and v.status = 'redeemed'
         and v.code5 ~ '^([^0-9]*[0-9]){3}'
       order by v.code5 limit 1`;
    const [driver] = await sql<{ msisdn: string }[]>`
      select u.msisdn from public.users u where u.display_name = 'Bench driver 1000'`;
    if (!station || !target || !driver) throw new Error('the seeded station, voucher or driver is missing');
    const digits = driver.msisdn.slice(-6);
    const [{ total = 0 } = {}] = await sql<{ total: number }[]>`select count(*)::int as total from public.vouchers`;
    const [{ phoneTotal = 0 } = {}] = await sql<{ phoneTotal: number }[]>`
      select count(*)::int as "phoneTotal" from public.vouchers v join public.users u on u.id = v.user_id
       where u.msisdn like ${`%${digits}%`}`;
    const middle = Math.floor(total / 2);
    const rowAt = async (offset: number) => {
      const [row] = await sql<{ key: string; id: string }[]>`
        select ${sql.unsafe(ORDER_KEY)}::text as key, id from public.vouchers
         order by ${sql.unsafe(ORDER_KEY)} desc, id desc offset ${offset} limit 1`;
      if (!row) throw new Error(`no voucher at position ${offset}`);
      return row;
    };
    const deep = await rowAt(middle);

    const scenarios: Scenario[] = [
      { name: 'baseline: admin/me', path: 'admin/me' },
      { name: 'list: first page', path: 'admin/vouchers' },
      {
        name: `list: deep page (row ${middle.toLocaleString('en')})`,
        path: `admin/vouchers?cursor=${cursorFor(deep.key, deep.id)}`,
      },
      {
        name: 'list: status + station + code',
        path: `admin/vouchers?status=redeemed&station=${station.id}&q=${target.code5}`,
      },
      { name: 'list: part of a phone number', path: `admin/vouchers?q=${digits}` },
      { name: 'dashboard', path: 'admin/dashboard' },
    ].map((s) => ({ ...s, times: [], spent: 0 }));

    // ── Answers checked against SQL before anything is timed ─────────────────────────────
    const page = async (path: string) => (await get(path)).json() as Page;
    const first = await page('admin/vouchers');
    check(first.items.length === PAGE, `the first page holds ${PAGE} vouchers`);
    check(first.totals.count === total, `totals count every voucher (${first.totals.count} vs ${total})`);
    check(first.items[0]?.id === (await rowAt(0)).id, 'the first page starts with the newest voucher');
    const deepPage = await page(scenarios[2]?.path ?? '');
    check(deepPage.items[0]?.id === (await rowAt(middle + 1)).id, 'the deep page starts right after its cursor');
    const found = await page(scenarios[3]?.path ?? '');
    check(
      found.items.some((v) => v.id === target.id) &&
        found.items.every(
          (v) => v.status === 'redeemed' && (v.redeemed_station_id === station.id || v.station_scope === station.id),
        ),
      'the code search finds the voucher and only redeemed vouchers of the station',
    );
    const byPhone = await page(scenarios[4]?.path ?? '');
    check(byPhone.totals.count === phoneTotal, `the phone search counts the driver's vouchers (${phoneTotal})`);
    const dashboard = await get('admin/dashboard').then(
      (answer) => answer.json() as { daily: Record<string, number | string>[] },
      (error: Error) => {
        console.log(`  dashboard skipped: ${error.message}`);
        return undefined;
      },
    );
    if (!dashboard) scenarios.pop();
    else {
      // The daily series (read from the rollup) against the events counted by time range.
      const counted = await sql<Record<string, number | string>[]>`
        select to_char(d, 'YYYY-MM-DD') as day,
               count(e.id) filter (where e.event_type = 'issued')::int as issued_count,
               coalesce(sum(v.amount) filter (where e.event_type = 'issued'), 0)::float8 as issued_amount,
               count(e.id) filter (where e.event_type = 'sent')::int as sent_count,
               count(e.id) filter (where e.event_type = 'redeemed')::int as redeemed_count,
               coalesce(sum(v.amount) filter (where e.event_type = 'redeemed'), 0)::float8 as redeemed_amount,
               count(e.id) filter (where e.event_type = 'expired')::int as expired_count,
               count(e.id) filter (where e.event_type = 'void')::int as void_count
          from generate_series((now() at time zone 'Africa/Kigali')::date - 29, (now() at time zone 'Africa/Kigali')::date,
                               interval '1 day') as d
          left join public.voucher_events e
            on e.created_at >= d::date::timestamp at time zone 'Africa/Kigali'
           and e.created_at < (d::date + 1)::timestamp at time zone 'Africa/Kigali'
          left join public.vouchers v on v.id = e.voucher_id
         group by d order by d`;
      const fields = Object.keys(counted[0] ?? {});
      const rows = (list: Record<string, number | string>[]) =>
        JSON.stringify(list.map((row) => fields.map((f) => row[f])));
      check(
        counted.length === 30 && rows(dashboard.daily) === rows(counted),
        'the dashboard’s 30 days match the events counted by time range',
      );
    }

    // Following next_cursor page after page lands where OFFSET would.
    let cursor = first.next_cursor;
    const walkStart = performance.now();
    for (let i = 1; i < WALK_PAGES && cursor; i++) cursor = (await page(`admin/vouchers?cursor=${cursor}`)).next_cursor;
    const walkMs = performance.now() - walkStart;
    if (cursor) {
      const next = await page(`admin/vouchers?cursor=${cursor}`);
      check(
        next.items[0]?.id === (await rowAt(WALK_PAGES * PAGE)).id,
        `page ${WALK_PAGES + 1} follows page ${WALK_PAGES}`,
      );
    }
    console.log(
      `  checked: answers match SQL; walked ${WALK_PAGES} pages by next_cursor in ${(walkMs / 1000).toFixed(1)} s ` +
        `(${ms(walkMs / Math.max(1, WALK_PAGES - 1))} ms a page)`,
    );

    // ── Timing ───────────────────────────────────────────────────────────────────────────
    for (let round = 0; round < WARMUP; round++) for (const s of scenarios) await get(s.path);
    for (;;) {
      const due = scenarios.filter(
        (s) => s.times.length < SAMPLES && (s.spent < BUDGET_MS || s.times.length < MIN_SAMPLES),
      );
      if (due.length === 0) break;
      for (const s of due) {
        const { elapsed } = await get(s.path);
        s.times.push(elapsed);
        s.spent += elapsed;
      }
    }
    const [baseline] = scenarios;
    const b50 = pct(baseline?.times ?? [], 0.5);
    const b95 = pct(baseline?.times ?? [], 0.95);
    console.log(
      `\n${VOUCHERS.toLocaleString('en')} vouchers: sequential requests through the gateway as the super admin, ` +
        `${WARMUP} warm-up rounds, up to ${SAMPLES} samples each (ms)`,
    );
    console.log(
      `${'scenario'.padEnd(40)} ${'n'.padStart(4)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'mean'.padStart(8)} ${'p50/base'.padStart(9)} ${'p95/base'.padStart(9)}`,
    );
    for (const s of scenarios) {
      const mean = s.times.reduce((a, b) => a + b, 0) / s.times.length;
      console.log(
        `${s.name.padEnd(40)} ${String(s.times.length).padStart(4)} ${ms(pct(s.times, 0.5)).padStart(8)} ${ms(pct(s.times, 0.95)).padStart(8)} ` +
          `${ms(mean).padStart(8)} ${(pct(s.times, 0.5) / b50).toFixed(2).padStart(9)} ${(pct(s.times, 0.95) / b95).toFixed(2).padStart(9)}`,
      );
    }

    await explainRoutes(stack, sql, scenarios, get);
  } finally {
    await sql.end();
  }
}

/**
 * Runs each route once with auto_explain logging every statement's plan (ANALYZE,
 * BUFFERS), and prints the plans of the statements that read the data. auto_explain is
 * loaded into new sessions only, so this first waits for the function's pooled
 * connections to close (it drops them after 30 s idle).
 */
async function explainRoutes(
  stack: EphemeralStack,
  sql: postgres.Sql,
  scenarios: Scenario[],
  get: (path: string) => Promise<unknown>,
): Promise<void> {
  if (stack.instance.externalDbUrl) {
    console.log('\nplans: skipped (they are read from the log of the stack’s own Postgres cluster)');
    return;
  }
  const logFile = clusterHome(stack.instance).logFile;
  const settings = {
    session_preload_libraries: 'auto_explain',
    'auto_explain.log_min_duration': '0',
    'auto_explain.log_analyze': 'on',
    'auto_explain.log_buffers': 'on',
    'auto_explain.log_timing': 'on',
  };
  // Loaded here too, so that ALTER SYSTEM knows the auto_explain.* settings.
  await sql`load 'auto_explain'`;
  try {
    for (const [name, value] of Object.entries(settings)) await sql.unsafe(`alter system set ${name} = '${value}'`);
    await sql`select pg_reload_conf()`;
    // The function's pool (supabase/functions/_shared/db.ts) closes a connection after 30 s
    // idle; the next request then opens one that loads auto_explain.
    await new Promise((r) => setTimeout(r, 32_000));
    console.log('\nplans (auto_explain in the server: the handlers’ own statements, as the caller)');
    for (const s of scenarios) {
      await get(s.path); // the first call opens a connection and warms its caches
      const from = statSync(logFile).size;
      await get(s.path);
      await new Promise((r) => setTimeout(r, 300)); // the log is written asynchronously
      const plans = readPlans(logFile, from).filter((p) =>
        /public\.(vouchers|voucher_events|users|view_|admin_roles)/.test(p.query),
      );
      if (plans.length === 0) throw new Error(`no plan was logged for ${s.path}: is auto_explain loaded?`);
      const seqScans = plans.flatMap((p) =>
        [...p.plan.matchAll(/Seq Scan on (vouchers|voucher_events)\b/g)].map((m) => m[1]),
      );
      console.log(
        `\n── ${s.name} ── ${seqScans.length === 0 ? 'no sequential scan of vouchers or voucher_events' : `SEQUENTIAL SCAN of ${[...new Set(seqScans)].join(', ')}`}`,
      );
      for (const p of plans) console.log(`${p.query}\n${p.plan}\n`);
    }
  } finally {
    for (const name of Object.keys(settings)) await sql.unsafe(`alter system reset ${name}`);
    await sql`select pg_reload_conf()`;
  }
}

/** auto_explain entries written to the Postgres log after byte `from`: query text and plan. */
function readPlans(logFile: string, from: number): { query: string; plan: string }[] {
  const size = statSync(logFile).size;
  const buffer = Buffer.alloc(Math.max(0, size - from));
  const fd = openSync(logFile, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, from);
  } finally {
    closeSync(fd);
  }
  // An entry starts with the log line prefix (`%m [%p] `); its later lines start with a tab.
  const entries = buffer.toString('utf8').split(/\n(?=\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})/);
  const plans: { query: string; plan: string }[] = [];
  for (const entry of entries) {
    if (!/LOG: {2}duration: [\d.]+ ms {2}plan:/.test(entry)) continue;
    const lines = entry
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^\t/, ''));
    // The query text runs until the plan's first node (the first line with a cost).
    const start = lines.findIndex((line, i) => i > 0 && /^\S.*\(cost=\d/.test(line));
    if (start < 0 || !lines[0]?.startsWith('Query Text: ')) continue;
    plans.push({
      query: lines.slice(0, start).join(' ').replace('Query Text: ', '').replace(/\s+/g, ' ').trim(),
      plan: lines.slice(start).join('\n').trimEnd(),
    });
  }
  return plans;
}
