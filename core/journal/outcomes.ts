import type { Reporter, RunEvent } from '../output/events.js';
import type { OutcomeRecord } from './records.js';
import { RunJournal } from './run-journal.js';
import type { JournalStore } from './store.js';

/**
 * The run's own stream, beside the plugins' per-stack journals: one per
 * process, named like a stack so every store keeps it the same way. No stack
 * ID starts with `_`.
 */
export const RECAP_STREAM = '_recap';

/**
 * A reporter that journals how each host ended (its recap row, its notices),
 * so that `runner recap` can merge the shards of a run run on many machines.
 * It sees events after redaction, like every reporter: no secret reaches it.
 * A write that fails is told once through `warn`; the run goes on.
 */
export class OutcomeJournal implements Reporter {
  readonly #journal: RunJournal;
  readonly #notices = new Map<string, { check: string; message: string }[]>();
  readonly #writes: Promise<void>[] = [];
  #failed = false;

  constructor(
    store: JournalStore,
    run: string,
    scope: { group?: string; shard?: { index: number; count: number } },
    private readonly warn: (message: string) => void,
  ) {
    this.#journal = new RunJournal(store, RECAP_STREAM, run, scope);
  }

  #write(record: Parameters<RunJournal['append']>[0]): void {
    this.#writes.push(
      this.#journal.append(record).catch((error) => {
        if (this.#failed) return;
        this.#failed = true;
        this.warn(`run journal ${this.#journal.store.location}: ${(error as Error).message ?? error}`);
      }),
    );
  }

  onEvent(event: RunEvent): void {
    const at = new Date().toISOString();
    if (event.type === 'run.start') this.#write({ type: 'start', hosts: event.hostCount, at });
    else if (event.type === 'notice' && event.host) {
      const list = this.#notices.get(event.host) ?? [];
      list.push({ check: event.check, message: event.message });
      this.#notices.set(event.host, list);
    } else if (event.type === 'host.done') {
      const notices = this.#notices.get(event.host);
      const record: OutcomeRecord = {
        type: 'outcome',
        host: event.host,
        status: event.status,
        stats: event.stats,
        ...(event.msg ? { msg: event.msg } : {}),
        ...(notices ? { notices } : {}),
        at,
      };
      this.#write(record);
    }
  }

  /** Resolves once every record so far is durable (or its failure told). */
  async flushed(): Promise<void> {
    await Promise.all(this.#writes);
  }

  /** Waits for every record, then ends the stream (an ended stream is a finished shard). */
  async close(): Promise<void> {
    await Promise.all(this.#writes);
    if (!this.#failed) await this.#journal.end().catch((error) => this.warn(String(error)));
  }
}
