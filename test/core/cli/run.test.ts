import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

const LOCAL = fileURLToPath(new URL('../../../inventories/local.yml', import.meta.url));

describe('runner run (ad-hoc)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-adhoc-'));
    writeFileSync(
      join(dir, 'three.yml'),
      'all:\n  vars:\n    ansible_connection: local\n  hosts:\n    a:\n    b:\n    c:\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a shell command on the shipped local inventory: one line per host, exit 0', async () => {
    const run = await runCli(['run', 'all', '-i', LOCAL, '-m', 'shell', '-a', 'uname -s']);
    expect(run.stdout).toBe('localhost | CHANGED | rc=0 | (stdout) Linux\n');
    expect(run.code).toBe(0);
  });

  it('prints each host once, exits 2 when a command fails, and takes key=value args', async () => {
    const failed = await runCli(['run', 'all', '-i', join(dir, 'three.yml'), '-a', 'false']);
    expect(failed.stdout.trim().split('\n').sort()).toEqual([
      'a | FAILED | rc=1 | non-zero return code',
      'b | FAILED | rc=1 | non-zero return code',
      'c | FAILED | rc=1 | non-zero return code',
    ]);
    expect(failed.code).toBe(2);
    const debug = await runCli(['run', 'b', '-i', join(dir, 'three.yml'), '-m', 'debug', '-a', 'msg=hi']);
    expect(debug.stdout).toBe('b | SUCCESS => {"changed":false,"msg":"hi"}\n');
    expect(debug.code).toBe(0);
  });

  it('refuses an unknown module in one line, touching no host', async () => {
    const run = await runCli(['run', 'all', '-i', join(dir, 'three.yml'), '-m', 'nosuch']);
    expect(run.stderr.trim()).toBe('runner: unknown module "nosuch" in task "nosuch"');
    expect(run.stdout).toBe('');
    expect(run.code).toBe(1);
  });
});
