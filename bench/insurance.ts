/**
 * The insurance review queue on a large table (issue 8): `BENCH_QUOTES` quotes (default
 * 200,000) of 2,000 drivers, submitted over a year, seeded straight into Postgres (triggers
 * off, as admin-seed.ts explains: the audit chain would make the seed something else);
 * 2 % still pending, 3 % waiting for changes, the rest approved. Then, through the gateway
 * as the demo support admin:
 *
 *   baseline       GET admin/me: auth check + one SQL statement as the caller (the floor)
 *   queue          GET admin/insurance-quotes: the first page (pending first) and the counts
 *   deep page      the same from a keyset cursor half-way down the queue
 *   pending only   ?status=pending
 *   insurer        ?insurer=Radiant
 *   number search  ?q=<6 digits of a driver's number>
 *   one quote      GET admin/insurance-quotes/:id (history from the audit log, no documents)
 *
 * Each answer is checked against SQL first. Requests are sequential and interleaved round
 * by round; p50/p95 are divided by the baseline's. BENCH_QUOTES and BENCH_QUOTE_SAMPLES
 * (default 100) scale it.
 */
import postgres from 'postgres';
import type { EphemeralStack } from '../packages/stack/src/ephemeral.ts';
import { check, cursorFor, ms, pct } from './measure.ts';
import { accessToken } from './session.ts';

const QUOTES = Number(process.env.BENCH_QUOTES ?? 200_000);
const SAMPLES = Number(process.env.BENCH_QUOTE_SAMPLES ?? 100);
const WARMUP = 5;
const DRIVERS = 2000;

interface QuotePage {
  items: { id: string; status: string; insurer: string | null; driver: { msisdn: string } | null }[];
  next_cursor: string | null;
  counts: { pending: number; approved: number; needs_changes: number };
}

async function seedQuotes(sql: postgres.Sql): Promise<number> {
  const started = performance.now();
  await sql`set session_replication_role = replica`;
  await sql`select setseed(0.0825)`;
  await sql`
    insert into public.users (msisdn, display_name, locale, created_at)
    select '+25073' || lpad(((n * 7919 + 7654321) % 10000000)::text, 7, '0'), 'Quote driver ' || n, 'rw',
           now() - interval '400 days'
      from generate_series(1, ${DRIVERS}) n
    on conflict (msisdn) do nothing`;
  await sql`
    insert into public.insurance_quotes (user_id, uploaded_docs, premium, insurer, status, reviewer_comment,
                                         change_reason, approved_at, metadata, created_at, submitted_at, updated_at)
    select u.id, array[q.id || '/national-id.png', q.id || '/vehicle-registration.png'],
           case when q.kind = 'approved' then 20000 + (q.n % 300) * 1000 end,
           case when q.kind = 'approved' then (array['SONARWA', 'Radiant', 'Sanlam', 'Britam', 'Prime Insurance'])[1 + q.n % 5] end,
           q.kind,
           case when q.kind = 'needs_changes' then 'Please send a sharper photo.' end,
           case when q.kind = 'needs_changes' then 'document_unreadable' end,
           case when q.kind = 'approved' then q.at + interval '5 hours' end,
           jsonb_build_object('ocr', jsonb_build_object('plate', 'RA' || q.n, 'confidence', 0.9)),
           q.at, q.at, q.at
      from (select gen_random_uuid()::text as id, n, now() - random() * interval '365 days' as at,
                   case when r < 0.02 then 'pending' when r < 0.05 then 'needs_changes' else 'approved' end as kind
              from (select n, random() as r from generate_series(1, ${QUOTES}) n) draws) q
      join public.users u on u.display_name = 'Quote driver ' || (1 + q.n % ${DRIVERS})`;
  await sql`set session_replication_role = origin`;
  await sql`vacuum (analyze) public.insurance_quotes, public.users`;
  return performance.now() - started;
}

