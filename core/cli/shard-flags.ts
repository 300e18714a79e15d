import type { Command } from 'commander';
import { RunnerError } from '../errors.js';
import type { RunScope } from '../play/run-scope.js';
import { checkRunId, derivedRunId, parseShard, type ShardFlags } from '../play/shard.js';

export interface ScopeFlags extends ShardFlags {
  runId?: string;
  journal?: string;
  apiRate?: string;
}

/** `runner play`'s flags for running one shard of a fleet on one of many machines. */
export function addShardFlags(command: Command): Command {
  return command
    .option('--shard <k/n>', 'run only the k-th of n shards of the hosts (1-based), after --limit')
    .option('--shard-index <i>', 'this shard, 0-based (default: $JOB_COMPLETION_INDEX)')
    .option('--shard-count <n>', 'how many shards the hosts are split into')
    .option(
      '--run-id <id>',
      'the run ID all shards share (default: derived from playbook, inventory, limit, shard count)',
    )
    .option(
      '--journal <location>',
      'where the run journal and host locks live: a directory or s3://bucket/prefix/',
    )
    .option('--api-rate <n>', 'AWS API calls per second for the whole account, shared by the shards');
}

/** The run's scope from the flags: bad values are one line naming the flag (exit 2). */
export function scopeFromFlags(
  flags: ScopeFlags,
  inputs: { playbook: string; inventories: string[]; limit?: string },
  env: NodeJS.ProcessEnv = process.env,
): RunScope {
  const shard = parseShard(flags, env);
  const journal = flags.journal !== undefined ? checkJournal(flags.journal) : undefined;
  let apiRate: number | undefined;
  if (flags.apiRate !== undefined) {
    apiRate = Number(flags.apiRate);
    if (!Number.isFinite(apiRate) || apiRate <= 0)
      throw new RunnerError('USAGE', `--api-rate "${flags.apiRate}": expected calls per second, above 0`);
  }
  const shared = shard !== undefined || journal?.startsWith('s3://') === true;
  const id =
    flags.runId !== undefined
      ? checkRunId(flags.runId)
      : shared
        ? derivedRunId({ ...inputs, count: shard?.count ?? 1 })
        : undefined;
  return {
    ...(id ? { id } : {}),
    ...(shard ? { shard } : {}),
    ...(journal ? { journal } : {}),
    ...(apiRate ? { apiRate } : {}),
  };
}

function checkJournal(location: string): string {
  if (location.trim() === '')
    throw new RunnerError('USAGE', '--journal: expected a directory or s3://bucket/prefix/');
  if (/^s3:/i.test(location) && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(location))
    throw new RunnerError(
      'USAGE',
      `--journal "${location}": expected s3://bucket/prefix/ (a valid bucket name)`,
    );
  return location;
}
