/**
 * Locally the stack plays pg_cron: it calls `POST /functions/v1/scheduler/tick` with the
 * service-role key on an interval (production: docs/deploy.md). Ticks never overlap; a
 * failed tick is logged and the next one comes as usual.
 */
export interface SchedulerTimer {
  /** Runs one tick now (waiting for a running one first); resolves with its answer. */
  tickNow(): Promise<unknown>;
  stop(): Promise<void>;
}

export function startSchedulerTimer(options: {
  apiUrl: string;
  serviceRoleKey: string;
  intervalMs: number;
  log: (line: string) => void;
  fetch?: typeof fetch;
}): SchedulerTimer {
  const call = options.fetch ?? fetch;
  let inFlight: Promise<unknown> | undefined;
  let stopped = false;

  const tick = async (): Promise<unknown> => {
    const response = await call(`${options.apiUrl}/functions/v1/scheduler/tick`, {
      method: 'POST',
      headers: {
        apikey: options.serviceRoleKey,
        authorization: `Bearer ${options.serviceRoleKey}`,
        'content-type': 'application/json',
      },
      body: '{}',
      signal: AbortSignal.timeout(60_000),
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw new Error(`scheduler tick answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };

  const run = (): Promise<unknown> => {
    const current = tick().finally(() => {
      if (inFlight === current) inFlight = undefined;
    });
    inFlight = current;
    return current;
  };

  // A tick still running when the next is due is not doubled: that one is skipped.
  const timer = setInterval(() => {
    if (stopped || inFlight) return;
    run().catch((error: Error) => options.log(`scheduler tick failed: ${error.message}`));
  }, options.intervalMs);
  timer.unref();

  return {
    async tickNow() {
      await inFlight?.catch(() => undefined);
      return run();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight?.catch(() => undefined);
    },
  };
}
