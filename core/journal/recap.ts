import type { Recap, RecapRow } from '../output/events.js';
import { isAlive } from './liveness.js';
import { RECAP_STREAM } from './outcomes.js';
import { type OutcomeRecord, type RunHeader, readRecords } from './records.js';
import type { JournalRef, JournalStore } from './store.js';

/** Where one attempt of a shard got to. */
export type ShardState = 'done' | 'running' | 'stopped';

export interface ShardReport {
  /** `2/4` (1-based), or `all` for a run that was not sharded. */
  shard: string;
  state: ShardState;
  /** Hosts the shard started with, and how many of them ended (its latest attempt). */
  hosts: number;
  ended: number;
  /** Attempts of this shard, oldest first (a re-run after a crash is a second attempt). */
  attempts: { run: string; machine: string; pid: number; at: string; state: ShardState }[];
}

export interface RunRecap {
  run: string;
  /** How many shards the run was split into (1 when not sharded). */
  count: number;
  shards: ShardReport[];
  /** Shards (1-based `k/n`) with no record at all: never started, or their journal is elsewhere. */
  missing: string[];
  recap: Recap;
  /** Every shard done and none missing. */
  complete: boolean;
}

interface Stream {
  ref: JournalRef;
  header: RunHeader;
  start?: number;
  outcomes: OutcomeRecord[];
  ended: boolean;
  lastAt: string;
}

async function readStreams(store: JournalStore): Promise<Stream[]> {
  const streams: Stream[] = [];
  for (const ref of await store.list(RECAP_STREAM)) {
    const { records } = readRecords(await store.read(ref));
    const header = records.find((r): r is RunHeader => r.type === 'run');
    if (!header) continue;
    const stream: Stream = { ref, header, outcomes: [], ended: false, lastAt: header.at };
    for (const r of records) {
      if (r.type === 'start') stream.start = r.hosts;
      else if (r.type === 'outcome') stream.outcomes.push(r);
      else if (r.type === 'end') stream.ended = true;
      if ('at' in r && typeof r.at === 'string' && r.at > stream.lastAt) stream.lastAt = r.at;
    }
    streams.push(stream);
  }
  return streams;
}

const runOf = (s: Stream) => s.header.group ?? s.header.run;

function stateOf(s: Stream): ShardState {
  if (s.ended) return 'done';
  // The store knows its writer stopped (stale heartbeat, or a later attempt of the shard started).
  if (s.ref.gone) return 'stopped';
  return isAlive(s.header, s.ref.heartbeatAt) ? 'running' : 'stopped';
}

/**
 * One recap for a run whose shards ran as separate processes, maybe on many
 * machines: every shard's outcome records merged (per host, the latest
 * attempt's word), each shard's state (done, still running, stopped before it
 * finished), and the shards never seen. Without `run`, the run most recently
 * started.
 */
export async function mergeRecap(store: JournalStore, run?: string): Promise<RunRecap | undefined> {
  const all = await readStreams(store);
  if (all.length === 0) return undefined;
  const latest = [...all].sort((a, b) => a.header.at.localeCompare(b.header.at)).at(-1)!;
  const chosen = run
    ? all.filter((s) => runOf(s) === run || s.header.run === run)
    : all.filter((s) => runOf(s) === runOf(latest));
  if (chosen.length === 0) return undefined;
  chosen.sort((a, b) => a.header.at.localeCompare(b.header.at));
  const count = Math.max(...chosen.map((s) => s.header.shard?.count ?? 1));
  const byShard = new Map<number, Stream[]>();
  for (const s of chosen) {
    const index = s.header.shard?.index ?? 0;
    byShard.set(index, [...(byShard.get(index) ?? []), s]);
  }
  const label = (index: number) => (count > 1 ? `${index + 1}/${count}` : 'all');
  const shards: ShardReport[] = [];
  const rows = new Map<string, OutcomeRecord>();
  for (const [index, attempts] of [...byShard.entries()].sort((a, b) => a[0] - b[0])) {
    const latest = attempts.at(-1)!;
    // Oldest first: a later attempt's word on a host replaces an earlier one's.
    for (const s of attempts) for (const o of s.outcomes) rows.set(o.host, o);
    shards.push({
      shard: label(index),
      state: stateOf(latest),
      hosts: latest.start ?? latest.outcomes.length,
      ended: latest.outcomes.length,
      attempts: attempts.map((s) => ({
        run: s.header.run,
        machine: s.header.machine,
        pid: s.header.pid,
        at: s.header.at,
        state: s === latest ? stateOf(s) : s.ended ? 'done' : 'stopped',
      })),
    });
  }
  const missing = Array.from({ length: count }, (_, i) => i)
    .filter((i) => !byShard.has(i))
    .map(label);
  const hosts: RecapRow[] = [...rows.values()]
    .map((o) => ({ host: o.host, status: o.status, ...(o.msg ? { msg: o.msg } : {}), ...o.stats }))
    .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  const notices = [...rows.values()]
    .flatMap((o) => (o.notices ?? []).map((n) => ({ host: o.host, ...n })))
    .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  const first = Date.parse(chosen[0]!.header.at);
  const last = Math.max(...chosen.map((s) => Date.parse(s.lastAt)));
  return {
    run: runOf(chosen[0]!),
    count,
    shards,
    missing,
    recap: { hosts, durationMs: Math.max(0, last - first), notices },
    complete: missing.length === 0 && shards.every((s) => s.state === 'done'),
  };
}
