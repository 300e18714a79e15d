import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../../support/cli.js';

// Ctrl-C once: no new task starts, the running one finishes, the recap prints.
// Twice: the running command is killed too. Either way: exit 99, recap shown.
describe('interrupting a run', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-interrupt-'));
    writeFileSync(
      join(dir, 'inv.yml'),
      'all:\n  vars:\n    ansible_connection: local\n  hosts:\n    a:\n    b:\n',
    );
    writeFileSync(
      join(dir, 'slow.yml'),
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - name: slow',
        `      shell: touch ${dir}/started-{{ inventory_hostname }} && sleep 3 && touch ${dir}/finished-{{ inventory_hostname }}`,
        '    - name: never',
        `      shell: touch ${dir}/second-{{ inventory_hostname }}`,
        '',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function start() {
    const child = spawn(process.execPath, [BIN, 'play', 'slow.yml', '-i', 'inv.yml'], {
      cwd: dir,
      env: { ...process.env, CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const started = async () => {
      const deadline = Date.now() + 60_000;
      while (!existsSync(join(dir, 'started-a')) || !existsSync(join(dir, 'started-b'))) {
        if (Date.now() > deadline) throw new Error(`the slow task never started\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    return { child, exit, started, output: () => out };
  }

  const clean = () => {
    for (const f of ['started', 'finished', 'second'])
      for (const h of ['a', 'b']) rmSync(join(dir, `${f}-${h}`), { force: true });
  };

  it('lets running commands finish on the first Ctrl-C and starts nothing new', async () => {
    clean();
    const run = start();
    await run.started();
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(99);
    expect(existsSync(join(dir, 'finished-a'))).toBe(true);
    expect(existsSync(join(dir, 'second-a'))).toBe(false);
    expect(run.output()).toContain('stopping: no new tasks start');
    expect(run.output()).toContain('PLAY RECAP');
  });

  it('kills running commands on the second Ctrl-C, and still prints the recap', async () => {
    clean();
    const run = start();
    await run.started();
    run.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(99);
    expect(existsSync(join(dir, 'finished-a'))).toBe(false);
    expect(run.output()).toContain('killing running commands');
    expect(run.output()).toContain('PLAY RECAP');
  });
});
