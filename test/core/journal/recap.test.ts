import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutcomeJournal, RECAP_STREAM } from '../../../core/journal/outcomes.js';
import { mergeRecap } from '../../../core/journal/recap.js';
import { LocalJournalStore } from '../../../core/journal/store.js';
import type { HostStats, RunEvent } from '../../../core/output/events.js';
import { recapLines } from '../../../core/output/format.js';

const stats = (s: Partial<HostStats> = {}): HostStats => ({
  ok: 3,
  changed: 1,
  failed: 0,
  skipped: 0,
  unreachable: 0,
  rescued: 0,
  ignored: 0,
  ...s,
});

/** One shard's process, as the engine feeds its reporter: start, notices, host ends, and (if it lives) the end. */
async function shard(
  store: LocalJournalStore,
  attempt: string,
  index: number | undefined,
  hosts: { host: string; status?: 'ok' | 'failed' | 'unreachable'; msg?: string; notice?: string }[],
  options: { ends?: boolean; started?: number; group?: string } = {},
) {
  const warnings: string[] = [];
  const journal = new OutcomeJournal(
    store,
    attempt,
    { group: options.group ?? 'run-1', ...(index === undefined ? {} : { shard: { index, count: 3 } }) },
    (m) => warnings.push(m),
  );
  const events: RunEvent[] = [
    {
      type: 'run.start',
      time: new Date().toISOString(),
      playbook: 'p',
      hostCount: options.started ?? hosts.length,
      forks: 5,
    },
  ];
  for (const h of hosts) {
    if (h.notice) events.push({ type: 'notice', host: h.host, check: 'os updates', message: h.notice });
    events.push({
      type: 'host.done',
      host: h.host,
      status: h.status ?? 'ok',
      stats: stats(
        h.status === 'failed' ? { failed: 1 } : h.status === 'unreachable' ? { unreachable: 1 } : {},
      ),
      ...(h.msg ? { msg: h.msg } : {}),
    });
  }
  for (const e of events) journal.onEvent(e);
  if (options.ends !== false) await journal.close();
  else await journal.flushed(); // Its records are durable; it never ends (a killed process).
  expect(warnings).toEqual([]);
}

describe('runner recap: merging shards', () => {
  it('merges every shard into one recap, the latest attempt of a shard having the last word', async () => {
    const store = new LocalJournalStore(mkdtempSync(join(tmpdir(), 'runner-recap-')));
    await shard(store, 'a0', 0, [{ host: 'web1' }, { host: 'web4', notice: '3 updates pending' }]);
    await shard(store, 'a1', 1, [{ host: 'web2', status: 'failed', msg: 'Install: exit 1' }]);
    await shard(store, 'a2', 2, [{ host: 'web3', status: 'unreachable', msg: 'timed out' }]);
    // Shard 2 re-run: web2 now ok.
    await shard(store, 'a1-again', 1, [{ host: 'web2' }]);
    const merged = (await mergeRecap(store, 'run-1'))!;
    expect(merged.complete).toBe(true);
    expect(merged.missing).toEqual([]);
    expect(merged.shards.map((s) => `${s.shard} ${s.state} ${s.attempts.length}`)).toEqual([
      '1/3 done 1',
      '2/3 done 2',
      '3/3 done 1',
    ]);
    expect(merged.recap.hosts.map((h) => `${h.host} ${h.status}`)).toEqual([
      'web1 ok',
      'web2 ok',
      'web3 unreachable',
      'web4 ok',
    ]);
    expect(merged.recap.notices).toEqual([
      { host: 'web4', check: 'os updates', message: '3 updates pending' },
    ]);
    // Printed by the same recap printer as a run: FAILURES and NOTICES grouped.
    const text = recapLines(merged.recap).join('\n');
    expect(text).toMatch(/^web3 +: ok=3 changed=1 unreachable=1 failed=0/m);
    expect(text).toContain('3 updates pending');
  });

  it('says which shards are missing, and which stopped before they finished', async () => {
    const store = new LocalJournalStore(mkdtempSync(join(tmpdir(), 'runner-recap-')));
    await shard(store, 'b0', 0, [{ host: 'web1' }]);
    // This process (alive) wrote shard 3 and has not ended: still running.
    await shard(store, 'b2', 2, [{ host: 'web3' }], { ends: false, started: 4 });
    let merged = (await mergeRecap(store, 'run-1'))!;
    expect(merged.complete).toBe(false);
    expect(merged.missing).toEqual(['2/3']);
    expect(merged.shards.find((s) => s.shard === '3/3')).toMatchObject({
      state: 'running',
      hosts: 4,
      ended: 1,
    });

    // A stream whose process is dead and never ended: stopped.
    const stream = await store.open(RECAP_STREAM, 'b1');
    const at = new Date().toISOString();
    await stream.append({
      type: 'run',
      v: 1,
      run: 'b1',
      stack: RECAP_STREAM,
      pid: 2 ** 22 + 3,
      machine: (await import('node:os')).hostname(),
      at,
      group: 'run-1',
      shard: { index: 1, count: 3 },
    });
    await stream.append({ type: 'start', hosts: 2, at });
    await stream.close();
    merged = (await mergeRecap(store, 'run-1'))!;
    expect(merged.missing).toEqual([]);
    expect(merged.shards.find((s) => s.shard === '2/3')).toMatchObject({
      state: 'stopped',
      hosts: 2,
      ended: 0,
    });
  });

  it('picks the run started last when none is named, and finds nothing for an unknown run', async () => {
    const store = new LocalJournalStore(mkdtempSync(join(tmpdir(), 'runner-recap-')));
    // An older run, from yesterday, by hand.
    const old = await store.open(RECAP_STREAM, 'c0');
    const at = new Date(Date.now() - 86_400_000).toISOString();
    await old.append({
      type: 'run',
      v: 1,
      run: 'c0',
      stack: RECAP_STREAM,
      pid: 1,
      machine: 'elsewhere',
      at,
      group: 'run-old',
    });
    await old.append({ type: 'outcome', host: 'old', status: 'ok', stats: stats(), at });
    await old.append({ type: 'end', at });
    await old.close();
    await shard(store, 'c1', undefined, [{ host: 'new' }], { group: 'run-new' });
    expect((await mergeRecap(store))!.recap.hosts.map((h) => h.host)).toEqual(['new']);
    expect((await mergeRecap(store, 'run-old'))!.recap.hosts.map((h) => h.host)).toEqual(['old']);
    expect(await mergeRecap(store, 'nope')).toBeUndefined();
  });
});
