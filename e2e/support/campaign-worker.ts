/**
 * Campaign dispatcher passes on a simulated clock, for the campaign tests: the passes a
 * scheduler tick makes (supabase/functions/_shared/campaign-dispatch.ts), with `now` set
 * here, several workers at once, and optionally a real process death between the
 * outbox's steps. A Deno script, run with the scheduler function's import map:
 *
 *   deno run -A --config supabase/functions/scheduler/deno.json e2e/support/campaign-worker.ts '<options JSON>'
 *
 * Env as the functions have it: SUPABASE_DB_URL, SUPABASE_SERVICE_ROLE_KEY,
 * WHATSAPP_API_URL, WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID (SUPABASE_URL too for a
 * voucher campaign's cards).
 *
 * Each round, `workers` passes run at once (Promise.all), every one at the round's time;
 * then the clock moves `stepMs` on. With `skipIdle`, a round in which nothing was claimed
 * jumps the clock to the next moment a target falls due (the end of a quiet window, a
 * throttle slot, a send's doubt window), so a night passes in one round. The workers share
 * the functions' connection pool (5), as passes in one function process do.
 *
 * `crash` ends the process with Deno.exit(137) in the first pass's hook: after claim and
 * begin (nothing sent), or after the first message was handed to WhatsApp (nothing
 * recorded). Otherwise one line of JSON (WorkerSummary) goes to stdout: what each pass
 * returned, summed, and every message handed to WhatsApp with the simulated time it went.
 *
 * The file is type-checked with the Node tests, so Deno and the function modules are
 * reached at run time only (globalThis.Deno, imports by computed URL).
 */

export interface WorkerOptions {
  /** The simulated time of the first round (ISO). */
  start: string;
  /** Passes at once in each round. Default 1. */
  workers?: number;
  /** Worker k's clock runs k × this ahead of the round's. Default 0. */
  clockSkewMs?: number;
  /** At most this many rounds. Default 1. */
  steps?: number;
  /** How far the clock moves between rounds. Default 1000. */
  stepMs?: number;
  /** No round at or after this time (ISO). */
  until?: string;
  /** Targets per pass (the tick's campaign_batch). Default 200. */
  batch?: number;
  /** Sends in flight at once in a pass. Default 8 (the dispatcher's). */
  concurrency?: number;
  /** After a round that claimed nothing, jump to the next time a target falls due. */
  skipIdle?: boolean;
  /** Stop once no running campaign has a target left in the send queue. */
  drain?: boolean;
  /**
   * Every n-th round one send is taken from the throttle beside the passes, as the voucher
   * pipeline takes one for each card (app.take_send_slot is take_send_slots at the
   * database's clock; here at a clock of its own, ahead of every worker's).
   */
  voucherSlotsEvery?: number;
  crash?: 'afterBegin' | 'afterSend';
}

/** One message handed to WhatsApp. */
export interface WorkerSend {
  target: string;
  to: string;
  /** The pass's simulated time (ISO). */
  at: string;
  ok: boolean;
  /** The Graph error code of a refused send. */
  code?: number;
}

export interface WorkerTotals {
  claimed: number;
  sent: number;
  opted_out: number;
  quiet: number;
  throttled: number;
  retrying: number;
  failed: number;
  finished_campaigns: number;
}

export interface WorkerSummary {
  rounds: number;
  passes: number;
  /** The simulated time of the first and the last round (ISO). */
  first: string;
  last: string;
  /** Stopped because nothing was left to send. */
  drained: boolean;
  totals: WorkerTotals;
  sends: WorkerSend[];
  voucherSlots: { at: string; granted: number }[];
  elapsed_ms: number;
}

// ── what the worker uses of Deno and of the function modules ─────────────────────────
interface DenoLike {
  args: string[];
  exit(code: number): never;
}
interface SendResultLike {
  ok: boolean;
  error?: { code: number };
}
interface WhatsAppLike {
  sendTemplate(to: string, message: { bizOpaqueCallbackData?: string }): Promise<SendResultLike>;
}
interface PassResult extends WorkerTotals {
  throttle_full: boolean;
}
interface Sql {
  <T>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T>;
}
interface Modules {
  dispatchCampaigns(options: {
    caller: unknown;
    whatsapp: WhatsAppLike;
    batch: number;
    now: () => Date;
    concurrency: number;
    hooks: { afterBegin?: () => void; afterSend?: () => void };
  }): Promise<PassResult>;
  serviceCaller(): unknown;
  asCaller<T>(caller: unknown, work: (tx: Sql) => Promise<T>): Promise<T>;
  WhatsAppClient: { fromEnv(): WhatsAppLike };
}

const deno = (globalThis as unknown as { Deno: DenoLike }).Deno;
const functionModule = (path: string) => new URL(`../../supabase/functions/_shared/${path}`, import.meta.url).href;

async function loadModules(): Promise<Modules> {
  const [dispatch, auth, db, whatsapp] = await Promise.all([
    import(functionModule('campaign-dispatch.ts')),
    import(functionModule('auth.ts')),
    import(functionModule('db.ts')),
    import(functionModule('whatsapp.ts')),
  ]);
  return { ...dispatch, ...auth, ...db, ...whatsapp } as Modules;
}

