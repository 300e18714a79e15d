import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../../support/cli.js';

/**
 * The live view on a real pseudo-terminal (util-linux `script`), as a user
 * sees it: the first frame comes before the first play (so before any host is
 * connected), per-task progress, colour, Ctrl-C (a ^C typed into the
 * terminal) acknowledged on screen, and `interrupted` in the summary.
 * Ordering is checked on the output, never the clock.
 */
const SCRIPT = '/usr/bin/script';
const hasScript = existsSync(SCRIPT);
if (!hasScript && process.env.CI) throw new Error(`the terminal test needs ${SCRIPT} (util-linux)`);

describe.runIf(hasScript)('live view on a terminal', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-pty-'));
    writeFileSync(
      join(dir, 'inv.yml'),
      'all:\n  vars:\n    ansible_connection: local\n  hosts:\n    a:\n    b:\n    c:\n',
    );
    writeFileSync(
      join(dir, 'site.yml'),
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - name: nap',
        `      shell: touch ${dir}/started-{{ inventory_hostname }} && sleep 2`,
        '    - name: never reached',
        `      shell: touch ${dir}/second-{{ inventory_hostname }}`,
        '',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows a frame first, task progress in colour, and Ctrl-C as interrupted', {
    timeout: 600_000,
  }, async () => {
    const env = { ...process.env, TERM: 'xterm-256color' } as Record<string, string | undefined>;
    delete env.CI;
    delete env.NO_COLOR;
    delete env.FORCE_COLOR;
    const command = `stty cols 160 rows 40; exec ${process.execPath} ${BIN} play site.yml -i inv.yml`;
    const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], {
      cwd: dir,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let raw = '';
    let sentCtrlC = false;
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdout.on('data', (d) => {
      raw += d;
      // Ctrl-C once every host is inside the first task: the moment is chosen by what is on screen.
      if (!sentCtrlC && stripVTControlCharacters(raw).includes('running: nap (3 hosts)')) {
        sentCtrlC = true;
        child.stdin.write('\u0003');
      }
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    const code = await exit;
    clearTimeout(killer);
    const text = stripVTControlCharacters(raw);
    expect(sentCtrlC, text).toBe(true);
    expect(code, text).toBe(99);
    expect(text.indexOf('starting: loading inventory and playbook'), text).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('starting:'), text).toBeLessThan(text.indexOf('PLAY [all]'));
    expect(text).toContain('task 1/2 [nap]');
    expect(text).toMatch(/\[[█░]{20}\] \d+%/);
    expect(raw).toMatch(/\u001b\[3\dm/);
    expect(text).toContain('stopping: no new tasks start');
    expect(text).toMatch(/3 hosts in [\d.]+s: 0 ok, 0 failed, 0 unreachable, 3 interrupted/);
    expect(existsSync(join(dir, 'second-a'))).toBe(false);
  });
});