export async function insuranceBench(stack: EphemeralStack): Promise<void> {
  const { SUPABASE_URL: url, SUPABASE_ANON_KEY: anon, SUPABASE_DB_URL: dbUrl } = stack.env;
  const sql = postgres(dbUrl, { max: 1, onnotice: () => undefined });
  try {
    console.log(`\nseeding ${QUOTES.toLocaleString('en')} insurance quotes of ${DRIVERS} drivers`);
    console.log(`  seeded in ${((await seedQuotes(sql)) / 1000).toFixed(1)} s`);

    const token = await accessToken(stack, 'support@easymo.test');
    const get = async (path: string) => {
      const started = performance.now();
      const response = await fetch(`${url}/functions/v1/${path}`, {
        headers: { apikey: anon, authorization: `Bearer ${token}` },
      });
      const body = await response.text();
      const elapsed = performance.now() - started;
      if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${body.slice(0, 300)}`);
      return { elapsed, json: <T>() => JSON.parse(body) as T };
    };

    // ── Parameters and the answers they must give, from SQL ─────────────────────────────
    const [counts] = await sql<{ pending: number; approved: number; needs_changes: number }[]>`
      select count(*) filter (where status = 'pending')::int as pending,
             count(*) filter (where status = 'approved')::int as approved,
             count(*) filter (where status = 'needs_changes')::int as needs_changes
        from public.insurance_quotes`;
    const queueAt = async (offset: number) => {
      const [row] = await sql<{ id: string; key: string }[]>`
        select id, (case when status = 'pending' then '0|' else '1|' end) || submitted_at::text as key
          from public.insurance_quotes order by (status <> 'pending'), submitted_at, id offset ${offset} limit 1`;
      if (!row) throw new Error(`no quote at position ${offset}`);
      return row;
    };
    const total = (counts?.pending ?? 0) + (counts?.approved ?? 0) + (counts?.needs_changes ?? 0);
    const middle = await queueAt(Math.floor(total / 2));
    const [driver] = await sql<{ msisdn: string; quotes: number }[]>`
      select u.msisdn, count(*)::int as quotes from public.users u join public.insurance_quotes q on q.user_id = u.id
       where u.display_name = 'Quote driver 1000' group by u.msisdn`;
    const [one] = await sql<{ id: string }[]>`
      select id from public.insurance_quotes where status = 'approved' order by submitted_at desc limit 1`;
    if (!driver || !one) throw new Error('the seeded driver or quote is missing');
    const digits = driver.msisdn.slice(-6);

    const first = (await get('admin/insurance-quotes')).json<QuotePage>();
    check(JSON.stringify(first.counts) === JSON.stringify(counts), 'the counts are the table’s');
    check(first.items[0]?.id === (await queueAt(0)).id, 'the queue starts with the longest-waiting pending quote');
    check(
      first.items.every((q) => q.status === 'pending'),
      'the first page is all pending',
    );
    const deep = (await get(`admin/insurance-quotes?cursor=${cursorFor(middle.key, middle.id)}`)).json<QuotePage>();
    check(deep.items[0]?.id === (await queueAt(Math.floor(total / 2) + 1)).id, 'the deep page follows its cursor');
    const byNumber = (await get(`admin/insurance-quotes?q=${digits}&limit=200`)).json<QuotePage>();
    check(
      byNumber.items.length >= driver.quotes && byNumber.items.every((q) => q.driver?.msisdn.includes(digits)),
      `the number search finds the driver's ${driver.quotes} quotes and only numbers with ${digits}`,
    );

    const scenarios = [
      { name: 'baseline: admin/me', path: 'admin/me' },
      { name: 'queue: first page + counts', path: 'admin/insurance-quotes' },
      { name: 'queue: deep page', path: `admin/insurance-quotes?cursor=${cursorFor(middle.key, middle.id)}` },
      { name: 'queue: pending only', path: 'admin/insurance-quotes?status=pending' },
      { name: 'queue: insurer', path: 'admin/insurance-quotes?insurer=Radiant' },
      { name: 'queue: part of a number', path: `admin/insurance-quotes?q=${digits}` },
      { name: 'one quote (no documents)', path: `admin/insurance-quotes/${one.id}` },
    ].map((s) => ({ ...s, times: [] as number[] }));

    for (let round = 0; round < WARMUP; round++) for (const s of scenarios) await get(s.path);
    for (let round = 0; round < SAMPLES; round++) for (const s of scenarios) s.times.push((await get(s.path)).elapsed);

    const base = scenarios[0]?.times ?? [];
    console.log(
      `\n${QUOTES.toLocaleString('en')} quotes (${counts?.pending.toLocaleString('en')} pending): sequential ` +
        `requests through the gateway as support, ${SAMPLES} samples each (ms)`,
    );
    console.log(
      `${'scenario'.padEnd(30)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p50/base'.padStart(9)} ${'p95/base'.padStart(9)}`,
    );
    for (const s of scenarios) {
      console.log(
        `${s.name.padEnd(30)} ${ms(pct(s.times, 0.5)).padStart(8)} ${ms(pct(s.times, 0.95)).padStart(8)} ` +
          `${(pct(s.times, 0.5) / pct(base, 0.5)).toFixed(2).padStart(9)} ${(pct(s.times, 0.95) / pct(base, 0.95)).toFixed(2).padStart(9)}`,
      );
    }
  } finally {
    await sql.end();
  }
}
