import { randomBytes } from 'node:crypto';
import type { EffectJournal } from '../plugin/types.js';
import { currentOwner, LOCK_HEARTBEAT_MS } from './liveness.js';
import type { EffectRecord, HostState, JournalRecord } from './records.js';
import type { JournalStore, JournalStream } from './store.js';

/** A run ID that sorts by time and never collides between shards: `20261130T010203Z-<pid>-<hex>`. */
export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * One run's journal for one stack, owned by the play that opened it. The
 * stream opens on the first record (a run that changes nothing leaves no
 * file); `end()` closes it with an `end` record. While open, the journal's
 * heartbeat is refreshed every LOCK_HEARTBEAT_MS, so a run on another machine
 * sees this run alive until it ends or dies.
 */
export class RunJournal {
  #stream: Promise<JournalStream> | undefined;
  #ended = false;
  #timer: NodeJS.Timeout | undefined;
  /** Hosts this run journaled an effect for: only those get a settling record. */
  readonly #hosts = new Set<string>();

  constructor(
    readonly store: JournalStore,
    readonly stack: string,
    readonly run: string,
    /** The shared run ID and this process's shard, written in the header for recaps across shards. */
    readonly scope: { group?: string; shard?: { index: number; count: number } } = {},
  ) {}

  #open(): Promise<JournalStream> {
    this.#stream ??= (async () => {
      const stream = await this.store.open(this.stack, this.run);
      await stream.append({
        type: 'run',
        v: 1,
        run: this.run,
        stack: this.stack,
        ...currentOwner(),
        at: new Date().toISOString(),
        ...(this.scope.group ? { group: this.scope.group } : {}),
        ...(this.scope.shard ? { shard: this.scope.shard } : {}),
      });
      this.#timer = setInterval(() => void stream.heartbeat().catch(() => undefined), LOCK_HEARTBEAT_MS);
      // The heartbeat never keeps the process alive on its own.
      this.#timer.unref();
      return stream;
    })();
    return this.#stream;
  }

  get opened(): boolean {
    return this.#stream !== undefined;
  }

  async append(record: JournalRecord): Promise<void> {
    await (await this.#open()).append(record);
  }

  /** The journal as the credential modes and steps of one host see it. */
  forHost(host: string): EffectJournal {
    return {
      effect: async (op, fields, fn, outcome) => {
        this.#hosts.add(host);
        const base = { host, op, ...clean(fields) };
        await this.append({ type: 'intent', ...base, at: now() } as EffectRecord);
        let value: Awaited<ReturnType<typeof fn>>;
        try {
          value = await fn();
        } catch (error) {
          const name = (error as { name?: string })?.name ?? 'Error';
          await this.append({ type: 'failed', ...base, at: now(), error: name } as EffectRecord);
          throw error;
        }
        await this.append({
          type: 'done',
          ...base,
          ...clean(outcome ? outcome(value) : {}),
          at: now(),
        } as EffectRecord);
        return value;
      },
    };
  }

  /** Settles a host: nothing of it is left for a later run (only written if this run wrote about it). */
  async settle(host: string, state: HostState, note?: string): Promise<void> {
    if (!this.#hosts.has(host)) return;
    await this.append({ type: 'host', host, state, at: now(), ...(note ? { note } : {}) });
  }

  /** Refreshes the journal's heartbeat now (the timer calls it; tests call it directly). */
  async heartbeat(): Promise<void> {
    if (this.#ended || !this.#stream) return;
    await (await this.#stream).heartbeat();
  }

  async end(): Promise<void> {
    if (this.#ended || !this.#stream) return;
    this.#ended = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    const stream = await this.#stream;
    await stream.append({ type: 'end', at: now() });
    await stream.close();
  }
}

const now = () => new Date().toISOString();

function clean(fields: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
}
