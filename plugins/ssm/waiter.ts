import type { InstanceInformation } from '@aws-sdk/client-ssm';

/**
 * One poller per play and endpoint for every host waiting for its managed
 * node to be `Online`: each tick is one DescribeInstanceInformation for all
 * pending node IDs (50 per call, the filter's limit here), as the OpsWorks
 * waiter does for its instances. The interval starts short and doubles while
 * nothing changes (to 15 s); a new waiter or any progress brings it back down.
 * Bounded by each waiter's deadline.
 */
export type NodeWaitOutcome = { ok: true; node: InstanceInformation } | { ok: false; reason: string };

export interface NodeWaiterOptions {
  describe(instanceIds: string[]): Promise<InstanceInformation[]>;
  minIntervalMs?: number;
  maxIntervalMs?: number;
  now?: () => number;
}

interface Pending {
  id: string;
  deadline: number;
  resolve(outcome: NodeWaitOutcome): void;
  last?: string;
}

const CHUNK = 50;

export class NodeWaiter {
  readonly #pending = new Map<string, Pending[]>();
  #running = false;
  #interval: number;
  #wake: (() => void) | undefined;
  /** DescribeInstanceInformation calls made (tests read it). */
  polls = 0;

  constructor(private readonly options: NodeWaiterOptions) {
    this.#interval = options.minIntervalMs ?? 500;
  }

  wait(instanceId: string, timeoutMs: number, signal?: AbortSignal): Promise<NodeWaitOutcome> {
    const now = this.options.now ?? Date.now;
    return new Promise((resolve) => {
      const entry: Pending = { id: instanceId, deadline: now() + timeoutMs, resolve };
      this.#pending.set(instanceId, [...(this.#pending.get(instanceId) ?? []), entry]);
      signal?.addEventListener('abort', () => this.#settle(entry, { ok: false, reason: 'interrupted' }), {
        once: true,
      });
      this.#interval = this.options.minIntervalMs ?? 500;
      this.#wake?.();
      if (!this.#running) void this.#loop();
    });
  }

  #settle(entry: Pending, outcome: NodeWaitOutcome): void {
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
    try {
      while (this.#pending.size > 0) {
        await this.#sleep(this.#interval);
        const ids = [...this.#pending.keys()];
        let progressed = false;
        for (let i = 0; i < ids.length; i += CHUNK) {
          let found: InstanceInformation[];
          try {
            this.polls++;
            found = await this.options.describe(ids.slice(i, i + CHUNK));
          } catch {
            // A failed poll is retried at the next tick; deadlines still bound the wait.
            continue;
          }
          for (const node of found) {
            for (const entry of [...(this.#pending.get(node.InstanceId ?? '') ?? [])]) {
              if (entry.last !== node.PingStatus) progressed = true;
              entry.last = node.PingStatus;
              if (node.PingStatus === 'Online') this.#settle(entry, { ok: true, node });
            }
          }
        }
        const t = now();
        for (const list of [...this.#pending.values()])
          for (const entry of [...list])
            if (t >= entry.deadline)
              this.#settle(entry, {
                ok: false,
                reason: `managed node ${entry.id} not Online in time (last ping status: ${entry.last ?? 'not listed'})`,
              });
        this.#interval = progressed ? (this.options.minIntervalMs ?? 500) : Math.min(max, this.#interval * 2);
      }
    } finally {
      this.#running = false;
    }
  }
}
