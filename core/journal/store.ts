import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { JournalRecord } from './records.js';

/**
 * Where run journals live. One append-only stream per run under its stack;
 * a local directory now, an S3 prefix later (one object stream per shard):
 * callers see only this interface.
 *
 * Liveness: the run that owns a journal calls `heartbeat()` on its stream
 * every LOCK_HEARTBEAT_MS while it is open, and `list()` reports the last one
 * as `heartbeatAt`, so a run on another machine (whose process cannot be
 * checked) counts as dead once that is FOREIGN_LOCK_STALE_MS old (see
 * liveness.ts). A store keeps that time apart from what others append: a run
 * settling another run's hosts opens that journal with `{ foreign: true }`,
 * and its appends must not look like the owner's heartbeat.
 */
export interface JournalStore {
  readonly location: string;
  /** Opens a run's stream; every append is durable when its promise resolves. */
  open(stack: string, run: string, options?: OpenOptions): Promise<JournalStream>;
  /** Every journal of a stack (or of every stack). */
  list(stack?: string): Promise<JournalRef[]>;
  read(ref: JournalRef): Promise<string>;
}

export interface OpenOptions {
  /** This run does not own the journal (it settles hosts another run left): its appends are no heartbeat. */
  foreign?: boolean;
}

export interface JournalRef {
  stack: string;
  run: string;
  /** Where an operator finds it (a path). */
  location: string;
  /** The owner's last heartbeat (ms since the epoch, by the store's clock), if the store has one. */
  heartbeatAt: number | undefined;
  /**
   * The store knows its writer stopped, though the header's process cannot be
   * checked from here (another machine): its heartbeat went stale, or a later
   * attempt of the same shard of the same run has started.
   */
  gone?: boolean;
}

export interface JournalStream {
  append(record: JournalRecord): Promise<void>;
  /** Marks the journal's owner alive now (the owner calls it every LOCK_HEARTBEAT_MS). */
  heartbeat(): Promise<void>;
  close(): Promise<void>;
}

/** `$RUNNER_JOURNAL_DIR`, else `~/.runner/journal`. */
export function defaultJournalDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUNNER_JOURNAL_DIR || join(homedir(), '.runner', 'journal');
}

const SAFE = /^[A-Za-z0-9._-]+$/;

function safeName(what: string, value: string): string {
  if (!SAFE.test(value) || value.startsWith('.')) throw new Error(`unsafe journal ${what} "${value}"`);
  return value;
}

/**
 * `<root>/<stack-id>/<run-id>.ndjson`, 0600 in 0700 directories. Appends from
 * many hosts at once are group-committed: the lines queued while one write
 * and fdatasync run go out together in the next. The file's mtime is the
 * owner's heartbeat (its own appends refresh it too); a foreign stream puts
 * the mtime back after each write.
 */
export class LocalJournalStore implements JournalStore {
  constructor(readonly location: string) {}

  async open(stack: string, run: string, options: OpenOptions = {}): Promise<JournalStream> {
    const dir = join(this.location, safeName('stack', stack));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${safeName('run', run)}.ndjson`);
    const fd = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    // The new name must survive a crash too: sync the directory once.
    await syncDir(dir);
    return new GroupCommitStream(fd, options.foreign === true);
  }

  async list(stack?: string): Promise<JournalRef[]> {
    const stacks = stack ? [stack] : await entries(this.location);
    const refs: JournalRef[] = [];
    for (const s of stacks) {
      if (!SAFE.test(s)) continue;
      for (const name of await entries(join(this.location, s))) {
        if (!name.endsWith('.ndjson')) continue;
        const location = join(this.location, s, name);
        refs.push({
          stack: s,
          run: name.slice(0, -'.ndjson'.length),
          location,
          heartbeatAt: await stat(location).then(
            (st) => st.mtimeMs,
            () => undefined,
          ),
        });
      }
    }
    return refs.sort((a, b) => a.run.localeCompare(b.run));
  }

  read(ref: JournalRef): Promise<string> {
    return readFile(ref.location, 'utf8');
  }
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

type Handle = Awaited<ReturnType<typeof open>>;

class GroupCommitStream implements JournalStream {
  #queue: { line: string; resolve(): void; reject(e: unknown): void }[] = [];
  #flushing: Promise<void> | undefined;
  #closed = false;

  constructor(
    private readonly fd: Handle,
    private readonly foreign: boolean,
  ) {}

  append(record: JournalRecord): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('journal is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        const before = this.foreign ? await this.fd.stat() : undefined;
        await this.fd.write(batch.map((b) => b.line).join(''));
        // Another run's appends are not its owner's sign of life.
        if (before) await this.fd.utimes(before.atime, before.mtime);
        await this.fd.datasync();
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.#flushing = undefined;
  }

  async heartbeat(): Promise<void> {
    if (this.#closed || this.foreign) return;
    const now = new Date();
    await this.fd.utimes(now, now);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#flushing;
    await this.fd.close();
  }
}
