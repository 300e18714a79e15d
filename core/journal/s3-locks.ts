import { hostname } from 'node:os';
import type { S3Client } from '@aws-sdk/client-s3';
import { lazyRequire } from '../lazy-require.js';
import { currentOwner, isAlive } from './liveness.js';
import { type Acquired, FOREIGN_LOCK_STALE_MS, LOCK_HEARTBEAT_MS, type LockHolder } from './locks.js';
import { parseS3Url, type S3JournalScope } from './s3-store.js';

const sdk = lazyRequire<typeof import('@aws-sdk/client-s3')>('@aws-sdk/client-s3');

/** What a lock object says about its holder; the shard fields tell a shard's earlier attempt. */
export interface S3LockHolder extends LockHolder {
  group?: string;
  shard?: { index: number; count: number };
}

/** What the ledger needs of host locks, whatever holds them (files here, objects in S3). */
export interface HostLockSet {
  acquire(host: string): Promise<Acquired>;
  release(host: string): Promise<void>;
  heartbeat(): Promise<void>;
  stop(): void;
}

const keyName = (host: string) =>
  /^[A-Za-z0-9._-]+$/.test(host) && !host.startsWith('.') ? host : `${Buffer.from(host).toString('hex')}.hex`;

const errorName = (error: unknown) => (error as { name?: string })?.name ?? '';

/**
 * Host locks as S3 objects, `<prefix><stack>/locks/<host>`, so that shards on
 * different machines never own one host at once. Taking a lock is
 * `PutObject If-None-Match: *`: S3 lets exactly one writer create the key and
 * answers the others 412. A lock is taken over, with `If-Match` on the ETag
 * read (so two takers cannot both win), when its holder is:
 * - an earlier attempt of this very shard of this run (the shard was killed
 *   and is being re-run: one process per shard index at a time);
 * - a dead process on this machine;
 * - on another machine, and its heartbeat (the object's LastModified, rewritten
 *   every LOCK_HEARTBEAT_MS while held) is older than FOREIGN_LOCK_STALE_MS.
 */
export class S3HostLocks implements HostLockSet {
  readonly #bucket: string;
  readonly #dir: string;
  /** Held locks: host -> the ETag of our lock object. */
  readonly #held = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    location: string,
    private readonly s3: S3Client,
    readonly stack: string,
    readonly run: string,
    private readonly scope: S3JournalScope = {},
    /** The clock a foreign heartbeat's age is read against (tests set it; no waiting 10 minutes). */
    private readonly now: () => number = Date.now,
  ) {
    const where = parseS3Url(location);
    this.#bucket = where.bucket;
    this.#dir = `${where.prefix}${stack}/locks/`;
  }

  #me(): S3LockHolder {
    return {
      ...currentOwner(),
      run: this.run,
      ...(this.scope.group ? { group: this.scope.group } : {}),
      ...(this.scope.shard ? { shard: this.scope.shard } : {}),
    };
  }

  async #put(
    host: string,
    condition: { IfNoneMatch: '*' } | { IfMatch: string },
  ): Promise<string | undefined> {
    const { PutObjectCommand } = sdk();
    try {
      const out = await this.s3.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#dir + keyName(host),
          Body: JSON.stringify(this.#me()),
          ContentType: 'application/json',
          ...condition,
        }),
      );
      return out.ETag ?? '';
    } catch (error) {
      // Someone else wrote it first (or it went away under If-Match): not ours.
      if (/PreconditionFailed|NoSuchKey|ConditionalRequestConflict/.test(errorName(error))) return undefined;
      throw error;
    }
  }

  async #read(host: string): Promise<{ holder?: S3LockHolder; etag: string; modified: number } | undefined> {
    const { GetObjectCommand } = sdk();
    try {
      const out = await this.s3.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#dir + keyName(host) }),
      );
      const text = (await out.Body?.transformToString('utf8')) ?? '';
      let holder: S3LockHolder | undefined;
      try {
        holder = JSON.parse(text) as S3LockHolder;
      } catch {
        // Not a lock we can read: treated as stale once its heartbeat is.
      }
      return {
        ...(holder ? { holder } : {}),
        etag: out.ETag ?? '',
        modified: out.LastModified?.getTime() ?? 0,
      };
    } catch (error) {
      if (errorName(error) === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  #takeable(found: { holder?: S3LockHolder; modified: number }): boolean {
    const h = found.holder;
    if (h?.run === this.run) return true;
    // On this machine the process itself is checked: nothing beats that.
    if (h && h.machine === hostname()) return !isAlive(h, undefined);
    const sameShard =
      h?.group !== undefined &&
      h.group === this.scope.group &&
      h.shard?.index === this.scope.shard?.index &&
      h.shard?.count === this.scope.shard?.count;
    if (sameShard) return true;
    return this.now() - found.modified >= FOREIGN_LOCK_STALE_MS;
  }

  async acquire(host: string): Promise<Acquired> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const created = await this.#put(host, { IfNoneMatch: '*' });
      if (created !== undefined) return this.#hold(host, created);
      const found = await this.#read(host);
      if (!found) continue; // Released between our write and our read: try again.
      if (!this.#takeable(found))
        return { ok: false, holder: found.holder ?? { ...this.#me(), run: 'unknown' } };
      const taken = await this.#put(host, { IfMatch: found.etag });
      if (taken !== undefined) return this.#hold(host, taken);
    }
    const found = await this.#read(host);
    return { ok: false, holder: found?.holder ?? { ...this.#me(), run: 'unknown' } };
  }

  #hold(host: string, etag: string): Acquired {
    this.#held.set(host, etag);
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.heartbeat().catch(() => undefined), LOCK_HEARTBEAT_MS);
      this.#timer.unref();
    }
    return { ok: true };
  }

  /** Rewrites every held lock over its own ETag (its LastModified is the heartbeat). */
  async heartbeat(): Promise<void> {
    await Promise.all(
      [...this.#held.entries()].map(async ([host, etag]) => {
        const next = await this.#put(host, { IfMatch: etag });
        // Taken over (we were presumed dead): no longer ours.
        if (next === undefined) this.#held.delete(host);
        else this.#held.set(host, next);
      }),
    );
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async release(host: string): Promise<void> {
    this.#held.delete(host);
    if (this.#held.size === 0) this.stop();
    const found = await this.#read(host);
    if (found?.holder?.run !== this.run) return;
    const { DeleteObjectCommand } = sdk();
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#dir + keyName(host) }));
  }
}
