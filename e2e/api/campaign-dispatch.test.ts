/**
 * The campaign dispatcher against the real database and the WhatsApp sandbox. Most tests
 * run dispatcher passes on a simulated clock in a Deno process of their own
 * (e2e/support/campaign-worker.ts: several workers at once, or a worker that dies between
 * the outbox's steps); the last one is a 10,000-target campaign sent by real scheduler
 * ticks, paused and resumed through the admin API.
 *
 * Campaigns and targets are made in SQL as the superuser (promo campaigns with the
 * weekend_promo template, variables frozen in personalized_vars). Every other running
 * campaign is paused while this file runs, and the throttle's counts are cleared around
 * each test: the simulated clock runs far from the real one.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { denoConfigFlags, denoExecutable } from '../../packages/stack/src/functions.ts';
import type { WorkerOptions, WorkerSummary } from '../support/campaign-worker.ts';
import { db, DEMO, signIn } from '../support/stack.ts';
import {
  call,
  eventually,
  sandbox,
  sandboxMessages,
  sandboxUrl,
  saveSendingSettings,
  tick,
  type Json,
  type SandboxMessage,
} from '../support/vouchers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WORKER = path.join(root, 'e2e/support/campaign-worker.ts');
const SCHEDULER_DIR = path.join(root, 'supabase/functions/scheduler');
const DOUBT_MS = 10 * 60_000; // app.campaign_send_doubt(), checked below

const sql = db();
let restoreSettings: () => Promise<void> = async () => undefined;
/** Campaigns this file made (deleted at the end) and the running ones it paused (resumed). */
const made: string[] = [];
const pausedOthers = new Set<string>();

// Numbers nobody else in the suite uses: Rwanda +250 76…, Malta +356 77….
let serial = 0;
const rw = () => `+25076${String(++serial).padStart(7, '0')}`;
const mt = () => `+35677${String(++serial).padStart(6, '0')}`;

beforeAll(async () => {
  restoreSettings = await saveSendingSettings(sql);
  const [doubt] = await sql<{ ms: number }[]>`
    select (extract(epoch from app.campaign_send_doubt()) * 1000)::int as ms`;
  expect(doubt?.ms).toBe(DOUBT_MS);
});
beforeEach(async () => {
  // Only this test's campaign may be running: the dispatcher works on every running one.
  const paused = await sql<{ id: string }[]>`
    update public.campaigns set status = 'paused' where status = 'running' returning id`;
  for (const { id } of paused) if (!made.includes(id)) pausedOthers.add(id);
  await clearThrottle();
  await sandbox('POST', 'reset');
});
afterEach(async () => {
  await sql`update public.campaigns set status = 'paused' where status = 'running' and id = any (${made}::uuid[])`;
  await clearThrottle();
});
afterAll(async () => {
  await restoreSettings();
  await sql`update public.campaigns set status = 'running' where status = 'paused' and id = any (${[...pausedOthers]}::uuid[])`;
  await sql`delete from public.campaigns where id = any (${made}::uuid[])`;
  await clearThrottle();
  await sql.end();
}, 120_000);

/** The throttle's counts of sends (simulated seconds may lie in the future) and any back-off. */
async function clearThrottle(): Promise<void> {
  await sql`delete from public.send_counts`;
  await sql`update public.send_channels set paused_until = null where paused_until is not null`;
}

async function setSending(options: {
  perMinute: number;
  quietHours?: Record<string, { start: string; end: string }>;
  optOutHashesOf?: string[];
}): Promise<void> {
  await sql`update public.settings set value = ${sql.json({ whatsapp: { per_minute: options.perMinute } })}
             where key = 'send_throttle'`;
  await sql`update public.settings set value = ${sql.json(options.quietHours ?? {})} where key = 'quiet_hours'`;
  await sql`update public.settings
               set value = (select coalesce(jsonb_agg(app.msisdn_hash(m)), '[]'::jsonb)
                              from unnest(${options.optOutHashesOf ?? []}::text[]) m)
             where key = 'opt_out_list'`;
}

