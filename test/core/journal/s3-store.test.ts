import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOREIGN_LOCK_STALE_MS } from '../../../core/journal/liveness.js';
import { readRecords } from '../../../core/journal/records.js';
import { RunJournal } from '../../../core/journal/run-journal.js';
import { S3HostLocks } from '../../../core/journal/s3-locks.js';
import { parseS3Url, S3JournalStore } from '../../../core/journal/s3-store.js';
import { type Sandbox, startSandbox } from '../../../sandbox/index.js';
import { clientConfig } from '../../sandbox/support.js';

/** The S3 journal store and host locks against the sandbox's S3 (real SDK, real HTTP, conditional writes). */
let sb: Sandbox;
let s3: S3Client;
const URL = 's3://journals/fleet/';

beforeAll(async () => {
  sb = await startSandbox({ hosts: 0 });
  s3 = new S3Client({ ...clientConfig(sb), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'journals' }));
});
afterAll(async () => {
  s3?.destroy();
  await sb?.stop();
});

const objectKeys = async (prefix: string) =>
  ((await s3.send(new ListObjectsV2Command({ Bucket: 'journals', Prefix: prefix }))).Contents ?? []).map(
    (o) => o.Key ?? '',
  );

describe('S3 journal store', () => {
  it('parses s3:// locations', () => {
    expect(parseS3Url('s3://b/p/q/')).toEqual({ bucket: 'b', prefix: 'p/q/' });
    expect(parseS3Url('s3://b/p')).toEqual({ bucket: 'b', prefix: 'p/' });
    expect(parseS3Url('s3://b')).toEqual({ bucket: 'b', prefix: '' });
  });

  it('writes one stream per shard as small objects, group-committed, read back in order', async () => {
    const store = new S3JournalStore(URL, s3, { group: 'run-a', shard: { index: 1, count: 4 } });
    const journal = new RunJournal(store, 'stack1', 'attempt-1', {
      group: 'run-a',
      shard: { index: 1, count: 4 },
    });
    // 50 hosts journal at once: far fewer objects than records, none lost.
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        journal.forHost(`web${i}`).effect('iam.user', { user: `u${i}` }, async () => i),
      ),
    );
    await journal.settle('web0', 'committed');
    await journal.end();
    const dir = 'fleet/stack1/runs/run-a/2-of-4/attempt-1/';
    const objects = (await objectKeys(dir)).filter((k) => k.endsWith('.ndjson'));
    expect(objects.length).toBeGreaterThan(1);
    expect(objects.length).toBeLessThan(100);

    const other = new S3JournalStore(URL, s3, { group: 'run-a', shard: { index: 2, count: 4 } });
    const refs = await other.list('stack1');
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatchObject({ stack: 'stack1', run: 'attempt-1', group: 'run-a', shard: '2-of-4' });
    expect(refs[0]?.gone).toBeUndefined();
    const { records, torn } = readRecords(await other.read(refs[0]!));
    expect(torn).toBe(0);
    expect(records[0]).toMatchObject({
      type: 'run',
      run: 'attempt-1',
      group: 'run-a',
      shard: { index: 1, count: 4 },
    });
    expect(records.filter((r) => r.type === 'intent')).toHaveLength(50);
    expect(records.filter((r) => r.type === 'done')).toHaveLength(50);
    // Intent before done for every host, as written.
    for (let i = 0; i < 50; i++) {
      const at = (type: string) =>
        records.findIndex((r) => r.type === type && 'host' in r && r.host === `web${i}`);
      expect(at('intent')).toBeLessThan(at('done'));
    }
    expect(records.at(-1)?.type).toBe('end');

    // Another process settles a host of that stream: it appends after the stream's last object.
    const stream = await other.open('stack1', 'attempt-1');
    await stream.append({
      type: 'host',
      host: 'web1',
      state: 'reconciled',
      at: new Date().toISOString(),
      by: 'x',
    });
    await stream.close();
    const again = readRecords(await other.read(refs[0]!)).records;
    expect(again.at(-1)).toMatchObject({ type: 'host', host: 'web1', state: 'reconciled' });
    expect(again).toHaveLength(records.length + 1);

    // The same shard of the same run, started again, sees this stream as its predecessor's.
    const successor = new S3JournalStore(URL, s3, { group: 'run-a', shard: { index: 1, count: 4 } });
    expect((await successor.list('stack1'))[0]?.gone).toBe(true);
  });
});

