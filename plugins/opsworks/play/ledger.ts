import { type JournalBackend, journalBackend } from '../../../core/journal/backend.js';
import { newRunId, RunJournal } from '../../../core/journal/run-journal.js';
import type { HostLockSet } from '../../../core/journal/s3-locks.js';
import { defaultJournalDir } from '../../../core/journal/store.js';
import type { RunScope } from '../../../core/play/run-scope.js';
import type { Secret } from '../../../core/secret.js';
import type { IamLedger } from '../credentials/iam-user.js';
import { loadPending, type PendingHost } from '../journal/reconcile.js';
import type { RegisterOptions } from '../options.js';

export interface HostRecord {
  /** The host's options when this run first made something for it (rollback needs its clients). */
  options?: RegisterOptions;
  iam?: IamLedger;
  credentials?: { accessKeyId: string; secretAccessKey: Secret };
  /** The instance this run registered (from the installer's output). */
  instanceId?: string;
  /** Registration confirmed (or not waited for): nothing to roll back any more. */
  committed?: boolean;
  rolledBack?: string[];
  /** Rollback left something behind: the journal keeps the host open for the next run. */
  rollbackFailed?: boolean;
  /** boot-registration started and its outcome was never read (connection lost, killed): not ours to undo now. */
  bootInFlight?: boolean;
  /** Registered before this run (the instance ID): nothing is made for it. */
  already?: string;
  /** This run holds the host's lock (released when the host ends). */
  locked?: boolean;
}

/**
 * What this run made, per host (in memory, for rollback) and on disk (the
 * run journal, for the next run after a crash), plus the per-host locks and
 * what earlier runs on the same stack left open.
 */
export class RunLedger {
  /** This run's ID: names its journals and its host locks. */
  readonly run: string;
  readonly #hosts = new Map<string, HostRecord>();
  readonly #journals = new Map<string, RunJournal>();
  readonly #locks = new Map<string, HostLockSet>();
  readonly #backends = new Map<string, JournalBackend>();

  /** `scope`: the run's `--journal`, `--run-id` and shard, which win over `opsworks_journal_dir`. */
  constructor(private readonly scope: RunScope = {}) {
    this.run = scope.attempt ?? newRunId();
  }
  readonly #pending = new Map<string, Promise<Map<string, PendingHost[]>>>();

  host(name: string): HostRecord {
    let record = this.#hosts.get(name);
    if (!record) {
      record = {};
      this.#hosts.set(name, record);
    }
    return record;
  }

  hostRecords(): [string, HostRecord][] {
    return [...this.#hosts.entries()];
  }

  #key(o: RegisterOptions): { backend: JournalBackend; key: string } {
    const dir = this.scope.journal ?? o.journalDir ?? defaultJournalDir();
    let backend = this.#backends.get(dir);
    if (!backend) {
      backend = journalBackend(dir, { group: this.scope.id, shard: this.scope.shard });
      this.#backends.set(dir, backend);
    }
    return { backend, key: `${dir}|${o.stackId}` };
  }

  /** This run's journal for the host's stack (opened on its first record). */
  journal(o: RegisterOptions): RunJournal {
    const { backend, key } = this.#key(o);
    let journal = this.#journals.get(key);
    if (!journal) {
      journal = new RunJournal(backend.store, o.stackId, this.run, {
        group: this.scope.id,
        shard: this.scope.shard,
      });
      this.#journals.set(key, journal);
    }
    return journal;
  }

  locks(o: RegisterOptions): HostLockSet {
    const { backend, key } = this.#key(o);
    let locks = this.#locks.get(key);
    if (!locks) {
      locks = backend.locks(o.stackId, this.run);
      this.#locks.set(key, locks);
    }
    return locks;
  }

  /** What earlier runs on this stack left open, per host (read once per play). */
  pending(o: RegisterOptions): Promise<Map<string, PendingHost[]>> {
    const { key } = this.#key(o);
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = loadPending(this.journal(o).store, o.stackId, this.run);
      pending.catch(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  /** Stops the lock heartbeats and closes the journal backends (when the play ends). */
  stopHeartbeats(): void {
    for (const locks of this.#locks.values()) locks.stop();
    for (const backend of this.#backends.values()) backend.close();
  }

  /** Every journal this play wrote, closed with an `end` record. */
  async endJournals(): Promise<void> {
    await Promise.all([...this.#journals.values()].map((j) => j.end()));
  }

  /** Marks a host of earlier runs' journals as settled by this run (appended to each of them). */
  async settlePending(o: RegisterOptions, host: string, pending: PendingHost[], note: string): Promise<void> {
    const store = this.journal(o).store;
    for (const p of pending) {
      const stream = await store.open(p.ref.stack, p.ref.run, { foreign: true });
      try {
        await stream.append({
          type: 'host',
          host,
          state: 'reconciled',
          at: new Date().toISOString(),
          by: this.run,
          note,
        });
      } finally {
        await stream.close();
      }
    }
  }
}