/** A promo campaign (weekend_promo) with these numbers as targets; running unless asked. */
async function makeCampaign(
  numbers: string[],
  options: { metadata?: Json; running?: boolean; ids?: Record<string, string> } = {},
): Promise<string> {
  const [campaign] = await sql<{ id: string }[]>`
    insert into public.campaigns (name, type, template_id, metadata)
    values (${`dispatch test ${made.length + 1}`}, 'promo', 'weekend_promo', ${sql.json(options.metadata ?? {})})
    returning id`;
  if (!campaign) throw new Error('no campaign made');
  made.push(campaign.id);
  const ids = options.ids ?? {};
  const chosen = numbers.filter((n) => ids[n]);
  await sql`
    insert into public.campaign_targets (id, campaign_id, msisdn, personalized_vars)
    select coalesce(i, gen_random_uuid()), ${campaign.id}, m,
           jsonb_build_object('name', 'Driver ' || n, 'station', 'Engen Kacyiru', 'discount', '10%')
      from unnest(${numbers}::text[]) with ordinality as t (m, n)
      left join unnest(${chosen}::text[], ${chosen.map((n) => ids[n] ?? '')}::uuid[]) as c (cm, i) on c.cm = t.m`;
  if (options.running ?? true) await sql`update public.campaigns set status = 'running' where id = ${campaign.id}`;
  return campaign.id;
}

interface TargetRow {
  id: string;
  msisdn: string;
  status: string;
  sent_at: Date | null;
  message_id: string | null;
  error_code: string | null;
  attempts: number;
}

function targetsOf(campaign: string): Promise<TargetRow[]> {
  return sql<TargetRow[]>`
    select id, msisdn, status, sent_at, message_id, error_code, attempts
      from public.campaign_targets where campaign_id = ${campaign}`;
}

async function statusCounts(campaign: string): Promise<Record<string, number>> {
  const rows = await sql<{ status: string; n: number }[]>`
    select status, count(*)::int as n from public.campaign_targets where campaign_id = ${campaign} group by status`;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

const SENT = ['sent', 'delivered', 'read'];

/** What the sandbox accepted for each of these numbers (every number present, [] for none). */
async function messagesTo(numbers: string[]): Promise<Map<string, SandboxMessage[]>> {
  const byNumber = new Map<string, SandboxMessage[]>(numbers.map((n) => [n, []]));
  for (const message of await sandboxMessages()) {
    byNumber.get(`+${message.to.replace(/^\+/, '')}`)?.push(message);
  }
  return byNumber;
}

/** Runs campaign-worker.ts in Deno; the exit code, and the summary when it printed one. */
function runWorker(options: WorkerOptions): Promise<{ code: number | null; summary?: WorkerSummary; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      denoExecutable(),
      ['run', '-A', ...denoConfigFlags(SCHEDULER_DIR), WORKER, JSON.stringify(options)],
      {
        cwd: SCHEDULER_DIR,
        env: { ...process.env, WHATSAPP_API_URL: sandboxUrl, WHATSAPP_API_VERSION: 'v21.0', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = stdout.trim().split('\n').pop();
      let summary: WorkerSummary | undefined;
      try {
        summary = line ? (JSON.parse(line) as WorkerSummary) : undefined;
      } catch {
        summary = undefined;
      }
      resolve({ code, stderr, ...(summary ? { summary } : {}) });
    });
  });
}

/** A worker run that must end normally. */
async function work(options: WorkerOptions): Promise<WorkerSummary> {
  const run = await runWorker(options);
  if (run.code !== 0 || !run.summary) throw new Error(`campaign worker exited with ${run.code}: ${run.stderr}`);
  return run.summary;
}

/** The largest number of sends in any window of `windowMs` (half-open, anywhere in time). */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  // The busiest window can be slid to start at a send without losing any.
  for (let first = 0, last = 0; first < sorted.length; first++) {
    while (last < sorted.length && (sorted[last] ?? 0) < (sorted[first] ?? 0) + windowMs) last++;
    busiest = Math.max(busiest, last - first);
  }
  return busiest;
}

/** The most sends the throttle granted in one calendar second. */
function busiestSecond(times: number[]): number {
  const perSecond = new Map<number, number>();
  for (const t of times) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  return Math.max(0, ...perSecond.values());
}

const ms = (at: string | Date) => new Date(at).getTime();

