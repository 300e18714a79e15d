import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newRunId, RunJournal } from '../../../../core/journal/run-journal.js';
import { LocalJournalStore } from '../../../../core/journal/store.js';
import { loadPending } from '../../../../plugins/opsworks/journal/reconcile.js';
import { isOpen, parseJournal } from '../../../../plugins/opsworks/journal/records.js';

const dir = () => mkdtempSync(join(tmpdir(), 'journal-'));

describe('run journal', () => {
  it('writes intent before the effect runs and the outcome after, to <dir>/<stack>/<run>.ndjson, 0600', async () => {
    const root = dir();
    const store = new LocalJournalStore(root);
    const run = newRunId();
    const journal = new RunJournal(store, 'stack-1', run);
    const file = join(root, 'stack-1', `${run}.ndjson`);
    const seenDuringEffect: string[] = [];
    await journal.forHost('web1').effect('iam.user', { user: 'OpsWorks-s-web1' }, async () => {
      // The intent is on disk before the call it announces.
      seenDuringEffect.push(readFileSync(file, 'utf8'));
    });
    expect(seenDuringEffect[0]).toMatch(/"type":"intent","host":"web1","op":"iam.user"/);
    expect(seenDuringEffect[0]).not.toMatch(/"type":"done"/);
    await journal.forHost('web1').effect(
      'iam.access-key',
      { user: 'OpsWorks-s-web1' },
      async () => ({ id: 'AKIA1', secret: 'sekrit' }),
      (k) => ({ accessKeyId: k.id }),
    );
    await journal.end();
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('sekrit');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const summary = parseJournal(text);
    expect(summary.header).toMatchObject({ run, stack: 'stack-1', pid: process.pid });
    expect(summary.ended).toBe(true);
    const web1 = summary.hosts.get('web1')!;
    expect(web1.users).toEqual([{ name: 'OpsWorks-s-web1', sure: true, at: expect.any(String) }]);
    expect(web1.keys).toEqual([{ user: 'OpsWorks-s-web1', accessKeyId: 'AKIA1' }]);
    expect(isOpen(web1)).toBe(true);
  });

  it('a failed effect is journaled and rethrown; a user that already existed is never ours', async () => {
    const root = dir();
    const journal = new RunJournal(new LocalJournalStore(root), 's', newRunId());
    const boom = Object.assign(new Error('exists'), { name: 'EntityAlreadyExistsException' });
    await expect(
      journal.forHost('h').effect('iam.user', { user: 'u' }, () => Promise.reject(boom)),
    ).rejects.toBe(boom);
    await journal.end();
    const [ref] = await journal.store.list('s');
    const h = parseJournal(readFileSync(ref!.location, 'utf8')).hosts.get('h')!;
    expect(h.users).toEqual([]);
    expect(isOpen(h)).toBe(false);
  });

  it('a crash between intent and outcome leaves the intent: the user counts as possibly made', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const text = [
      JSON.stringify({ type: 'run', v: 1, run: 'r', stack: 's', pid: 1, machine: 'm', at }),
      JSON.stringify({ type: 'intent', host: 'h', op: 'iam.user', user: 'u', at }),
      '{"type":"done","host":"h","op":"iam.us', // torn by the crash
    ].join('\n');
    const summary = parseJournal(text);
    expect(summary.torn).toBe(1);
    expect(summary.ended).toBe(false);
    expect(summary.hosts.get('h')!.users).toEqual([{ name: 'u', sure: false, at }]);
  });

  it('settling a host closes it; a rolled-back host keeps temp dirs not known removed', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const rec = (r: object) => JSON.stringify({ at, ...r });
    const base = [
      rec({ type: 'intent', host: 'h', op: 'iam.user', user: 'u' }),
      rec({ type: 'done', host: 'h', op: 'iam.user', user: 'u' }),
      rec({ type: 'intent', host: 'h', op: 'host.temp-dir', path: 'opsworks-register.abcdEFGH' }),
      rec({ type: 'done', host: 'h', op: 'host.temp-dir', path: 'opsworks-register.abcdEFGH' }),
    ];
    const rolled = parseJournal([...base, rec({ type: 'host', host: 'h', state: 'rolled-back' })].join('\n'));
    expect(rolled.hosts.get('h')).toMatchObject({ users: [], tempDirs: ['opsworks-register.abcdEFGH'] });
    expect(isOpen(rolled.hosts.get('h')!)).toBe(true);
    const removed = parseJournal(
      [
        ...base,
        rec({ type: 'intent', host: 'h', op: 'host.temp-dir-removed', path: 'opsworks-register.abcdEFGH' }),
        rec({ type: 'done', host: 'h', op: 'host.temp-dir-removed', path: 'opsworks-register.abcdEFGH' }),
        rec({ type: 'host', host: 'h', state: 'committed' }),
      ].join('\n'),
    );
    expect(isOpen(removed.hosts.get('h')!)).toBe(false);
    const reconciled = parseJournal(
      [...base, rec({ type: 'host', host: 'h', state: 'reconciled', by: 'r2' })].join('\n'),
    );
    expect(isOpen(reconciled.hosts.get('h')!)).toBe(false);
  });

  it('the next run sees what a dead run left, but not what a live run is doing', async () => {
    const root = dir();
    const store = new LocalJournalStore(root);
    const at = new Date().toISOString();
    const write = async (run: string, pid: number) => {
      const stream = await store.open('s', run);
      await stream.append({
        type: 'run',
        v: 1,
        run,
        stack: 's',
        pid,
        machine: (await import('node:os')).hostname(),
        at,
      });
      await stream.append({ type: 'intent', host: `h-${run}`, op: 'iam.user', user: 'u', at });
      await stream.close();
    };
    // pid 2^22+1 is above Linux's pid_max: never alive.
    await write('dead', 4_194_305);
    await write('alive', process.pid);
    const pending = await loadPending(store, 's', 'me');
    expect([...pending.keys()]).toEqual(['h-dead']);
  });
});

describe('run journal from another machine', () => {
  it('is left to its run while its heartbeat is fresh; the next run reconciles it once the heartbeat is stale', async () => {
    const { utimesSync } = await import('node:fs');
    const { FOREIGN_LOCK_STALE_MS } = await import('../../../../core/journal/liveness.js');
    const root = dir();
    const store = new LocalJournalStore(root);
    const at = new Date().toISOString();
    const stream = await store.open('s', 'far');
    await stream.append({
      type: 'run',
      v: 1,
      run: 'far',
      stack: 's',
      pid: 1,
      machine: 'another-machine',
      at,
    });
    await stream.append({ type: 'intent', host: 'web1', op: 'iam.user', user: 'u', at });
    await stream.close();
    expect([...(await loadPending(store, 's', 'me')).keys()]).toEqual([]);
    const old = new Date(Date.now() - FOREIGN_LOCK_STALE_MS - 60_000);
    utimesSync(join(root, 's', 'far.ndjson'), old, old);
    expect([...(await loadPending(store, 's', 'me')).keys()]).toEqual(['web1']);
  });
});