describe('S3 host locks', () => {
  const scope = (index: number) => ({ group: 'run-l', shard: { index, count: 4 } });

  it('lets exactly one of many racing shards own a host, and the next once it is released', async () => {
    const lockers = Array.from(
      { length: 8 },
      (_, i) => new S3HostLocks(URL, s3, 'stack2', `attempt-${i}`, scope(i % 4)),
    );
    // Shards 0..3 on one "machine" would take over each other's dead locks; these are all alive (this process).
    const results = await Promise.all(lockers.map((l) => l.acquire('db1')));
    const owners = results.filter((r) => r.ok);
    expect(owners.length).toBe(1);
    for (const r of results) if (!r.ok) expect(r.holder.pid).toBe(process.pid);
    const winner = lockers[results.findIndex((r) => r.ok)]!;
    const loser = lockers[results.findIndex((r) => !r.ok)]!;
    // Its own lock again: still ours. The heartbeat rewrites it over its own ETag.
    expect(await winner.acquire('db1')).toEqual({ ok: true });
    await winner.heartbeat();
    expect((await loser.acquire('db1')).ok).toBe(false);
    await winner.release('db1');
    expect(await loser.acquire('db1')).toEqual({ ok: true });
    await loser.release('db1');
    for (const l of lockers) l.stop();
    expect(await objectKeys('fleet/stack2/locks/')).toEqual([]);
  });

  it('takes over a lock of a dead process on this machine, and of an earlier attempt of its own shard elsewhere', async () => {
    const key = 'fleet/stack3/locks/';
    const put = (host: string, holder: object) =>
      s3.send(new PutObjectCommand({ Bucket: 'journals', Key: key + host, Body: JSON.stringify(holder) }));
    const { hostname } = await import('node:os');
    await put('dead', { machine: hostname(), pid: 2 ** 22 + 1, run: 'old' });
    await put('pod', {
      machine: 'pod-xyz',
      pid: 7,
      run: 'old',
      group: 'run-t',
      shard: { index: 2, count: 4 },
    });
    await put('busy', {
      machine: 'pod-abc',
      pid: 7,
      run: 'other',
      group: 'run-t',
      shard: { index: 1, count: 4 },
    });
    const locks = new S3HostLocks(URL, s3, 'stack3', 'new-attempt', {
      group: 'run-t',
      shard: { index: 2, count: 4 },
    });
    expect(await locks.acquire('dead')).toEqual({ ok: true });
    expect(await locks.acquire('pod')).toEqual({ ok: true });
    // Another shard on another machine, heartbeat fresh: not ours.
    const busy = await locks.acquire('busy');
    expect(busy.ok).toBe(false);
    expect(!busy.ok && busy.holder).toMatchObject({ machine: 'pod-abc', run: 'other' });
    locks.stop();
  });

  it('takes over a lock from another machine whose heartbeat is older than the stale age, not a fresh one', async () => {
    const key = 'fleet/stack4/locks/';
    // Another machine, another run, no shard of ours: only its heartbeat (LastModified) can tell.
    const holder = { machine: 'controller-b', pid: 4242, run: 'run-b' };
    await s3.send(
      new PutObjectCommand({ Bucket: 'journals', Key: `${key}web1`, Body: JSON.stringify(holder) }),
    );
    const heartbeat = (
      await s3.send(new HeadObjectCommand({ Bucket: 'journals', Key: `${key}web1` }))
    ).LastModified!.getTime();
    // The clock is set, not waited for: one second before the stale age, then at it.
    const fresh = new S3HostLocks(
      URL,
      s3,
      'stack4',
      'run-a',
      {},
      () => heartbeat + FOREIGN_LOCK_STALE_MS - 1000,
    );
    const refused = await fresh.acquire('web1');
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.holder).toMatchObject(holder);
    const stale = new S3HostLocks(URL, s3, 'stack4', 'run-a', {}, () => heartbeat + FOREIGN_LOCK_STALE_MS);
    expect(await stale.acquire('web1')).toEqual({ ok: true });
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: 'journals', Key: `${key}web1` }))
    ).Body!.transformToString();
    expect(JSON.parse(body)).toMatchObject({ run: 'run-a', pid: process.pid });
    // Now run-a's (alive, this process): run-b coming back after its pause does not get it.
    const back = new S3HostLocks(URL, s3, 'stack4', 'run-b', {}, () => heartbeat + 2 * FOREIGN_LOCK_STALE_MS);
    expect((await back.acquire('web1')).ok).toBe(false);
    await stale.release('web1');
    for (const l of [fresh, stale, back]) l.stop();
    expect(await objectKeys(key)).toEqual([]);
  });
});
