/**
 * One poller for every host of a play waiting on the same kind of thing
 * (an OpsWorks instance `registered`, an SSM managed node `Online`): each
 * tick is one describe call per chunk of pending IDs for the whole fleet, so
 * N hosts never make N pollers. The interval starts short and doubles while
 * nothing changes (to `maxIntervalMs`, the SDK waiters' 15 s); a new waiter or
 * any progress brings it back down. Each waiter is bounded by its deadline
 * and its abort signal. What "done", "failed" and "progress" mean belongs to
 * the service: `judge` says it for one described item.
 */
export type BatchWaitOutcome<T> = { ok: true; item: T } | { ok: false; reason: string; item?: T };

export type Verdict = { done: true } | { failed: string } | { pending: true };

export interface BatchWaiterOptions<T> {
  describe(ids: string[]): Promise<T[]>;
  /** The ID a described item answers for. */
  idOf(item: T): string | undefined;
  /** The item's state, compared with the last one seen to tell progress. */
  stateOf(item: T): string | undefined;
  judge(item: T): Verdict;
  /** The line for a waiter whose deadline passed (the last item seen, if any). */
  timedOut(id: string, last: T | undefined): string;
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** IDs per describe call (the API's filter limit). */
  chunk?: number;
  now?: () => number;
}

interface Pending<T> {
  id: string;
  deadline: number;
  resolve(outcome: BatchWaitOutcome<T>): void;
  last?: T;
  /** Removes this waiter's abort listener: settled waiters must not pile up on a run-wide signal. */
  unlisten(): void;
}

export class BatchWaiter<T> {
  readonly #pending = new Map<string, Pending<T>[]>();
  #running = false;
  #interval: number;
  #wake: (() => void) | undefined;
  /** Describe calls made (tests and the bench read it). */
  polls = 0;

  constructor(private readonly options: BatchWaiterOptions<T>) {
    this.#interval = options.minIntervalMs ?? 500;
  }

  wait(id: string, timeoutMs: number, signal?: AbortSignal): Promise<BatchWaitOutcome<T>> {
    const now = this.options.now ?? Date.now;
    return new Promise((resolve) => {
      const onAbort = () => this.#settle(entry, { ok: false, reason: 'interrupted' });
      const entry: Pending<T> = {
        id,
        deadline: now() + timeoutMs,
        resolve,
        unlisten: () => signal?.removeEventListener('abort', onAbort),
      };
      this.#pending.set(id, [...(this.#pending.get(id) ?? []), entry]);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#interval = this.options.minIntervalMs ?? 500;
      this.#wake?.();
      if (!this.#running) void this.#loop();
    });
  }

  #settle(entry: Pending<T>, outcome: BatchWaitOutcome<T>): void {
    const list = this.#pending.get(entry.id);
    if (!list?.includes(entry)) return;
    list.splice(list.indexOf(entry), 1);
    if (list.length === 0) this.#pending.delete(entry.id);
    entry.unlisten();
    entry.resolve(outcome);
  }

  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
    this.#wake = undefined;
  }

  /** One tick: describe every pending ID, settle what is done or failed; true when something changed. */
  async #poll(): Promise<boolean> {
    const { describe, idOf, stateOf, judge } = this.options;
    const chunk = this.options.chunk ?? 50;
    const ids = [...this.#pending.keys()];
    let progressed = false;
    for (let i = 0; i < ids.length; i += chunk) {
      let found: T[];
      try {
        this.polls++;
        found = await describe(ids.slice(i, i + chunk));
      } catch {
        // A failed poll is retried at the next tick; deadlines still bound the wait.
        continue;
      }
      for (const item of found) {
        for (const entry of [...(this.#pending.get(idOf(item) ?? '') ?? [])]) {
          if (entry.last === undefined || stateOf(entry.last) !== stateOf(item)) progressed = true;
          entry.last = item;
          const verdict = judge(item);
          if ('done' in verdict) this.#settle(entry, { ok: true, item });
          else if ('failed' in verdict) this.#settle(entry, { ok: false, reason: verdict.failed, item });
        }
      }
    }
    return progressed;
  }

  async #loop(): Promise<void> {
    this.#running = true;
    const now = this.options.now ?? Date.now;
    const min = this.options.minIntervalMs ?? 500;
    const max = this.options.maxIntervalMs ?? 15_000;
    try {
      while (this.#pending.size > 0) {
        await this.#sleep(this.#interval);
        const progressed = await this.#poll();
        const t = now();
        for (const list of [...this.#pending.values()])
          for (const entry of [...list])
            if (t >= entry.deadline)
              this.#settle(entry, {
                ok: false,
                reason: this.options.timedOut(entry.id, entry.last),
                ...(entry.last !== undefined ? { item: entry.last } : {}),
              });
        this.#interval = progressed ? min : Math.min(max, this.#interval * 2);
      }
    } finally {
      this.#running = false;
    }
  }
}
