import { constants } from 'node:fs';
import { appendFile, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { type KnownHostEntry, knownHostsLine, parseKnownHosts } from './known-hosts.js';

export const DEFAULT_RUNNER_KNOWN_HOSTS = join(homedir(), '.runner', 'known_hosts');
export const SYSTEM_KNOWN_HOSTS = [join(homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];

/**
 * The known_hosts entries of one run: every file read once (not once per host),
 * plus the keys accept-new records during the run, so a second connection to a
 * host recorded a moment ago is checked against that record.
 */
export class KnownHostsStore {
  readonly recordFile: string;
  readonly #files: string[];
  #loaded?: Promise<KnownHostEntry[]>;
  readonly #recorded: KnownHostEntry[] = [];

  constructor(files: string[], recordFile: string) {
    this.recordFile = recordFile;
    this.#files = [...new Set([recordFile, ...files])];
  }

  async entries(): Promise<KnownHostEntry[]> {
    this.#loaded ??= Promise.all(this.#files.map(readEntries)).then((lists) => lists.flat());
    const base = await this.#loaded;
    return this.#recorded.length === 0 ? base : [...base, ...this.#recorded];
  }

  /** Records a key for a host in the runner's file; safe with hundreds of callers at once. */
  async record(address: string, port: number, key: Buffer): Promise<void> {
    const line = knownHostsLine(address, port, key);
    const entry = parseKnownHosts(line, this.recordFile)[0];
    if (entry) this.#recorded.push(entry);
    await appendLine(this.recordFile, line);
  }
}

async function readEntries(file: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * One writer per file in this process: lines queue up and each flush appends
 * the whole batch with one write, under a lock file so that two runner
 * processes never interleave or duplicate lines either.
 */
interface FileQueue {
  pending: Set<string>;
  flushing?: Promise<void>;
}
const queues = new Map<string, FileQueue>();

function appendLine(file: string, line: string): Promise<void> {
  let queue = queues.get(file);
  if (!queue) {
    queue = { pending: new Set() };
    queues.set(file, queue);
  }
  queue.pending.add(line);
  return flush(file, queue);
}

async function flush(file: string, queue: FileQueue): Promise<void> {
  // Whoever is flushing takes our line in its next batch; wait for that.
  while (queue.flushing) await queue.flushing;
  if (queue.pending.size === 0) return;
  const batch = [...queue.pending];
  queue.pending.clear();
  queue.flushing = writeBatch(file, batch).finally(() => {
    queue.flushing = undefined;
  });
  await queue.flushing;
}

async function writeBatch(file: string, lines: string[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const release = await lockFile(`${file}.lock`);
  try {
    let existing = '';
    try {
      existing = await readFile(file, 'utf8');
    } catch {}
    const have = new Set(existing.split('\n').map((l) => l.trim()));
    const fresh = lines.filter((l) => !have.has(l));
    if (fresh.length === 0) return;
    const lead = existing.length > 0 && !existing.endsWith('\n') ? '\n' : '';
    await appendFile(file, `${lead}${fresh.join('\n')}\n`, { mode: 0o600 });
  } finally {
    await release();
  }
}

const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 10_000;

/** O_EXCL lock file; a lock older than LOCK_STALE_MS is a crashed writer's and is taken over. */
async function lockFile(path: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    try {
      const handle = await open(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
      await handle.close();
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(path).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS) await unlink(path).catch(() => undefined);
      else if (Date.now() > deadline)
        throw new Error(`known_hosts lock ${path} held for over ${LOCK_WAIT_MS}ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