describe('throttle', () => {
  it('three concurrent workers and single voucher sends share per_minute: never more in any 60 s, ≥ 95% used, nobody twice', async () => {
    const perMinute = 120;
    await setSending({ perMinute });
    const numbers = Array.from({ length: 1000 }, rw);
    const campaign = await makeCampaign(numbers);

    // Three workers whose clocks are 0, 0.7 and 1.4 s apart; every 7th round a voucher send
    // on a clock 2.1 s ahead takes a slot the workers would have had.
    const start = '2027-01-15T08:00:00.000Z';
    const summary = await work({
      start,
      workers: 3,
      clockSkewMs: 700,
      steps: 300,
      stepMs: 1000,
      batch: 50,
      voucherSlotsEvery: 7,
    });
    expect(summary.rounds).toBe(300);

    // Everything that took a send from the throttle, at its simulated time.
    const voucherTimes = summary.voucherSlots.filter((v) => v.granted === 1).map((v) => ms(v.at));
    const all = [...summary.sends.map((s) => ms(s.at)), ...voucherTimes];
    expect(summary.sends.every((s) => s.ok)).toBe(true);
    expect(voucherTimes.length).toBeGreaterThanOrEqual(summary.voucherSlots.length / 2);
    expect(busiestWindow(all, 60_000)).toBeLessThanOrEqual(perMinute);
    expect(busiestSecond(all)).toBeLessThanOrEqual(Math.ceil(perMinute / 60));
    // The steady part is the whole run: the backlog never ran dry.
    const elapsedS = (Math.max(...all) - ms(summary.first)) / 1000 + 1;
    const used = all.length / ((elapsedS / 60) * perMinute);
    expect(used).toBeGreaterThanOrEqual(0.95);

    // The database agrees: each sent target's sent_at is its pass's simulated time.
    const targets = await targetsOf(campaign);
    const sent = targets.filter((t) => SENT.includes(t.status));
    const sentAt = new Map(summary.sends.map((s) => [s.target, s.at]));
    expect(sent.length).toBe(summary.sends.length);
    for (const t of sent) expect(t.sent_at?.toISOString()).toBe(sentAt.get(t.id));
    expect(
      busiestWindow([...sent.map((t) => ms(t.sent_at ?? new Date(0))), ...voucherTimes], 60_000),
    ).toBeLessThanOrEqual(perMinute);
    // The rest still wait, none lost.
    const waiting = targets.filter((t) => t.status === 'queued' || t.status === 'queued_throttled');
    expect(sent.length + waiting.length).toBe(numbers.length);

    // Nobody twice: one sandbox message per sent number, none for the others.
    expect(new Set(summary.sends.map((s) => s.target)).size).toBe(summary.sends.length);
    const messages = await messagesTo(numbers);
    const sentNumbers = new Set(sent.map((t) => t.msisdn));
    for (const [number, list] of messages)
      expect([number, list.length]).toEqual([number, sentNumbers.has(number) ? 1 : 0]);
    console.log(
      `throttle: ${summary.sends.length} messages + ${voucherTimes.length} voucher sends in ${elapsedS.toFixed(1)} simulated s ` +
        `(${(used * 100).toFixed(1)}% of ${perMinute}/min, busiest 60 s: ${busiestWindow(all, 60_000)}), ` +
        `${summary.passes} passes in ${summary.elapsed_ms} ms`,
    );
  }, 120_000);
});

// ── quiet hours ─────────────────────────────────────────────────────────────────────
interface Window {
  start: string;
  end: string;
}
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Wall-clock minutes after midnight in a time zone (read through Intl, as a phone shows it). */
function wallMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  return (
    Number(parts.find((p) => p.type === 'hour')?.value) * 60 + Number(parts.find((p) => p.type === 'minute')?.value)
  );
}

function insideWindow(at: Date, window: Window, timeZone: string): boolean {
  const now = wallMinutes(at, timeZone);
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  return start < end ? now >= start && now < end : now >= start || now < end;
}

const RW_WINDOW = { start: '22:00', end: '06:00' };
const MT_WINDOW = { start: '22:00', end: '08:00' };
const OVERRIDE = { start: '21:00', end: '07:00' };

