import { mkdir, open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { currentOwner, isAlive, LOCK_HEARTBEAT_MS, type Owner } from './liveness.js';

export { FOREIGN_LOCK_STALE_MS, LOCK_HEARTBEAT_MS } from './liveness.js';

/**
 * One owner per host and stack at a time: two runs on the same stack never
 * work on the same host at once. A lock is a small file made with O_EXCL;
 * a lock whose owner died is stale and taken over. While held, its
 * modification time is refreshed every LOCK_HEARTBEAT_MS (a heartbeat): a
 * lock from another machine, whose process cannot be checked from here, is
 * stale once it has not been refreshed for FOREIGN_LOCK_STALE_MS (that
 * machine crashed, lost its network, or was closed).
 */
export interface LockHolder extends Owner {
  run: string;
}

export type Acquired = { ok: true } | { ok: false; holder: LockHolder };

const fileName = (host: string) =>
  /^[A-Za-z0-9._-]+$/.test(host) && !host.startsWith('.')
    ? `${host}.lock`
    : `${Buffer.from(host).toString('hex')}.hex.lock`;

export class HostLocks {
  constructor(
    readonly root: string,
    readonly stack: string,
    readonly run: string,
  ) {}

  readonly #held = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  #path(host: string): string {
    return join(this.root, this.stack, 'locks', fileName(host));
  }

  async acquire(host: string): Promise<Acquired> {
    const path = this.#path(host);
    await mkdir(join(this.root, this.stack, 'locks'), { recursive: true, mode: 0o700 });
    const me: LockHolder = { ...currentOwner(), run: this.run };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = await open(path, 'wx', 0o600);
        try {
          await fd.write(JSON.stringify(me));
          await fd.sync();
        } finally {
          await fd.close();
        }
        this.#hold(path);
        return { ok: true };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const text = await readFile(path, 'utf8').catch(() => '');
      let holder: LockHolder | undefined;
      try {
        holder = JSON.parse(text) as LockHolder;
      } catch {
        // Torn by a crash between create and write: its owner is gone.
      }
      if (holder && holder.run === this.run) return { ok: true };
      if (holder && (await this.#alive(path, holder))) return { ok: false, holder };
      // Stale: take it over, unless someone else already did.
      const again = await readFile(path, 'utf8').catch(() => '');
      if (again === text) await unlink(path).catch(() => undefined);
    }
    const holder = JSON.parse(await readFile(this.#path(host), 'utf8')) as LockHolder;
    return { ok: false, holder };
  }

  /** Same machine: its process is checked. Another machine: alive while its heartbeat is fresh. */
  async #alive(path: string, holder: LockHolder): Promise<boolean> {
    const heartbeatAt = await stat(path).then(
      (s) => s.mtimeMs,
      () => undefined,
    );
    return isAlive(holder, heartbeatAt);
  }

  #hold(path: string): void {
    this.#held.add(path);
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.heartbeat(), LOCK_HEARTBEAT_MS);
      // The heartbeat never keeps the process alive on its own.
      this.#timer.unref();
    }
  }

  /** Refreshes every lock this run holds (the timer calls it; tests call it directly). */
  async heartbeat(): Promise<void> {
    const now = new Date();
    await Promise.all([...this.#held].map((path) => utimes(path, now, now).catch(() => undefined)));
  }

  /** Stops the heartbeat (the play ended); the locks themselves are released per host. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async release(host: string): Promise<void> {
    const path = this.#path(host);
    this.#held.delete(path);
    if (this.#held.size === 0) this.stop();
    const text = await readFile(path, 'utf8').catch(() => '');
    try {
      if ((JSON.parse(text) as LockHolder).run !== this.run) return;
    } catch {
      return;
    }
    await unlink(path).catch(() => undefined);
  }
}
