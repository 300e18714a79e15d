import { mkdtempSync, utimesSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { FOREIGN_LOCK_STALE_MS } from '../../../../core/journal/liveness.js';
import { LocalJournalStore } from '../../../../core/journal/store.js';
import { registerJournalCommands } from '../../../../plugins/opsworks/journal/cli.js';

/** `runner journal list|show` as an operator reads them, on journals written here and on another machine. */
async function journal(args: string[]): Promise<string> {
  let out = '';
  const program = new Command().exitOverride();
  registerJournalCommands(program, {
    out: (text) => {
      out += text;
    },
  });
  await program.parseAsync(['journal', ...args], { from: 'user' });
  return out;
}

async function write(root: string, run: string, machine: string, pid: number, ended = false): Promise<void> {
  const store = new LocalJournalStore(root);
  const stream = await store.open('s', run);
  const at = new Date().toISOString();
  await stream.append({ type: 'run', v: 1, run, stack: 's', pid, machine, at });
  await stream.append({ type: 'intent', host: `h-${run}`, op: 'iam.user', user: `u-${run}`, at });
  await stream.append({ type: 'done', host: `h-${run}`, op: 'iam.user', user: `u-${run}`, at });
  if (ended) await stream.append({ type: 'end', at });
  await stream.close();
}

describe('runner journal list and show', () => {
  it('a run on another machine shows running while its heartbeat is fresh, crashed once it is stale', async () => {
    const root = mkdtempSync(join(tmpdir(), 'journal-cli-'));
    await write(root, 'far', 'another-machine', 1);
    // pid 2^22+1 is above Linux's pid_max: a dead run of this machine.
    await write(root, 'dead', hostname(), 4_194_305);
    await write(root, 'done', hostname(), 4_194_305, true);
    const lines = (await journal(['list', '--dir', root])).trim().split('\n');
    expect(lines).toEqual([
      's  dead  crashed  1 hosts, 1 open: h-dead',
      's  done  ended  1 hosts, 1 open: h-done',
      's  far  running  1 hosts, 1 open: h-far',
    ]);
    const old = new Date(Date.now() - FOREIGN_LOCK_STALE_MS - 60_000);
    utimesSync(join(root, 's', 'far.ndjson'), old, old);
    expect(await journal(['list', '--dir', root, '--stack-id', 's'])).toContain(
      's  far  crashed  1 hosts, 1 open: h-far',
    );
    const shown = await journal(['show', 'far', '--dir', root]);
    expect(shown).toContain('run far on stack s: crashed (pid 1 on another-machine');
    expect(shown).toContain('  h-far: open: user u-far');
  });

  it('a run that left many hosts open lists five of them on its one line, and says how many more', async () => {
    const root = mkdtempSync(join(tmpdir(), 'journal-cli-'));
    const stream = await new LocalJournalStore(root).open('s', 'big');
    const at = new Date().toISOString();
    await stream.append({
      type: 'run',
      v: 1,
      run: 'big',
      stack: 's',
      pid: 4_194_305,
      machine: hostname(),
      at,
    });
    for (let i = 12; i >= 1; i--) {
      await stream.append({ type: 'intent', host: `web-${i}`, op: 'iam.user', user: `u-${i}`, at });
    }
    await stream.close();
    expect((await journal(['list', '--dir', root])).trim().split('\n')).toEqual([
      's  big  crashed  12 hosts, 12 open: web-1, web-2, web-3, web-4, web-5 and 7 more',
    ]);
  });
});
