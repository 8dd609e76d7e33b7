/**
 * The `scheduler` function: background work on a timer, with the service role.
 *
 *   expire        issued|sent vouchers past their expiry → expired (one event each)
 *   bulk          bulk-issue jobs, batch by batch, each **as its creator**
 *   sends         cards due in the send queue (new bulk vouchers, blocked sends to retry)
 *   housekeeping  old failed attempts dropped (the throttle drops its own old seconds)
 *   campaigns     the campaign dispatcher, pass after pass while targets are due (last: a
 *                 throttled campaign may use the rest of the budget)
 *
 * Concurrent ticks are safe: expiry, the send queue and the campaign queue claim rows
 * with SKIP LOCKED and leases; a bulk job is locked while a batch runs.
 */
import { ZSchedulerTickRequest, ZSchedulerTickResponse } from '../../../packages/contracts/src/scheduler.ts';
import { createFunctionApp } from '../_shared/app.ts';
import { authenticate, serviceCaller, type Caller } from '../_shared/auth.ts';
import { asCaller } from '../_shared/db.ts';
import { UserError } from '../_shared/errors.ts';
import { jsonBody } from '../_shared/request.ts';
import { dispatchCampaigns } from '../_shared/campaign-dispatch.ts';
import { deliverVoucher, SEND_LEASE_SECONDS } from '../_shared/voucher-delivery.ts';
import { WhatsAppClient } from '../_shared/whatsapp.ts';

export const app = createFunctionApp('scheduler');

const BULK_BATCH = 500;

app.post('/tick', async (c) => {
  const caller = await authenticate(c.req.raw);
  if (caller.kind !== 'service') throw new UserError('forbidden', 'The scheduler runs with the service role key only');
  const request = await jsonBody(c, ZSchedulerTickRequest);
  const started = Date.now();
  const timeLeft = () => Date.now() - started < request.budget_ms;
  const service = serviceCaller();
  const result = {
    expired: 0,
    bulk_rows: 0,
    sends: { attempted: 0, sent: 0, blocked: 0, failed: 0 },
    campaigns: {
      passes: 0,
      sent: 0,
      opted_out: 0,
      quiet: 0,
      throttled: 0,
      retrying: 0,
      failed: 0,
      finished_campaigns: 0,
    },
    housekeeping: false,
    elapsed_ms: 0,
  };

  if (request.tasks.includes('expire')) {
    for (let swept = -1; swept !== 0 && timeLeft();) {
      const [row] = await asCaller(service, (tx) => tx<{ n: number }[]>`select app.expire_vouchers(1000) as n`);
      swept = row?.n ?? 0;
      result.expired += swept;
    }
  }

  if (request.tasks.includes('bulk')) {
    const jobs = await asCaller(
      service,
      (tx) => tx<{ id: string; created_by: string }[]>`
        select id, created_by from public.voucher_bulk_jobs where status in ('queued', 'running') order by created_at`,
    );
    for (const job of jobs) {
      // The job's vouchers are issued by the admin who uploaded it: their rights, their name in the audit log.
      const creator: Caller = {
        kind: 'user',
        role: 'authenticated',
        userId: job.created_by,
        email: null,
        claims: { sub: job.created_by, role: 'authenticated' },
        token: '',
      };
      try {
        for (let taken = -1; taken !== 0 && timeLeft();) {
          const [row] = await asCaller(
            creator,
            (tx) => tx<{ n: number }[]>`select app.process_bulk_job(${job.id}, ${BULK_BATCH}) as n`,
          );
          taken = row?.n ?? 0;
          result.bulk_rows += taken;
        }
      } catch (error) {
        // One broken job must not stop the others, the sends or the housekeeping.
        console.error(
          JSON.stringify({ level: 'error', job: job.id, message: `bulk job failed: ${(error as Error).message}` }),
        );
        await asCaller(
          service,
          (tx) => tx`
          update public.voucher_bulk_jobs
             set status = 'failed', finished_at = now(),
                 errors = errors || ${tx.json([{ line: 0, column: '', message: 'the job stopped on an unexpected error' }])}
           where id = ${job.id}`,
        );
      }
    }
  }

  if (request.tasks.includes('sends') && timeLeft()) {
    const due = await asCaller(
      service,
      (tx) => tx<{ id: string }[]>`
        select voucher_id as id from app.claim_due_sends(${request.send_batch}, ${SEND_LEASE_SECONDS}) as voucher_id`,
    );
    for (const { id } of due) {
      // Leases not reached this tick run out and go to a later one.
      if (!timeLeft()) break;
      result.sends.attempted += 1;
      try {
        const delivery = await deliverVoucher(service, id, { leased: true, resend: true });
        result.sends[delivery.status === 'sent' ? 'sent' : delivery.status === 'blocked' ? 'blocked' : 'failed'] += 1;
      } catch (error) {
        // A voucher voided, expired or settled since it was queued: nothing to send. Anything
        // else is logged; its lease runs out and a later tick tries again.
        if (!(error instanceof UserError)) {
          console.error(
            JSON.stringify({ level: 'error', voucherId: id, message: `send failed: ${(error as Error).message}` }),
          );
        }
        result.sends.failed += 1;
      }
    }
  }

  if (request.tasks.includes('housekeeping') && timeLeft()) {
    await asCaller(service, (tx) => tx`select app.forget_old_attempts()`);
    result.housekeeping = true;
  }

  if (request.tasks.includes('campaigns')) {
    const whatsapp = WhatsAppClient.fromEnv();
    while (timeLeft()) {
      const pass = await dispatchCampaigns({ caller: service, whatsapp, batch: request.campaign_batch });
      result.campaigns.passes += 1;
      for (const key of [
        'sent',
        'opted_out',
        'quiet',
        'throttled',
        'retrying',
        'failed',
        'finished_campaigns',
      ] as const) {
        result.campaigns[key] += pass[key];
      }
      // The throttle is full: wait for its next slot when that comes within the budget.
      // Otherwise go on while passes find work; a pass that claims nothing ends the tick.
      if (!pass.throttle_full) {
        if (pass.claimed > 0) continue;
        break;
      }
      const [slot] = await asCaller(
        service,
        (tx) => tx<{ at: Date }[]>`select app.next_send_slot_at('whatsapp') as at`,
      );
      const wait = Math.max(0, (slot?.at.getTime() ?? Date.now() + 1000) - Date.now());
      if (Date.now() - started + wait >= request.budget_ms) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  result.elapsed_ms = Date.now() - started;
  return c.json(ZSchedulerTickResponse.parse(result));
});
