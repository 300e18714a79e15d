import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ansibleAvailable, runAnsiblePlaybook } from '../../support/ansible-playbook.js';
import { runCli } from '../../support/cli.js';

/**
 * What a user reads at default verbosity, against ansible-playbook 2.14 on the
 * same playbook: `--diff` of a changed template and a new file (with and
 * without --check), a `debug` message, and a failed command's msg, rc and
 * stderr. Both run on this machine (connection local), each under its own root.
 */
const FIXTURES = fileURLToPath(new URL('../../fixtures/output/', import.meta.url));
const run = ansibleAvailable();

/** The unified diffs in an output, from `--- before` to the blank line that ends each. */
function diffs(output: string, root: string): string[] {
  const out: string[] = [];
  const lines = output.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith('--- before')) continue;
    const block: string[] = [];
    for (; i < lines.length && lines[i] !== ''; i++) block.push(lines[i] ?? '');
    out.push(
      block
        .join('\n')
        .replaceAll(root, '<root>')
        // Ansible names a temp file there (its copy of the template, or the inline content written
        // out); runner names the template, and nothing for inline content.
        .replace(/^\+\+\+ after(: .*)?$/m, '+++ after: <source>'),
    );
  }
  return out;
}

describe.runIf(run)('default output, parity with ansible-playbook 2.14', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-parity-output-'));
    writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\n');
    writeFileSync(
      join(dir, 'inventory.yml'),
      'all:\n  hosts:\n    web1:\n      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n      owner: ops\n',
    );
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const both = async (playbook: string, flags: string[] = [], name = playbook) => {
    const roots = { ansible: join(dir, name, 'ansible'), runner: join(dir, name, 'runner') };
    for (const root of Object.values(roots)) {
      mkdirSync(root, { recursive: true });
      // The host already has a motd, which the template changes in its second line.
      writeFileSync(join(root, 'motd'), 'Welcome to web1\nmanaged by hand\nline three\nline four\n');
    }
    const args = (root: string) => [
      '-i',
      join(dir, 'inventory.yml'),
      join(FIXTURES, playbook),
      '-e',
      `out_root=${root}`,
      ...flags,
    ];
    const a = await runAnsiblePlaybook({
      dir,
      controlDir: dir,
      knownHostsFile: '/dev/null',
      args: args(roots.ansible),
    });
    const r = await runCli(['play', ...args(roots.runner)], { cwd: dir, env: { HOME: dir } });
    return {
      a,
      r,
      roots,
      context: `--- ansible ---\n${a.stdout}${a.stderr}\n--- runner ---\n${r.stdout}${r.stderr}`,
    };
  };

  for (const flags of [['--diff'], ['--diff', '--check']]) {
    it(`${flags.join(' ')} on a changed template and a new file: the same diffs`, async () => {
      const { a, r, roots, context } = await both('diff.yml', flags, flags.join(''));
      const expected = diffs(a.stdout, roots.ansible);
      expect(expected.length, context).toBe(2);
      expect(expected[0], context).toContain('+managed by ops');
      expect(diffs(r.stdout, roots.runner), context).toEqual(expected);
      expect(r.code, context).toBe(a.code);
      // The diff is said before the host it was on, as Ansible says it.
      expect(r.stdout, context).toMatch(/^ line four\n\nchanged: \[web1\]/m);
      const motd = (root: string) => readFileSync(join(root, 'motd'), 'utf8');
      expect(motd(roots.runner), context).toBe(motd(roots.ansible));
    });
  }

  it('a debug message: the same block, at default verbosity', async () => {
    const { a, r, context } = await both('debug.yml');
    const block = /^ok: \[web1\] => \{\n(?: {4}.*\n)+\}$/m;
    const expected = block.exec(a.stdout)?.[0];
    expect(expected, context).toContain('"msg": "hello world, from web1"');
    expect(block.exec(r.stdout)?.[0], context).toBe(expected);
    expect(r.code, context).toBe(0);
  });

  it('a failed command: its msg, rc and stderr, and the same exit code', async () => {
    const { a, r, context } = await both('failed-command.yml');
    const fatal = /^fatal: \[web1\]: FAILED! => (\{.*\})$/m.exec(a.stdout);
    expect(fatal, context).not.toBeNull();
    const result = JSON.parse(fatal?.[1] ?? '{}') as { msg: string; rc: number; stderr: string };
    expect(result.stderr, context).toContain('No such file or directory');
    const out = `${r.stdout}${r.stderr}`;
    expect(out, context).toMatch(/failed: \[web1\]/);
    expect(out, context).toContain(result.msg);
    expect(out, context).toContain(`rc=${result.rc}`);
    for (const line of result.stderr.split('\n')) expect(out, context).toContain(line);
    expect(r.code, context).toBe(a.code);
  });
});