const TOTAL_KEYS = [
  'claimed',
  'sent',
  'opted_out',
  'quiet',
  'throttled',
  'retrying',
  'failed',
  'finished_campaigns',
] as const;

export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  const started = Date.now();
  const modules = await loadModules();
  const caller = modules.serviceCaller();
  const client = modules.WhatsAppClient.fromEnv();
  const workers = options.workers ?? 1;
  const stepMs = options.stepMs ?? 1000;
  const steps = options.steps ?? 1;
  const until = options.until ? Date.parse(options.until) : Infinity;

  let clock = Date.parse(options.start);
  if (Number.isNaN(clock)) throw new Error(`start is not a time: ${options.start}`);
  const sends: WorkerSend[] = [];
  const voucherSlots: WorkerSummary['voucherSlots'] = [];
  const totals: WorkerTotals = Object.fromEntries(TOTAL_KEYS.map((k) => [k, 0])) as unknown as WorkerTotals;
  const crash = () => {
    console.error(`campaign-worker: dying ${options.crash} at ${new Date(clock).toISOString()}`);
    deno.exit(137);
  };
  const hooks = {
    ...(options.crash === 'afterBegin' ? { afterBegin: crash } : {}),
    ...(options.crash === 'afterSend' ? { afterSend: crash } : {}),
  };

  let rounds = 0;
  let passes = 0;
  let drained = false;
  const first = new Date(clock).toISOString();
  let last = first;
  while (rounds < steps && clock < until) {
    const at = new Date(clock);
    last = at.toISOString();
    // Worker k's clock runs k × clockSkewMs ahead of the round's (concurrent ticks never
    // agree to the millisecond). Every send goes through the real client; the log says when
    // (simulated) it went.
    const pass = (_: unknown, k: number) => {
      const now = new Date(clock + k * (options.clockSkewMs ?? 0));
      const whatsapp: WhatsAppLike = {
        async sendTemplate(to, message) {
          const result = await client.sendTemplate(to, message);
          sends.push({
            target: message.bizOpaqueCallbackData ?? '',
            to,
            at: now.toISOString(),
            ok: result.ok,
            ...(result.ok ? {} : { code: result.error?.code ?? 0 }),
          });
          return result;
        },
      };
      return modules.dispatchCampaigns({
        caller,
        whatsapp,
        batch: options.batch ?? 200,
        now: () => now,
        concurrency: options.concurrency ?? 8,
        hooks,
      });
    };
    const voucherSlot = async () => {
      const voucherAt = new Date(clock + workers * (options.clockSkewMs ?? 0));
      const [row] = await modules.asCaller(
        caller,
        (tx) => tx<{ n: number }[]>`select app.take_send_slots('whatsapp', 1, ${voucherAt}) as n`,
      );
      voucherSlots.push({ at: voucherAt.toISOString(), granted: row?.n ?? 0 });
    };
    const takesVoucher = options.voucherSlotsEvery !== undefined && rounds % options.voucherSlotsEvery === 0;
    const [results] = await Promise.all([
      Promise.all(Array.from({ length: workers }, pass)),
      takesVoucher ? voucherSlot() : Promise.resolve(),
    ]);
    rounds += 1;
    passes += results.length;
    for (const result of results) for (const key of TOTAL_KEYS) totals[key] += result[key];

    let next = clock + stepMs;
    const busy = results.some((r) => r.claimed > 0);
    if (options.drain || (options.skipIdle && !busy)) {
      const [queue] = await modules.asCaller(
        caller,
        (tx) => tx<{ left: number; due: Date | null }[]>`
          select count(*)::int as left,
                 min(greatest(q.next_attempt_at, coalesce(q.lease_until, '-infinity'),
                              coalesce(q.send_started_at + app.campaign_send_doubt(), '-infinity'))) as due
            from public.campaign_send_queue q
            join public.campaigns c on c.id = q.campaign_id and c.status = 'running'`,
      );
      if (options.drain && (queue?.left ?? 0) === 0) {
        drained = true;
        break;
      }
      if (options.skipIdle && !busy && queue?.due) {
        // Due already (the throttle is full for now): the throttle says when it frees up.
        const due = queue.due.getTime() > clock ? queue.due.getTime() : await nextSlot(modules, caller, at);
        next = Math.max(next, due);
      }
    }
    clock = next;
  }
  return {
    rounds,
    passes,
    first,
    last,
    drained,
    totals,
    sends,
    voucherSlots,
    elapsed_ms: Date.now() - started,
  };
}

async function nextSlot(modules: Modules, caller: unknown, at: Date): Promise<number> {
  const [row] = await modules.asCaller(
    caller,
    (tx) => tx<{ t: Date }[]>`select app.next_send_slot_at('whatsapp', ${at}) as t`,
  );
  return row?.t.getTime() ?? at.getTime();
}

// Run as a script: the options are the first argument.
if (deno?.args?.[0] !== undefined) {
  const summary = await runWorker(JSON.parse(deno.args[0]) as WorkerOptions);
  console.log(JSON.stringify(summary));
  // The functions' connection pool would keep the process alive.
  deno.exit(0);
}
