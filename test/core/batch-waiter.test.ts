import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { BatchWaiter } from '../../core/batch-waiter.js';

type Item = { id: string; state: string };

const waiterOf = (describeIds: (ids: string[]) => Promise<Item[]>) =>
  new BatchWaiter<Item>({
    minIntervalMs: 1,
    maxIntervalMs: 2,
    chunk: 2,
    describe: describeIds,
    idOf: (i) => i.id,
    stateOf: (i) => i.state,
    judge: (i) =>
      i.state === 'up'
        ? { done: true }
        : i.state === 'broken'
          ? { failed: `${i.id} broke` }
          : { pending: true },
    timedOut: (id, last) => `${id} not up (last: ${last?.state ?? 'never seen'})`,
  });

describe('batch waiter', () => {
  it('polls every pending ID together, in chunks, and settles each by its verdict', async () => {
    const calls: string[][] = [];
    let tick = 0;
    const waiter = waiterOf(async (ids) => {
      calls.push(ids);
      if (ids.includes('a')) tick++;
      return ids.map((id) => ({ id, state: id === 'c' ? 'broken' : tick >= 2 ? 'up' : 'starting' }));
    });
    const results = await Promise.all(['a', 'b', 'c'].map((id) => waiter.wait(id, 600_000)));
    expect(results).toEqual([
      { ok: true, item: { id: 'a', state: 'up' } },
      { ok: true, item: { id: 'b', state: 'up' } },
      { ok: false, reason: 'c broke', item: { id: 'c', state: 'broken' } },
    ]);
    // Chunks of two: the first tick asks for a+b, then c; never one call per host per tick.
    expect(calls[0]).toEqual(['a', 'b']);
    expect(calls[1]).toEqual(['c']);
  });

  it('a failed describe is retried at the next tick; an ID never listed times out with its line', async () => {
    let calls = 0;
    const waiter = waiterOf(async () => {
      calls++;
      if (calls === 1) throw new Error('throttled');
      return [];
    });
    expect(await waiter.wait('x', 30)).toEqual({ ok: false, reason: 'x not up (last: never seen)' });
    expect(calls).toBeGreaterThan(1);
  });

  it('an aborted wait ends at once as interrupted', async () => {
    const waiter = waiterOf(async (ids) => ids.map((id) => ({ id, state: 'starting' })));
    const abort = new AbortController();
    const pending = waiter.wait('a', 600_000, abort.signal);
    abort.abort();
    expect(await pending).toEqual({ ok: false, reason: 'interrupted' });
  });

  it('a settled wait leaves no listener on the run-wide signal (a fleet would pile up one per host)', async () => {
    const waiter = waiterOf(async (ids) =>
      ids.map((id) => ({
        id,
        state: id.startsWith('up') ? 'up' : id.startsWith('broken') ? 'broken' : 'starting',
      })),
    );
    const run = new AbortController();
    const outcomes = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => waiter.wait(`up-${i}`, 600_000, run.signal)),
      waiter.wait('broken-1', 600_000, run.signal),
      waiter.wait('never', 20, run.signal),
    ]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(30);
    expect(outcomes.slice(30).map((o) => o.ok)).toEqual([false, false]);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });
});
