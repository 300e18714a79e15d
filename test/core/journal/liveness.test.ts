import { mkdtempSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOREIGN_LOCK_STALE_MS, isAlive } from '../../../core/journal/liveness.js';
import { RunJournal } from '../../../core/journal/run-journal.js';
import { LocalJournalStore } from '../../../core/journal/store.js';

const dir = () => mkdtempSync(join(tmpdir(), 'liveness-'));
const longAgo = () => new Date(Date.now() - FOREIGN_LOCK_STALE_MS - 60_000);

describe('journal liveness', () => {
  it('an owner on another machine is alive while its heartbeat is fresh, dead after FOREIGN_LOCK_STALE_MS or without one', () => {
    const far = { machine: 'another-machine', pid: process.pid };
    const now = Date.now();
    expect(isAlive(far, now - 1_000, now)).toBe(true);
    expect(isAlive(far, now - FOREIGN_LOCK_STALE_MS - 1, now)).toBe(false);
    expect(isAlive(far, undefined, now)).toBe(false);
  });

  it('on this machine the process decides, not the heartbeat', () => {
    const now = Date.now();
    expect(isAlive({ machine: hostname(), pid: process.pid }, undefined, now)).toBe(true);
    // pid 2^22+1 is above Linux's pid_max: never alive, however fresh its file.
    expect(isAlive({ machine: hostname(), pid: 4_194_305 }, now, now)).toBe(false);
  });

  it("the owner's heartbeat refreshes its journal; list() reports it as heartbeatAt", async () => {
    const root = dir();
    const store = new LocalJournalStore(root);
    const journal = new RunJournal(store, 's', 'run-a');
    await journal.append({
      type: 'intent',
      host: 'h',
      op: 'iam.user',
      user: 'u',
      at: new Date().toISOString(),
    });
    const file = join(root, 's', 'run-a.ndjson');
    utimesSync(file, longAgo(), longAgo());
    const [stale] = await store.list('s');
    expect(stale!.heartbeatAt).toBe(statSync(file).mtimeMs);
    expect(isAlive({ machine: 'another-machine', pid: 1 }, stale!.heartbeatAt)).toBe(false);
    await journal.heartbeat();
    const [fresh] = await store.list('s');
    expect(isAlive({ machine: 'another-machine', pid: 1 }, fresh!.heartbeatAt)).toBe(true);
    await journal.end();
    // An ended journal has no owner any more: nothing refreshes it.
    utimesSync(file, longAgo(), longAgo());
    await journal.heartbeat();
    expect(Date.now() - statSync(file).mtimeMs).toBeGreaterThan(FOREIGN_LOCK_STALE_MS);
  });

  it("another run's appends (settling hosts) are not the owner's heartbeat", async () => {
    const root = dir();
    const store = new LocalJournalStore(root);
    const owner = await store.open('s', 'run-dead');
    await owner.append({
      type: 'intent',
      host: 'h',
      op: 'iam.user',
      user: 'u',
      at: new Date().toISOString(),
    });
    await owner.close();
    const file = join(root, 's', 'run-dead.ndjson');
    const old = longAgo();
    utimesSync(file, old, old);
    const settler = await store.open('s', 'run-dead', { foreign: true });
    await settler.append({
      type: 'host',
      host: 'h',
      state: 'reconciled',
      by: 'run-b',
      at: new Date().toISOString(),
    });
    await settler.heartbeat();
    await settler.close();
    expect(readFileSync(file, 'utf8')).toContain('"state":"reconciled"');
    const [ref] = await store.list('s');
    // Still the owner's old heartbeat (to the file system's precision), so still stale.
    expect(Math.abs(ref!.heartbeatAt! - old.getTime())).toBeLessThan(1000);
    expect(ref!.heartbeatAt!).toBeLessThan(Date.now() - FOREIGN_LOCK_STALE_MS);
  });
});
