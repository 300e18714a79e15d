import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

// What a user sees when the input is wrong: one line naming the file (and the
// line where there is one), a non-zero exit, and no stack trace.
describe('runner play on bad input', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-play-errors-'));
    writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    me:\n      ansible_connection: local\n');
    writeFileSync(
      join(dir, 'broken.yml'),
      '- hosts: all\n  tasks:\n    - shell: echo "unterminated\n   bad: [\n',
    );
    writeFileSync(
      join(dir, 'unknown-module.yml'),
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: ok\n      shell: "true"\n    - name: typo\n      shel: echo hi\n',
    );
    writeFileSync(
      join(dir, 'no-match.yml'),
      '- hosts: webservers\n  gather_facts: false\n  tasks:\n    - shell: "true"\n',
    );
    writeFileSync(join(dir, 'bad-keyword.yml'), '- hosts: all\n  roles: [x]\n  tasks: []\n');
  });

  const oneLine = (stderr: string) => stderr.trim().split('\n');

  it('names a missing playbook file and exits 1', async () => {
    const run = await runCli(['play', 'missing.yml', '-i', 'inv.yml'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toEqual([
      `runner: ${join(dir, 'missing.yml')}: playbook not found: ${join(dir, 'missing.yml')}`,
    ]);
  });

  it('names the file, line and column of a YAML syntax error', async () => {
    const run = await runCli(['play', 'broken.yml', '-i', 'inv.yml'], { cwd: dir });
    expect(run.code).toBe(1);
    const lines = oneLine(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^runner: ${join(dir, 'broken.yml')}:\\d+:\\d+: YAML syntax error: `),
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('names an unknown module with its file and line, and suggests the near name', async () => {
    const run = await runCli(['play', 'unknown-module.yml', '-i', 'inv.yml'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toEqual([
      `runner: ${join(dir, 'unknown-module.yml')}:7:7: unknown module "shel" in task "typo" (did you mean "shell"?)`,
    ]);
  });

  it('refuses a host pattern that matches nothing', async () => {
    const run = await runCli(['play', 'no-match.yml', '-i', 'inv.yml'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toEqual([
      `runner: ${join(dir, 'no-match.yml')}:1:3: no hosts matched "webservers"`,
    ]);
  });

  it('refuses a play keyword outside the supported subset, naming it', async () => {
    const run = await runCli(['play', 'bad-keyword.yml', '-i', 'inv.yml'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toEqual([
      `runner: ${join(dir, 'bad-keyword.yml')}:2:3: unsupported play keyword "roles"`,
    ]);
  });

  it('gives unknown options and missing arguments one line and exit code 2', async () => {
    const unknown = await runCli(['play', 'x.yml', '--frobnicate'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(oneLine(unknown.stderr)).toEqual([`runner: unknown option '--frobnicate' (see "runner help")`]);
    const missing = await runCli(['play'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toEqual([
      `runner: missing required argument 'playbook' (see "runner help")`,
    ]);
  });

  it('prints its version', async () => {
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
