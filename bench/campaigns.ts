/**
 * Campaign dispatcher throughput, beside what the WhatsApp sandbox alone accepts.
 *
 *   dispatcher  one promo campaign of BENCH_CAMPAIGN_TARGETS targets (default 3000; the
 *               weekend_promo template, variables frozen on each target) sent by scheduler
 *               ticks (`tasks: ['campaigns']`, campaign_batch 500) with the throttle lifted
 *               (10,000,000 a minute) and quiet hours off: targets per second from the
 *               first tick to the campaign done. Each target is claimed, begun, sent and
 *               recorded (a transaction, the HTTP call, a transaction), 8 sends in flight
 *               per pass (the dispatcher's concurrency).
 *   sandbox     the same template message POSTed straight to the sandbox by this process,
 *               8 in flight, to as many fresh numbers: accepted messages per second.
 *
 * Both produce the sandbox's status webhooks (sent, delivered) to whatsapp-webhook, as a
 * real run would; the bench waits for them to settle between the two. The ratio
 * dispatcher / sandbox is what the outbox's bookkeeping costs per message.
 */
import postgres from 'postgres';
import type { EphemeralStack } from '../packages/stack/src/ephemeral.ts';
import { schedulerTick } from './session.ts';

const TARGETS = Number(process.env.BENCH_CAMPAIGN_TARGETS ?? 3000);
/** Sends in flight in a dispatcher pass (supabase/functions/_shared/campaign-dispatch.ts). */
const CONCURRENCY = 8;
const BATCH = 500;

interface Tick {
  campaigns: { passes: number; sent: number };
}

/** The request body the dispatcher's client sends for a weekend_promo target. */
function templateMessage(to: string, i: number): string {
  return JSON.stringify({
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'template',
    template: {
      name: 'weekend_promo',
      language: { code: 'en' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'name', text: `Driver ${i}` },
            { type: 'text', parameter_name: 'station', text: 'Engen Kacyiru' },
            { type: 'text', parameter_name: 'discount', text: '10%' },
          ],
        },
      ],
    },
    biz_opaque_callback_data: `bench-${i}`,
  });
}

async function sandboxRate(stack: EphemeralStack): Promise<{ perSecond: number; seconds: number }> {
  const { WHATSAPP_SANDBOX_URL: url, WHATSAPP_TOKEN: token, WHATSAPP_PHONE_NUMBER_ID: phone } = stack.env;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TARGETS) {
        const i = next++;
        const response = await fetch(`${url}/v21.0/${phone}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: templateMessage(`+25077${String(i).padStart(7, '0')}`, i),
        });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`the sandbox answered ${response.status}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: TARGETS / seconds, seconds };
}

async function dispatcherRate(
  stack: EphemeralStack,
  sql: postgres.Sql,
): Promise<{ perSecond: number; seconds: number; ticks: number; passes: number; sent: number }> {
  const [campaign] = await sql<{ id: string }[]>`
    insert into public.campaigns (name, type, template_id) values ('bench campaign', 'promo', 'weekend_promo')
    returning id`;
  if (!campaign) throw new Error('no campaign made');
  await sql`
    insert into public.campaign_targets (campaign_id, msisdn, personalized_vars)
    select ${campaign.id}, '+25076' || lpad(i::text, 7, '0'),
           jsonb_build_object('name', 'Driver ' || i, 'station', 'Engen Kacyiru', 'discount', '10%')
      from generate_series(1, ${TARGETS}) i`;
  await sql`update public.campaigns set status = 'running' where id = ${campaign.id}`;

  const tick = () => schedulerTick<Tick>(stack, { tasks: ['campaigns'], budget_ms: 20_000, campaign_batch: BATCH });
  let ticks = 0;
  let passes = 0;
  let sent = 0;
  const started = performance.now();
  for (;;) {
    const result = await tick();
    ticks += 1;
    passes += result.campaigns.passes;
    sent += result.campaigns.sent;
    const [row] = await sql<{ status: string }[]>`select status from public.campaigns where id = ${campaign.id}`;
    if (row?.status === 'done') break;
    if (result.campaigns.sent === 0) throw new Error('a tick sent nothing and the campaign is not done');
  }
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: TARGETS / seconds, seconds, ticks, passes, sent };
}

export async function campaignsBench(stack: EphemeralStack): Promise<void> {
  const sql = postgres(stack.env.SUPABASE_DB_URL, { max: 2, onnotice: () => undefined });
  try {
    // The throttle lifted, no quiet hours, and only this campaign running.
    await sql`update public.settings set value = '{"whatsapp": {"per_minute": 10000000}}' where key = 'send_throttle'`;
    await sql`update public.settings set value = '{}' where key = 'quiet_hours'`;
    await sql`update public.campaigns set status = 'paused' where status = 'running'`;
    await sql`delete from public.send_counts`;

    console.log(`\n${TARGETS} template messages, ${CONCURRENCY} in flight`);
    const raw = await sandboxRate(stack);
    console.log(
      `  sandbox alone (POST straight from Node)       ${raw.perSecond.toFixed(0).padStart(6)} msg/s   ${raw.seconds.toFixed(1)} s`,
    );
    // Let the raw run's status webhooks drain before the dispatcher's run.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const dispatched = await dispatcherRate(stack, sql);
    console.log(
      `  dispatcher (scheduler ticks, batch ${BATCH})        ${dispatched.perSecond.toFixed(0).padStart(6)} targets/s ${dispatched.seconds.toFixed(1)} s` +
        `   (${dispatched.ticks} ticks, ${dispatched.passes} passes, ${dispatched.sent} sent)`,
    );
    console.log(
      `  ratio: dispatcher / sandbox alone              ${(dispatched.perSecond / raw.perSecond).toFixed(2)}`,
    );
    const [ok] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.campaign_targets t join public.campaigns c on c.id = t.campaign_id
       where c.name = 'bench campaign' and t.status in ('sent', 'delivered', 'read')`;
    if (ok?.n !== TARGETS) throw new Error(`only ${ok?.n} of ${TARGETS} targets were sent`);
  } finally {
    await sql.end();
  }
}