describe('quiet hours in the dispatcher', () => {
  // 21:55 in Kigali (UTC+2) on the nights Malta changes clocks. Spring: Malta is UTC+1 at
  // 22:00 and UTC+2 at 08:00. Autumn: UTC+2 at 22:00 and UTC+1 at 08:00. The ends, in UTC,
  // are where a fixed offset would be an hour off.
  it.each([
    {
      night: 'spring forward (2027-03-27/28)',
      start: '2027-03-27T19:55:00.000Z',
      rwCount: 60,
      mtCount: 450, // Malta's evening runs an hour past Kigali's: enough still wait at its 22:00
      ends: {
        rw: '2027-03-28T04:00:00.000Z', // 06:00 CAT
        mt: '2027-03-28T06:00:00.000Z', // 08:00 CEST
        rwOverride: '2027-03-28T05:00:00.000Z', // 07:00 CAT
        mtOverride: '2027-03-28T05:00:00.000Z', // 07:00 CEST
      },
    },
    {
      night: 'fall back (2027-10-30/31)',
      start: '2027-10-30T19:55:00.000Z',
      rwCount: 60,
      mtCount: 60,
      ends: {
        rw: '2027-10-31T04:00:00.000Z', // 06:00 CAT
        mt: '2027-10-31T07:00:00.000Z', // 08:00 CET
        rwOverride: '2027-10-31T05:00:00.000Z', // 07:00 CAT
        mtOverride: '2027-10-31T06:00:00.000Z', // 07:00 CET
      },
    },
  ])(
    'night of Malta’s $night: nothing goes out inside a window, everything goes out from its end',
    async ({ start, rwCount, mtCount, ends }) => {
      // 6 a minute, so the backlog outlasts the evening and each group waits for its morning.
      await setSending({ perMinute: 6, quietHours: { rw: RW_WINDOW, mt: MT_WINDOW } });
      const plain = { rw: Array.from({ length: rwCount }, rw), mt: Array.from({ length: mtCount }, mt) };
      const override = { rw: Array.from({ length: 20 }, rw), mt: Array.from({ length: 20 }, mt) };
      const campaign = await makeCampaign([...plain.rw, ...plain.mt]);
      const overridden = await makeCampaign([...override.rw, ...override.mt], { metadata: { quiet_hours: OVERRIDE } });
      // The queue is claimed in (next_attempt_at, target_id) order, so which targets go in the
      // five minutes before 22:00 is a draw of random ids (one run in ~40 drew no Rwandan
      // target). Three of each plain group go first; everything else is just as due, later.
      const first = [...plain.rw.slice(0, 3), ...plain.mt.slice(0, 3)];
      await sql`
        update public.campaign_send_queue q set next_attempt_at = '2000-01-01T00:00:00Z'
          from public.campaign_targets t
         where t.id = q.target_id and q.campaign_id in (${campaign}, ${overridden}) and t.msisdn <> all(${first})`;

      const summary = await work({
        start,
        workers: 2,
        stepMs: 10_000,
        steps: 20_000,
        batch: 10,
        skipIdle: true,
        drain: true,
        until: new Date(Date.parse(start) + 24 * 3600_000).toISOString(),
      });
      expect(summary.drained).toBe(true);
      expect(summary.sends.every((s) => s.ok)).toBe(true);

      const group = (to: string) =>
        override.rw.includes(to)
          ? { name: 'rwOverride' as const, window: OVERRIDE, zone: 'Africa/Kigali' }
          : override.mt.includes(to)
            ? { name: 'mtOverride' as const, window: OVERRIDE, zone: 'Europe/Malta' }
            : to.startsWith('+250')
              ? { name: 'rw' as const, window: RW_WINDOW, zone: 'Africa/Kigali' }
              : { name: 'mt' as const, window: MT_WINDOW, zone: 'Europe/Malta' };

      // Nothing inside a window, read in the target's own zone.
      const inside = summary.sends.filter((s) => {
        const { window, zone } = group(s.to);
        return insideWindow(new Date(s.at), window, zone);
      });
      expect(inside).toEqual([]);

      // Each group's mornings start at its window's end: the first send of the groups whose
      // window ends at an instant goes at that instant (groups ending together share the
      // throttle), and no group waits long after its end.
      const evening = Date.parse(start) + 5 * 60_000; // 22:00 Kigali
      const firstMorning = Object.fromEntries(
        (['rw', 'mt', 'rwOverride', 'mtOverride'] as const).map((name) => {
          const morning = summary.sends
            .filter((s) => group(s.to).name === name && Date.parse(s.at) > evening + 3600_000)
            .map((s) => Date.parse(s.at));
          return [name, Math.min(...morning)];
        }),
      ) as Record<keyof typeof ends, number>;
      for (const [name, end] of Object.entries(ends) as [keyof typeof ends, string][]) {
        expect([name, firstMorning[name] >= Date.parse(end)]).toEqual([name, true]);
        expect([name, firstMorning[name] - Date.parse(end) < 15 * 60_000]).toEqual([name, true]);
        const together = (Object.keys(ends) as (keyof typeof ends)[]).filter((other) => ends[other] === end);
        expect([name, new Date(Math.min(...together.map((g) => firstMorning[g]))).toISOString()]).toEqual([name, end]);
      }
      const beforeTen = summary.sends.filter((s) => Date.parse(s.at) < evening);
      expect(beforeTen.some((s) => group(s.to).name === 'rw')).toBe(true);
      expect(beforeTen.some((s) => group(s.to).name === 'mt')).toBe(true);
      // Malta's evening (22:00 Malta is 21:00 UTC in spring): its plain targets still went out
      // after Kigali's window began, up to Malta's own 22:00.
      const maltaEvening = summary.sends.filter(
        (s) => group(s.to).name === 'mt' && Date.parse(s.at) >= evening && Date.parse(s.at) < evening + 3600_000,
      );
      expect(maltaEvening.length > 0).toBe(start.startsWith('2027-03'));

      // Everyone got exactly one message; the database has the same times; both campaigns done.
      const everyone = [...plain.rw, ...plain.mt, ...override.rw, ...override.mt];
      const messages = await messagesTo(everyone);
      for (const [number, list] of messages) expect([number, list.length]).toEqual([number, 1]);
      const sentAt = new Map(summary.sends.map((s) => [s.target, s.at]));
      const targets = [...(await targetsOf(campaign)), ...(await targetsOf(overridden))];
      expect(targets.filter((t) => !SENT.includes(t.status))).toEqual([]);
      for (const t of targets) {
        expect(t.sent_at?.toISOString()).toBe(sentAt.get(t.id));
        const { window, zone } = group(t.msisdn);
        expect(insideWindow(t.sent_at ?? new Date(0), window, zone)).toBe(false);
      }
      const statuses = await sql<{ status: string }[]>`
        select status from public.campaigns where id in (${campaign}, ${overridden})`;
      expect(statuses.map((s) => s.status)).toEqual(['done', 'done']);
      console.log(
        `quiet hours ${start}: ${summary.sends.length} sends over ${summary.rounds} rounds ` +
          `(${summary.first} → ${summary.last}), ${summary.totals.quiet} deferrals, ${summary.elapsed_ms} ms`,
      );
    },
    120_000,
  );
});

