import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOREIGN_LOCK_STALE_MS, HostLocks } from '../../../core/journal/locks.js';

const dir = () => mkdtempSync(join(tmpdir(), 'locks-'));

describe('host locks', () => {
  it('one run per host; a second waits, a dead owner is taken over', async () => {
    const root = dir();
    const a = new HostLocks(root, 's', 'run-a');
    const b = new HostLocks(root, 's', 'run-b');
    expect(await a.acquire('web1')).toEqual({ ok: true });
    const held = await b.acquire('web1');
    expect(held).toMatchObject({ ok: false, holder: { run: 'run-a', pid: process.pid } });
    await a.release('web1');
    expect(await b.acquire('web1')).toEqual({ ok: true });
    // A lock whose process is gone is stale.
    const { writeFileSync } = await import('node:fs');
    const { hostname } = await import('node:os');
    writeFileSync(
      join(root, 's', 'locks', 'web2.lock'),
      JSON.stringify({ run: 'run-dead', pid: 4_194_305, machine: hostname() }),
    );
    expect(await a.acquire('web2')).toEqual({ ok: true });
    // Host names that are not plain file names are encoded, never used as paths.
    expect(await a.acquire('../../etc/x')).toEqual({ ok: true });
    a.stop();
    b.stop();
  });

  it('a lock from another machine is alive while its heartbeat is fresh, stale after FOREIGN_LOCK_STALE_MS', async () => {
    const root = dir();
    const { mkdirSync, writeFileSync, utimesSync } = await import('node:fs');
    mkdirSync(join(root, 's', 'locks'), { recursive: true });
    const path = join(root, 's', 'locks', 'web1.lock');
    writeFileSync(path, JSON.stringify({ run: 'run-far', pid: 1, machine: 'another-machine' }));
    const me = new HostLocks(root, 's', 'run-me');
    expect(await me.acquire('web1')).toMatchObject({ ok: false, holder: { machine: 'another-machine' } });
    const old = new Date(Date.now() - FOREIGN_LOCK_STALE_MS - 60_000);
    utimesSync(path, old, old);
    expect(await me.acquire('web1')).toEqual({ ok: true });
    me.stop();
  });

  it("the holder's heartbeat refreshes its locks, so another machine sees them alive", async () => {
    const root = dir();
    const { statSync, utimesSync } = await import('node:fs');
    const a = new HostLocks(root, 's', 'run-a');
    expect(await a.acquire('web1')).toEqual({ ok: true });
    const path = join(root, 's', 'locks', 'web1.lock');
    const old = new Date(Date.now() - FOREIGN_LOCK_STALE_MS - 60_000);
    utimesSync(path, old, old);
    await a.heartbeat();
    expect(Date.now() - statSync(path).mtimeMs).toBeLessThan(FOREIGN_LOCK_STALE_MS);
    await a.release('web1');
  });
});
