import { definePlayState } from '../plugin/play-state.js';
import type { Shard } from './shard.js';

/**
 * What a run was started with that plugins with durable state need: the run
 * ID all shards share, this process's shard, where the journal lives, the
 * account-wide API budget. The executor seeds it into every play's state
 * store (`ctx.state.get(RUN_SCOPE)`); a module run alone sees `{}`.
 */
export interface RunScope {
  /** Shared by every shard of one run (`--run-id`, or derived from the inputs). */
  id?: string;
  /** This process's own ID within the run (names its journal streams and host locks). */
  attempt?: string;
  shard?: Shard;
  /** `--journal`: a directory or `s3://bucket/prefix/`. */
  journal?: string;
  /** `--api-rate`: calls per second for the whole account, split between shards. */
  apiRate?: number;
}

export const RUN_SCOPE = definePlayState<RunScope>('run scope', () => ({}));
