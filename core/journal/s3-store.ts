import { randomBytes } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { lazyRequire } from '../lazy-require.js';
import { DEFAULT_RETRY, withRetries } from '../retry.js';
import { FOREIGN_LOCK_STALE_MS } from './locks.js';
import type { JournalRecord } from './records.js';
import type { JournalRef, JournalStore, JournalStream } from './store.js';

const sdk = lazyRequire<typeof import('@aws-sdk/client-s3')>('@aws-sdk/client-s3');

export interface S3Location {
  bucket: string;
  /** Empty, or ending in `/`. */
  prefix: string;
}

/** `s3://bucket/some/prefix/` -> bucket and `some/prefix/`. */
export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url);
  if (!m) throw new Error(`not an s3:// URL: ${url}`);
  const rest = m[2] ?? '';
  return { bucket: m[1]!, prefix: rest === '' || rest.endsWith('/') ? rest : `${rest}/` };
}

/**
 * The journal's S3 client: the SDK's default credential chain and region, the
 * endpoint from `$AWS_ENDPOINT_URL_S3`/`$AWS_ENDPOINT_URL` (path-style there,
 * as S3-compatible stores want), transient failures and throttling retried by
 * core/retry.ts.
 */
export function journalS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const custom = Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  return withRetries(
    new (sdk().S3Client)({ region, maxAttempts: 1, forcePathStyle: custom }),
    'S3',
    DEFAULT_RETRY,
  );
}

/** A stream's heartbeat object: rewritten while its run is alive, so other machines can tell. */
export const STREAM_HEARTBEAT_MS = 30_000;
const HEARTBEAT = 'heartbeat';

export interface S3JournalScope {
  /** The run ID every shard of the run shares (the stream's directory); the process's own when absent. */
  group?: string;
  /** This process's shard, for the directory name. */
  shard?: { index: number; count: number };
}

export interface S3JournalRef extends JournalRef {
  /** The run ID the shards share. */
  group: string;
  /** `2-of-4`, or `all` when the run was not sharded. */
  shard: string;
  /** When the stream last wrote a record or a heartbeat. */
  updatedAt?: string;
}

/**
 * Run journals in S3, one object stream per process (per shard, per attempt):
 * `<prefix><stack>/runs/<run-id>/<k>-of-<n>/<attempt>/<seq>-<writer>.ndjson`.
 *
 * S3 has no append, and rewriting one growing object costs the whole object
 * per record and loses it all to one torn overwrite; so each group commit is
 * a new small object (the lines queued while one PutObject ran go out in the
 * next), and a stream is its objects in key order. Every PutObject is atomic:
 * a crash loses at most the batch in flight, never an earlier record. Readers
 * list the prefix (paged) and concatenate. The stream's `heartbeat` object is
 * rewritten every STREAM_HEARTBEAT_MS while it is open, so a reader on another
 * machine can tell a run that stopped writing from one still waiting.
 */
export class S3JournalStore implements JournalStore {
  readonly #where: S3Location;
  /** Stream directories found by `list`, by attempt (to append to an earlier run's stream). */
  readonly #dirs = new Map<string, string>();

  constructor(
    readonly location: string,
    private readonly s3: S3Client,
    private readonly scope: S3JournalScope = {},
  ) {
    this.#where = parseS3Url(location);
  }

