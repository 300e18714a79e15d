import { createHash } from 'node:crypto';
import { RunnerError } from '../errors.js';

/**
 * One shard of a fleet: `index` is 0-based (as Kubernetes' JOB_COMPLETION_INDEX),
 * `count` the number of shards the run is split into.
 */
export interface Shard {
  index: number;
  count: number;
}

const MULTIPLIER = 2862933555777941757n;
const MASK = (1n << 64n) - 1n;

/**
 * Lamping and Veach's jump consistent hash: the bucket in [0, count) of a
 * 64-bit key. A host's shard depends only on its own name and the shard
 * count, so adding or removing a host moves no other host, and going from n
 * to n+1 shards moves only about 1/(n+1) of them.
 */
export function jumpHash(key: bigint, count: number): number {
  let b = -1;
  let j = 0;
  let k = key & MASK;
  while (j < count) {
    b = j;
    k = (k * MULTIPLIER + 1n) & MASK;
    j = Math.floor((b + 1) * (2 ** 31 / (Number(k >> 33n) + 1)));
  }
  return b;
}

/** The shard (0-based) an inventory host name falls in. */
export function shardOf(host: string, count: number): number {
  const key = createHash('sha256').update(host).digest().readBigUInt64BE(0);
  return jumpHash(key, count);
}

/** The hosts of `hosts` in this shard, in their order. */
export function inShard(hosts: string[], shard: Shard | undefined): string[] {
  if (!shard || shard.count === 1) return hosts;
  return hosts.filter((h) => shardOf(h, shard.count) === shard.index);
}

const usage = (message: string) => new RunnerError('USAGE', message);

function wholeNumber(flag: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw usage(`${flag} "${value}": expected a whole number`);
  return Number(value);
}

export interface ShardFlags {
  /** `--shard k/n`, 1-based. */
  shard?: string;
  /** `--shard-index i`, 0-based. */
  shardIndex?: string;
  /** `--shard-count n`. */
  shardCount?: string;
}

/**
 * The shard the flags name, or none: `--shard 2/4` (1-based, as people count),
 * or `--shard-index 1 --shard-count 4` (0-based, as a Kubernetes Indexed Job
 * numbers its pods); with `--shard-count` alone the index comes from
 * `$JOB_COMPLETION_INDEX`. Bad values are one line naming the flag.
 */
export function parseShard(flags: ShardFlags, env: NodeJS.ProcessEnv = process.env): Shard | undefined {
  if (flags.shard !== undefined) {
    if (flags.shardIndex !== undefined || flags.shardCount !== undefined)
      throw usage('--shard cannot be combined with --shard-index/--shard-count: use one or the other');
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(flags.shard);
    if (!m) throw usage(`--shard "${flags.shard}": expected k/n, e.g. --shard 2/4 (the 2nd of 4 shards)`);
    const k = Number(m[1]);
    const n = Number(m[2]);
    if (n < 1) throw usage(`--shard "${flags.shard}": the shard count must be at least 1`);
    if (k < 1 || k > n) throw usage(`--shard "${flags.shard}": k must be between 1 and ${n}`);
    return { index: k - 1, count: n };
  }
  if (flags.shardCount === undefined) {
    if (flags.shardIndex !== undefined) throw usage('--shard-index needs --shard-count');
    return undefined;
  }
  const count = wholeNumber('--shard-count', flags.shardCount);
  if (count < 1) throw usage(`--shard-count "${flags.shardCount}": must be at least 1`);
  const fromEnv = flags.shardIndex === undefined;
  const raw = flags.shardIndex ?? env.JOB_COMPLETION_INDEX;
  if (raw === undefined || raw.trim() === '')
    throw usage('--shard-count needs --shard-index, or $JOB_COMPLETION_INDEX set (a Kubernetes Indexed Job)');
  const what = fromEnv ? '$JOB_COMPLETION_INDEX' : '--shard-index';
  const index = wholeNumber(what, raw);
  if (index >= count) throw usage(`${what} "${raw}": must be between 0 and ${count - 1} (0-based)`);
  return { index, count };
}

/** `2/4` for people (1-based). */
export function shardLabel(shard: Shard): string {
  return `${shard.index + 1}/${shard.count}`;
}

/**
 * The run ID every shard of one run shares, when `--run-id` is not given:
 * derived from what all shards are started with (the playbook, the inventory
 * sources, --limit and the shard count; never the shard index), so shards
 * started on different machines meet in one journal without talking.
 */
export function derivedRunId(inputs: {
  playbook: string;
  inventories: string[];
  limit?: string;
  count: number;
}): string {
  const text = JSON.stringify([inputs.playbook, inputs.inventories, inputs.limit ?? '', inputs.count]);
  return `run-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A run ID names objects and files: letters, digits, `.`, `_`, `-`, at most 128. */
export function checkRunId(id: string): string {
  if (!RUN_ID.test(id))
    throw usage(
      `--run-id "${id}": use letters, digits, ".", "_" and "-" (at most 128, not starting with "." or "-")`,
    );
  return id;
}
