import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunnerError } from '../../../core/errors.js';
import { derivedRunId, inShard, jumpHash, parseShard, shardOf } from '../../../core/play/shard.js';

const names = (n: number, prefix = 'host') =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}.example.com`);
const hostName = fc.stringMatching(/^[a-z][a-z0-9.-]{0,30}$/);

describe('shard partition', () => {
  it('puts every host in exactly one shard, keeping the inventory order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(hostName, { maxLength: 200 }),
        fc.integer({ min: 1, max: 16 }),
        (hosts, count) => {
          const shards = Array.from({ length: count }, (_, index) => inShard(hosts, { index, count }));
          expect(shards.flat().sort()).toEqual([...hosts].sort());
          for (const s of shards) expect(s).toEqual(hosts.filter((h) => s.includes(h)));
        },
      ),
    );
  });

  it('is balanced: with 20,000 hosts every shard is within 10% of its share', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,8}-$/), fc.integer({ min: 2, max: 10 }), (prefix, count) => {
        const sizes = new Array<number>(count).fill(0);
        for (const h of names(20_000, prefix)) sizes[shardOf(h, count)]!++;
        const share = 20_000 / count;
        // The worst case here is about 4.7 standard deviations from the share.
        for (const size of sizes) expect(Math.abs(size - share) / share).toBeLessThan(0.1);
      }),
      { numRuns: 10 },
    );
  });

  it('is stable: adding or removing hosts moves no other host', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(hostName, { minLength: 1, maxLength: 100 }),
        fc.uniqueArray(hostName, { maxLength: 20 }),
        fc.integer({ min: 1, max: 12 }),
        (hosts, added, count) => {
          const before = new Map(hosts.map((h) => [h, shardOf(h, count)]));
          const after = [...hosts, ...added.filter((h) => !before.has(h))];
          for (let index = 0; index < count; index++) {
            for (const h of inShard(after, { index, count })) {
              if (before.has(h)) expect(before.get(h)).toBe(index);
            }
          }
        },
      ),
    );
  });

  it('moves about 1/(n+1) of the hosts when a shard is added (jump consistent hashing)', () => {
    const hosts = names(5000);
    for (const n of [1, 3, 4, 7]) {
      const moved = hosts.filter((h) => shardOf(h, n) !== shardOf(h, n + 1));
      // Each moved host goes to the new shard, never between old ones.
      for (const h of moved) expect(shardOf(h, n + 1)).toBe(n);
      expect(moved.length / hosts.length).toBeGreaterThan(0.8 / (n + 1));
      expect(moved.length / hosts.length).toBeLessThan(1.2 / (n + 1));
    }
  });

  it('keeps the jump hash in range for any key and count', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 1, max: 1000 }),
        (key, n) => {
          const b = jumpHash(key, n);
          expect(b).toBeGreaterThanOrEqual(0);
          expect(b).toBeLessThan(n);
        },
      ),
    );
  });
});

describe('shard flags', () => {
  const usage = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(RunnerError);
      expect((error as RunnerError).code).toBe('USAGE');
      return (error as Error).message;
    }
    throw new Error('no error');
  };

  it('reads k/n (1-based) and index/count (0-based) alike', () => {
    expect(parseShard({ shard: '2/4' })).toEqual({ index: 1, count: 4 });
    expect(parseShard({ shardIndex: '1', shardCount: '4' })).toEqual({ index: 1, count: 4 });
    expect(parseShard({ shardCount: '4' }, { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    expect(parseShard({ shardIndex: '0', shardCount: '4' }, { JOB_COMPLETION_INDEX: '3' })).toEqual({
      index: 0,
      count: 4,
    });
    expect(parseShard({}, { JOB_COMPLETION_INDEX: '3' })).toBeUndefined();
  });

  it('refuses bad values in one line naming the flag', () => {
    expect(usage(() => parseShard({ shard: '0/4' }))).toBe('--shard "0/4": k must be between 1 and 4');
    expect(usage(() => parseShard({ shard: '5/4' }))).toBe('--shard "5/4": k must be between 1 and 4');
    expect(usage(() => parseShard({ shard: 'two' }))).toMatch(/^--shard "two": expected k\/n/);
    expect(usage(() => parseShard({ shard: '1/0' }))).toMatch(/^--shard "1\/0": the shard count/);
    expect(usage(() => parseShard({ shard: '1/4', shardCount: '4' }))).toMatch(/cannot be combined/);
    expect(usage(() => parseShard({ shardIndex: '1' }))).toBe('--shard-index needs --shard-count');
    expect(usage(() => parseShard({ shardCount: '4' }, {}))).toMatch(/JOB_COMPLETION_INDEX/);
    expect(usage(() => parseShard({ shardCount: '4' }, { JOB_COMPLETION_INDEX: '4' }))).toBe(
      '$JOB_COMPLETION_INDEX "4": must be between 0 and 3 (0-based)',
    );
    expect(usage(() => parseShard({ shardIndex: '-1', shardCount: '4' }))).toMatch(/^--shard-index "-1"/);
    expect(usage(() => parseShard({ shardIndex: '0', shardCount: 'x' }))).toMatch(/^--shard-count "x"/);
    for (const message of [usage(() => parseShard({ shard: '9/4' }))]) expect(message).not.toContain('\n');
  });

  it('derives one run ID for every shard of a run, and another for other inputs', () => {
    const base = { playbook: 'register', inventories: ['fleet.yml'], limit: 'web', count: 4 };
    expect(derivedRunId(base)).toBe(derivedRunId({ ...base }));
    expect(derivedRunId(base)).toMatch(/^run-[0-9a-f]{16}$/);
    expect(derivedRunId({ ...base, count: 5 })).not.toBe(derivedRunId(base));
    expect(derivedRunId({ ...base, limit: undefined })).not.toBe(derivedRunId(base));
    expect(derivedRunId({ ...base, inventories: ['other.yml'] })).not.toBe(derivedRunId(base));
  });
});
