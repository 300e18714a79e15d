import type { Instance } from '@aws-sdk/client-opsworks';

/**
 * One poller per play and API endpoint for every host waiting on
 * `registered`: each poll is one DescribeInstances for all pending instance
 * IDs (in chunks), so N hosts do not make N pollers. The interval starts short
 * and doubles while nothing changes (to `maxIntervalMs`, the SDK waiter's
 * 15 s); a new waiter or any progress brings it back down. Bounded by each
 * waiter's deadline.
 */
export const FAILED_STATUSES = new Set([
  'setup_failed',
  'shutting_down',
  'stopped',
  'stopping',
  'terminating',
  'terminated',
  'stop_failed',
]);

export type WaitOutcome =
  | { ok: true; instance: Instance }
  | { ok: false; reason: string; instance?: Instance };

export interface WaiterOptions {
  describe(instanceIds: string[]): Promise<Instance[]>;
  minIntervalMs?: number;
  maxIntervalMs?: number;
  chunk?: number;
  now?: () => number;
}

interface Pending {
  id: string;
  deadline: number;
  resolve(outcome: WaitOutcome): void;
  last?: Instance;
}

export class RegistrationWaiter {
  readonly #pending = new Map<string, Pending[]>();
  #running = false;
  #interval: number;
  #wake: (() => void) | undefined;
  /** DescribeInstances calls made (for tests and the bench). */
  polls = 0;

  constructor(private readonly options: WaiterOptions) {
    this.#interval = options.minIntervalMs ?? 500;
  }

  wait(instanceId: string, timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome> {
    const now = this.options.now ?? Date.now;
    return new Promise((resolve) => {
      const entry: Pending = { id: instanceId, deadline: now() + timeoutMs, resolve };
      const list = this.#pending.get(instanceId) ?? [];
      list.push(entry);
      this.#pending.set(instanceId, list);
      signal?.addEventListener('abort', () => this.#settle(entry, { ok: false, reason: 'interrupted' }), {
        once: true,
      });
      this.#interval = this.options.minIntervalMs ?? 500;
      this.#wake?.();
      if (!this.#running) void this.#loop();
    });
  }

  #settle(entry: Pending, outcome: WaitOutcome): void {
    const list = this.#pending.get(entry.id);
    if (!list?.includes(entry)) return;
    list.splice(list.indexOf(entry), 1);
    if (list.length === 0) this.#pending.delete(entry.id);
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

  async #loop(): Promise<void> {
    this.#running = true;
    const now = this.options.now ?? Date.now;
    const max = this.options.maxIntervalMs ?? 15_000;
    const chunk = this.options.chunk ?? 50;
    try {
      while (this.#pending.size > 0) {
        await this.#sleep(this.#interval);
        const ids = [...this.#pending.keys()];
        if (ids.length === 0) break;
        let progressed = false;
        for (let i = 0; i < ids.length; i += chunk) {
          let found: Instance[] = [];
          try {
            this.polls++;
            found = await this.options.describe(ids.slice(i, i + chunk));
          } catch {
            // A failed poll is retried at the next tick; deadlines still bound the wait.
            continue;
          }
          for (const instance of found) {
            const entries = [...(this.#pending.get(instance.InstanceId ?? '') ?? [])];
            for (const entry of entries) {
              if (entry.last?.Status !== instance.Status) progressed = true;
              entry.last = instance;
              if (instance.Status === 'registered') this.#settle(entry, { ok: true, instance });
              else if (FAILED_STATUSES.has(instance.Status ?? '')) {
                this.#settle(entry, {
                  ok: false,
                  reason: `instance ${instance.InstanceId} went to ${instance.Status}`,
                  instance,
                });
              }
            }
          }
        }
        const t = now();
        for (const list of [...this.#pending.values()]) {
          for (const entry of [...list]) {
            if (t >= entry.deadline) {
              this.#settle(entry, {
                ok: false,
                reason: `instance ${entry.id} not registered in time (last status: ${entry.last?.Status ?? 'unknown'})`,
                instance: entry.last,
              });
            }
          }
        }
        this.#interval = progressed ? (this.options.minIntervalMs ?? 500) : Math.min(max, this.#interval * 2);
      }
    } finally {
      this.#running = false;
    }
  }
}