// ── opt-outs ────────────────────────────────────────────────────────────────────────
describe('opt-outs', () => {
  it('numbers opted out before (admins’ hashes, the table) and during the campaign get no message and end opted_out', async () => {
    const onHashList = Array.from({ length: 5 }, rw);
    const inTable = Array.from({ length: 5 }, rw);
    const others = Array.from({ length: 90 }, rw);
    await setSending({ perMinute: 60_000, optOutHashesOf: onHashList });
    await sql`insert into public.opt_outs (phone_e164, reason) select m, 'keyword:STOP' from unnest(${inTable}::text[]) m`;
    const campaign = await makeCampaign([...onHashList, ...inTable, ...others]);

    const start = Date.parse('2027-02-01T09:00:00.000Z');
    const first = await work({ start: new Date(start).toISOString(), batch: 30 });
    expect(first.totals.claimed).toBe(30);

    // Mid-campaign: five numbers still waiting opt out, three by replying STOP (through the
    // sandbox and the signed webhook), two as an admin would record it.
    const waiting = await sql<{ msisdn: string }[]>`
      select msisdn from public.campaign_targets
       where campaign_id = ${campaign} and status = 'queued' and msisdn = any (${others}::text[])
       order by msisdn limit 5`;
    const midway = waiting.map((w) => w.msisdn);
    expect(midway).toHaveLength(5);
    for (const number of midway.slice(0, 3)) {
      const response = await fetch(`${sandboxUrl}/_sandbox/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: number, text: 'STOP' }),
      });
      const answer = (await response.json()) as { delivery: { delivered: boolean } };
      expect(answer.delivery.delivered).toBe(true);
    }
    for (const number of midway.slice(3)) await sql`select app.record_opt_out(${number}, 'test')`;
    const [recorded] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.opt_outs where phone_e164 = any (${midway}::text[])`;
    expect(recorded?.n).toBe(5);

    const rest = await work({ start: new Date(start + 1000).toISOString(), batch: 30, steps: 100, drain: true });
    expect(rest.drained).toBe(true);

    const optedOut = [...onHashList, ...inTable, ...midway];
    const targets = await targetsOf(campaign);
    const byNumber = new Map(targets.map((t) => [t.msisdn, t]));
    for (const number of optedOut) expect([number, byNumber.get(number)?.status]).toEqual([number, 'opted_out']);
    for (const number of others.filter((n) => !midway.includes(n))) {
      expect(SENT).toContain(byNumber.get(number)?.status);
    }
    const messages = await messagesTo([...optedOut, ...others]);
    for (const [number, list] of messages) {
      expect([number, list.length]).toEqual([number, optedOut.includes(number) ? 0 : 1]);
    }
    const handed = [...first.sends, ...rest.sends].map((s) => s.to);
    expect(handed.filter((to) => optedOut.includes(to))).toEqual([]);
    expect(first.totals.opted_out + rest.totals.opted_out).toBe(optedOut.length);
    // Status webhooks keep moving sent → delivered meanwhile: compare what was sent, not how far it got.
    const counts = await statusCounts(campaign);
    const sentSoFar = SENT.reduce((sum, status) => sum + (counts[status] ?? 0), 0);
    expect([
      counts.opted_out,
      sentSoFar,
      Object.keys(counts).filter((s) => !SENT.includes(s) && s !== 'opted_out'),
    ]).toEqual([15, targets.filter((t) => SENT.includes(t.status)).length, []]);
  }, 60_000);
});

// ── crashes ─────────────────────────────────────────────────────────────────────────
describe('a worker killed between the outbox steps', () => {
  it('after claim and begin (nothing sent): the targets wait out the doubt window, then each goes exactly once', async () => {
    await setSending({ perMinute: 60_000 });
    const numbers = Array.from({ length: 40 }, rw);
    const campaign = await makeCampaign(numbers);
    const t0 = Date.parse('2027-04-01T10:00:00.000Z');

    const crashed = await runWorker({ start: new Date(t0).toISOString(), batch: 25, crash: 'afterBegin' });
    expect([crashed.code, crashed.summary]).toEqual([137, undefined]);
    const inDoubt = await sql<{ target_id: string }[]>`
      select target_id from public.campaign_send_queue where campaign_id = ${campaign} and send_started_at = ${new Date(t0)}`;
    expect(inDoubt).toHaveLength(25);
    expect([...(await messagesTo(numbers)).values()].flat()).toEqual([]);

    // Lease over (2 min), doubt not (10 min): only the untouched targets go.
    const early = await work({ start: new Date(t0 + 5 * 60_000).toISOString(), batch: 100 });
    expect(early.sends).toHaveLength(15);
    expect(early.sends.filter((s) => inDoubt.some((d) => d.target_id === s.target))).toEqual([]);

    const late = await work({
      start: new Date(t0 + DOUBT_MS + 1000).toISOString(),
      batch: 100,
      steps: 100,
      drain: true,
      skipIdle: true,
    });
    expect(late.drained).toBe(true);
    expect(late.sends.map((s) => s.target).sort()).toEqual(inDoubt.map((d) => d.target_id).sort());

    for (const [number, list] of await messagesTo(numbers)) expect([number, list.length]).toEqual([number, 1]);
    const targets = await targetsOf(campaign);
    expect(targets.filter((t) => !SENT.includes(t.status))).toEqual([]);
    const [row] = await sql<{ status: string }[]>`select status from public.campaigns where id = ${campaign}`;
    expect(row?.status).toBe('done');
  }, 60_000);

  it('after the send (nothing recorded): the status webhook records it, the doubt window passes, nobody gets two', async () => {
    await setSending({ perMinute: 60_000 });
    const numbers = Array.from({ length: 40 }, rw);
    const campaign = await makeCampaign(numbers);
    const t0 = Date.parse('2027-04-02T10:00:00.000Z');

    const crashed = await runWorker({ start: new Date(t0).toISOString(), batch: 25, crash: 'afterSend' });
    expect([crashed.code, crashed.summary]).toEqual([137, undefined]);
    // Sends already on the wire when the process died still land: let them.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const arrived = [...(await messagesTo(numbers)).values()].flat();
    expect(arrived.length).toBeGreaterThanOrEqual(1);
    // Every message WhatsApp took is recorded from its status webhook (the echoed target id).
    await eventually(async () => {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from public.campaign_targets
         where campaign_id = ${campaign} and message_id = any (${arrived.map((m) => m.id)}::text[])
           and status in ('sent', 'delivered', 'read')`;
      return row?.n === arrived.length;
    }, 'the status webhooks of the sends nobody recorded');
    const stillInDoubt = await sql<{ target_id: string }[]>`
      select target_id from public.campaign_send_queue where campaign_id = ${campaign} and send_started_at = ${new Date(t0)}`;
    expect(stillInDoubt.length + arrived.length).toBe(25);

    const early = await work({ start: new Date(t0 + 5 * 60_000).toISOString(), batch: 100 });
    expect(early.sends).toHaveLength(15);
    const late = await work({
      start: new Date(t0 + DOUBT_MS + 1000).toISOString(),
      batch: 100,
      steps: 100,
      drain: true,
      skipIdle: true,
    });
    expect(late.drained).toBe(true);
    expect(late.sends.map((s) => s.target).sort()).toEqual(stillInDoubt.map((d) => d.target_id).sort());

    for (const [number, list] of await messagesTo(numbers)) expect([number, list.length]).toEqual([number, 1]);
    const targets = await targetsOf(campaign);
    expect(targets.filter((t) => !SENT.includes(t.status))).toEqual([]);
    const messageIds = new Set([...(await messagesTo(numbers)).values()].flat().map((m) => m.id));
    for (const t of targets) expect(messageIds.has(t.message_id ?? '')).toBe(true);
    console.log(
      `crash after send: ${arrived.length} sent before dying, ${stillInDoubt.length} re-sent after the doubt window`,
    );
  }, 60_000);
});

// ── end to end ──────────────────────────────────────────────────────────────────────
describe('end to end', () => {
  it('a 10,000-target campaign sent by scheduler ticks: pause and resume honoured, status counts add up, one message each', async () => {
    const started = Date.now();
    const TOTAL = 10_000;
    await setSending({ perMinute: 60_000 });
    const numbers = Array.from({ length: TOTAL }, rw);
    const undeliverable = numbers.slice(0, 5); // 131026 at send time → failed
    const failsLater = numbers.slice(5, 8); // accepted, then a failed status webhook
    const optedOut = numbers.slice(8, 18);
    const limited = numbers[18] ?? ''; // 130429 once → waits, then sent
    for (const to of undeliverable) await sandbox('POST', 'failures', { to, code: 131026 });
    for (const to of failsLater) await sandbox('POST', 'failures', { to, code: 131026, async: true });
    await sandbox('POST', 'failures', { to: limited, code: 130429, times: 1 });
    await sql`insert into public.opt_outs (phone_e164, reason) select m, 'keyword:STOP' from unnest(${optedOut}::text[]) m`;
    // The rate-limited target goes last: its 60 s channel pause then holds up nobody else.
    const campaign = await makeCampaign(numbers, {
      running: false,
      ids: { [limited]: 'ffffffff-ffff-4fff-bfff-ffffffffffff' },
    });
    const madeAt = Date.now();
    const support = (await signIn(DEMO.support)).client;
    const act = async (action: string) => {
      const { status, body } = await call(support, 'POST', `admin/campaigns/${campaign}/${action}`);
      expect([action, status]).toEqual([action, 200]);
      return body;
    };
    await act('start');

    const ticks: Json[] = [];
    const sendTick = async (budgetMs: number) => {
      const result = await tick({ tasks: ['campaigns'], budget_ms: budgetMs, campaign_batch: 500 });
      ticks.push(result);
      return result;
    };
    const sentSoFar = async () => {
      const counts = await statusCounts(campaign);
      return SENT.reduce((n, s) => n + (counts[s] ?? 0), 0);
    };

    // A short tick, then pause: a tick while paused sends nothing.
    await sendTick(1500);
    const beforePause = await sentSoFar();
    expect(beforePause).toBeGreaterThan(0);
    expect(beforePause).toBeLessThan(TOTAL);
    await act('pause');
    const waitingNow = async () => {
      const counts = await statusCounts(campaign);
      return (counts.queued ?? 0) + (counts.queued_throttled ?? 0);
    };
    const [waitingBefore, messagesBefore] = [await waitingNow(), (await sandboxMessages()).length];
    const paused = await sendTick(2000);
    expect(paused.campaigns).toMatchObject({ passes: 1, sent: 0, failed: 0, opted_out: 0 });
    // (Status webhooks still move sent targets to delivered meanwhile.)
    expect([await waitingNow(), (await sandboxMessages()).length]).toEqual([waitingBefore, messagesBefore]);
    const resumedAt = Date.now();
    await act('resume');

    // Until done: the rate-limited target comes back after its minute.
    const deadline = Date.now() + 150_000;
    for (;;) {
      const [row] = await sql<{ status: string }[]>`select status from public.campaigns where id = ${campaign}`;
      if (row?.status === 'done') break;
      if (Date.now() > deadline) throw new Error(`campaign not done: ${JSON.stringify(await statusCounts(campaign))}`);
      const result = await sendTick(20_000);
      if (result.campaigns.passes <= 1 && result.campaigns.sent === 0) await new Promise((r) => setTimeout(r, 1000));
    }
    const sentAll = Date.now();

    // The async failures arrive by webhook; then the counts add up to every target.
    await eventually(
      async () => {
        const rows = await sql<{ n: number }[]>`
        select count(*)::int as n from public.campaign_targets
         where campaign_id = ${campaign} and msisdn = any (${failsLater}::text[]) and status = 'failed'`;
        return rows[0]?.n === failsLater.length;
      },
      'failed status webhooks',
      20_000,
    );
    const counts = await statusCounts(campaign);
    const total = ['sent', 'delivered', 'read', 'failed', 'opted_out'].reduce((n, s) => n + (counts[s] ?? 0), 0);
    expect(total).toBe(TOTAL);
    expect(counts.queued ?? 0).toBe(0);
    expect(counts.queued_throttled ?? 0).toBe(0);
    expect(counts.opted_out).toBe(optedOut.length);
    expect(counts.failed).toBe(undeliverable.length + failsLater.length);

    const targets = await targetsOf(campaign);
    const byNumber = new Map(targets.map((t) => [t.msisdn, t]));
    for (const to of [...undeliverable, ...failsLater]) {
      expect([to, byNumber.get(to)?.status, byNumber.get(to)?.error_code]).toEqual([to, 'failed', '131026']);
    }
    expect(byNumber.get(limited)).toMatchObject({ attempts: 0 });
    expect(SENT).toContain(byNumber.get(limited)?.status);
    const [rateLimited] = await sql<{ sent_at: Date }[]>`
      select sent_at from public.campaign_targets where campaign_id = ${campaign} and msisdn = ${limited}`;
    const requests = (await (await fetch(`${sandboxUrl}/_sandbox/requests`)).json()) as {
      requests: { to?: string; http_status: number; error_code?: number; at: string }[];
    };
    const toLimited = requests.requests.filter((r) => r.to === limited);
    expect(toLimited.map((r) => [r.http_status, r.error_code])).toEqual([
      [400, 130429],
      [200, undefined],
    ]);
    // It waited out the back-off (60 s) before its second try.
    expect(Date.parse(toLimited[1]?.at ?? '') - Date.parse(toLimited[0]?.at ?? '')).toBeGreaterThanOrEqual(59_000);
    expect(rateLimited?.sent_at).toBeTruthy();

    // Exactly one accepted message per number that was sent (or failed after acceptance), none otherwise.
    const messages = await messagesTo(numbers);
    const none = new Set([...undeliverable, ...optedOut]);
    const wrong = [...messages].filter(([number, list]) => list.length !== (none.has(number) ? 0 : 1));
    expect(wrong.map(([number, list]) => [number, list.length])).toEqual([]);
    const [campaignRow] = await sql<{ status: string; finished_at: Date | null }[]>`
      select status, finished_at from public.campaigns where id = ${campaign}`;
    expect(campaignRow?.status).toBe('done');

    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const sentByTicks = ticks.reduce((n, t) => n + t.campaigns.sent, 0);
    console.log(
      `end to end: ${TOTAL} targets made in ${seconds(madeAt - started)}, ${ticks.length} ticks sent ${sentByTicks}, ` +
        `all out ${seconds(sentAll - started)} after the start (resumed at ${seconds(resumedAt - started)}), ` +
        `${seconds(Date.now() - started)} in all; counts ${JSON.stringify(counts)}`,
    );
  }, 240_000);
});
