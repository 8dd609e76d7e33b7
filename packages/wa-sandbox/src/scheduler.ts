/**
 * Cancellable waits for the status timeline and webhook retries. `stop()` clears every
 * pending timer (its `sleep` resolves `false`, so the waiting work ends quietly) and aborts
 * in-flight webhook requests through `signal`. A stopped scheduler stays stopped: a reset
 * replaces it, so work begun before the reset cannot outlive it.
 */
export class Scheduler {
  readonly #pending = new Map<NodeJS.Timeout, () => void>();
  readonly #work = new Set<Promise<unknown>>();
  readonly #controller = new AbortController();

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get stopped(): boolean {
    return this.#controller.signal.aborted;
  }

  /** Resolves `true` after `ms`, or `false` at once (or later) if the scheduler stops. */
  sleep(ms: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(timer);
        resolve(true);
      }, ms);
      this.#pending.set(timer, () => resolve(false));
    });
  }

  /** Runs background work and remembers it until it settles (see `idle`). */
  track(work: Promise<unknown>): void {
    const settled = work.catch(() => undefined).finally(() => this.#work.delete(settled));
    this.#work.add(settled);
  }

  /** Resolves once all tracked background work has settled, including work started meanwhile. */
  async idle(): Promise<void> {
    while (this.#work.size > 0) await Promise.all([...this.#work]);
  }

  /** Cancels every pending wait and aborts in-flight requests. */
  stop(): void {
    this.#controller.abort();
    for (const [timer, cancel] of this.#pending) {
      clearTimeout(timer);
      cancel();
    }
    this.#pending.clear();
  }
}