  #shardLabel(): string {
    const s = this.scope.shard;
    return s && s.count > 1 ? `${s.index + 1}-of-${s.count}` : 'all';
  }

  async open(stack: string, run: string): Promise<JournalStream> {
    safe('stack', stack);
    safe('run', run);
    const known = this.#dirs.get(`${stack}/${run}`);
    const dir =
      known ??
      `${this.#where.prefix}${stack}/runs/${safe('run ID', this.scope.group ?? run)}/${this.#shardLabel()}/${run}/`;
    // Appending to a stream another process wrote (settling its hosts): continue after its last object.
    const existing = known ? await this.#keys(dir) : [];
    const last = existing
      .map((k) => /\/(\d{8})-[0-9a-f]+\.ndjson$/.exec(k)?.[1])
      .filter((s): s is string => s !== undefined)
      .sort()
      .pop();
    return new S3GroupCommitStream(this.s3, this.#where.bucket, dir, last ? Number(last) + 1 : 0, !known);
  }

  async list(stack?: string): Promise<S3JournalRef[]> {
    const base = `${this.#where.prefix}${stack ? `${stack}/` : ''}`;
    const streams = new Map<string, { updated: string }>();
    for (const { key, modified } of await this.#objects(base)) {
      const m = /^(.*\/runs\/[^/]+\/[^/]+\/[^/]+\/)([^/]+)$/.exec(key);
      if (!m) continue;
      const dir = m[1]!;
      const seen = streams.get(dir);
      if (!seen || modified > seen.updated) streams.set(dir, { updated: modified });
    }
    const refs: S3JournalRef[] = [];
    for (const [dir, { updated }] of streams) {
      const parts = dir.slice(this.#where.prefix.length).split('/');
      // <stack>/runs/<group>/<shard>/<attempt>/
      const [s, runs, group, shard, run] = parts;
      if (!s || runs !== 'runs' || !group || !shard || !run || (stack && s !== stack)) continue;
      this.#dirs.set(`${s}/${run}`, dir);
      const mine =
        this.scope.group !== undefined && group === this.scope.group && shard === this.#shardLabel();
      const stale = Date.parse(updated) < Date.now() - FOREIGN_LOCK_STALE_MS;
      refs.push({
        ...(mine || stale ? { gone: true } : {}),
        stack: s,
        run,
        group,
        shard,
        location: `s3://${this.#where.bucket}/${dir}`,
        heartbeatAt: updated ? Date.parse(updated) : undefined,
        ...(updated ? { updatedAt: updated } : {}),
      });
    }
    return refs.sort((a, b) => a.run.localeCompare(b.run));
  }

  async read(ref: JournalRef): Promise<string> {
    const dir = parseS3Url(ref.location).prefix;
    const keys = (await this.#keys(dir)).filter((k) => k.endsWith('.ndjson')).sort();
    const { GetObjectCommand } = sdk();
    const parts = await Promise.all(
      keys.map(async (Key) => {
        const out = await this.s3.send(new GetObjectCommand({ Bucket: this.#where.bucket, Key }));
        return (await out.Body?.transformToString('utf8')) ?? '';
      }),
    );
    return parts.join('');
  }

  async #keys(prefix: string): Promise<string[]> {
    return (await this.#objects(prefix)).map((o) => o.key);
  }

  /** Every object under a prefix, across pages. */
  async #objects(prefix: string): Promise<{ key: string; modified: string }[]> {
    const { ListObjectsV2Command } = sdk();
    const out: { key: string; modified: string }[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.#where.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? [])
        if (o.Key) out.push({ key: o.Key, modified: o.LastModified?.toISOString() ?? '' });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }
}

const SAFE = /^[A-Za-z0-9._-]+$/;

function safe(what: string, value: string): string {
  if (!SAFE.test(value) || value.startsWith('.')) throw new Error(`unsafe journal ${what} "${value}"`);
  return value;
}

class S3GroupCommitStream implements JournalStream {
  #queue: { line: string; resolve(): void; reject(e: unknown): void }[] = [];
  #flushing: Promise<void> | undefined;
  #closed = false;
  /** Tells this writer's objects from another's with the same sequence number. */
  readonly #writer = randomBytes(4).toString('hex');
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly dir: string,
    private seq: number,
    /** The stream's own run: it keeps a heartbeat (not when settling another run's hosts). */
    own: boolean,
  ) {
    if (own) {
      this.#timer = setInterval(() => void this.heartbeat().catch(() => undefined), STREAM_HEARTBEAT_MS);
      this.#timer.unref();
    }
  }

  append(record: JournalRecord): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('journal is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  #put(Key: string, Body: string) {
    const { PutObjectCommand } = sdk();
    return this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key, Body, ContentType: 'application/x-ndjson' }),
    );
  }

  /** Rewrites the stream's heartbeat object (the timer calls it; tests call it directly). */
  async heartbeat(): Promise<void> {
    await this.#put(`${this.dir}${HEARTBEAT}`, new Date().toISOString());
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      const key = `${this.dir}${String(this.seq++).padStart(8, '0')}-${this.#writer}.ndjson`;
      try {
        await this.#put(key, batch.map((b) => b.line).join(''));
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.#flushing = undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#flushing;
  }
}
