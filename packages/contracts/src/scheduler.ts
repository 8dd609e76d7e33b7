/**
 * `POST /scheduler/tick` (service role only): one round of background work. In
 * production pg_cron calls it every minute (docs/deploy.md); locally the stack does.
 */
import { z } from 'zod';

export const SCHEDULER_TASKS = ['expire', 'bulk', 'sends', 'campaigns', 'housekeeping'] as const;

export const ZSchedulerTickRequest = z
  .object({
    tasks: z
      .array(z.enum(SCHEDULER_TASKS))
      .min(1)
      .default([...SCHEDULER_TASKS]),
    /** Stop starting new work after this long (a tick must end before the next). */
    budget_ms: z.number().int().min(100).max(50_000).default(25_000),
    /** At most this many cards sent per tick. */
    send_batch: z.number().int().min(1).max(500).default(50),
    /** At most this many campaign targets per dispatcher pass (passes repeat within the budget). */
    campaign_batch: z.number().int().min(1).max(1000).default(200),
  })
  .strict();
export type TSchedulerTickRequest = z.input<typeof ZSchedulerTickRequest>;

export const ZSchedulerTickResponse = z.object({
  expired: z.number().int(),
  bulk_rows: z.number().int(),
  sends: z.object({
    attempted: z.number().int(),
    sent: z.number().int(),
    blocked: z.number().int(),
    failed: z.number().int(),
  }),
  campaigns: z.object({
    passes: z.number().int(),
    sent: z.number().int(),
    opted_out: z.number().int(),
    quiet: z.number().int(),
    throttled: z.number().int(),
    retrying: z.number().int(),
    failed: z.number().int(),
    finished_campaigns: z.number().int(),
  }),
  housekeeping: z.boolean(),
  elapsed_ms: z.number().int(),
});
export type TSchedulerTickResponse = z.infer<typeof ZSchedulerTickResponse>;
