import type { HostStats, HostStatus } from '../output/events.js';

/**
 * A run journal's records, one JSON object per line (NDJSON). An `intent` is
 * written (and flushed) before an external side effect, its `done` or
 * `failed` after it; a `host` record settles a host (committed, rolled back,
 * or reconciled by a later run). What an `op` means, and which fields it
 * carries, belongs to the plugin that writes it (`iam.user`,
 * `opsworks.register`, `ssm.activation`, ...). Records carry names, IDs and
 * paths only: never a secret.
 */
export interface RunHeader {
  type: 'run';
  v: 1;
  run: string;
  stack: string;
  pid: number;
  machine: string;
  at: string;
  /** The run ID every shard of the run shares (`--run-id`), when the run is sharded or shared. */
  group?: string;
  /** This stream's shard (0-based index), when the run is sharded. */
  shard?: { index: number; count: number };
}

export interface EffectRecord {
  type: 'intent' | 'done' | 'failed';
  host: string;
  op: string;
  at: string;
  /** The error's name, on `failed`. */
  error?: string;
  /** Names, IDs and paths the op needs to be finished or undone (never a secret). */
  [field: string]: string | undefined;
}

export type HostState = 'committed' | 'rolled-back' | 'reconciled';

export interface HostRecord {
  type: 'host';
  host: string;
  state: HostState;
  at: string;
  /** The run that settled it, when not the journal's own (reconciliation). */
  by?: string;
  note?: string;
}

/** The play started with this many hosts (in the run's recap stream). */
export interface StartRecord {
  type: 'start';
  hosts: number;
  at: string;
}

/**
 * How a host ended, as its recap row says (in the run's recap stream): what
 * `runner recap` merges across shards. Written by the engine for every host,
 * whatever the playbook; the message and notices come redacted, as every
 * reporter sees them.
 */
export interface OutcomeRecord {
  type: 'outcome';
  host: string;
  status: HostStatus;
  stats: HostStats;
  msg?: string;
  notices?: { check: string; message: string }[];
  at: string;
}

export interface EndRecord {
  type: 'end';
  at: string;
}

export type JournalRecord = RunHeader | EffectRecord | HostRecord | StartRecord | OutcomeRecord | EndRecord;

/** A journal's text back into records; malformed lines (a torn last write after a crash) are counted, not thrown. */
export function readRecords(text: string): { records: JournalRecord[]; torn: number } {
  const records: JournalRecord[] = [];
  let torn = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      torn++;
    }
  }
  return { records, torn };
}
