import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

/** Inputs that used to hang or say nothing: each is one clear line and a non-zero exit now. */
describe('inputs refused before the run', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-inputs-'));
    writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    a:\n      ansible_connection: local\n');
    writeFileSync(
      join(dir, 'site.yml'),
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {msg: hi}\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a --log-dir that cannot be made (under /proc) or is a file', async () => {
    const proc = await runCli(['play', 'site.yml', '-i', 'inv.yml', '--log-dir', '/proc/forbidden/x'], {
      cwd: dir,
    });
    expect(proc.stderr.trim()).toBe(
      'runner: /proc/forbidden/x: --log-dir /proc/forbidden/x: cannot create it (ENOENT)',
    );
    expect(proc.code).toBe(2);
    const file = await runCli(['play', 'site.yml', '-i', 'inv.yml', '--log-dir', 'site.yml'], { cwd: dir });
    expect(file.stderr.trim()).toBe('runner: site.yml: --log-dir site.yml: not a directory');
    expect(file.code).toBe(2);
  });

  it('refuses an unknown reporter named in the config, with the file and key', async () => {
    const project = join(dir, 'bad-reporter');
    mkdirSync(project);
    writeFileSync(join(project, '.runnerrc.json'), '{"reporter": "nosuch"}\n');
    const run = await runCli(['play', '../site.yml', '-i', '../inv.yml'], { cwd: project });
    expect(run.stderr).toContain('.runnerrc.json');
    expect(run.stderr).toContain('config key "reporter": unknown reporter "nosuch"');
    expect(run.code).toBe(1);
  });

  it('says there is no inventory when inventory list has no -i and the config names none', async () => {
    const run = await runCli(['inventory', 'list'], { cwd: dir });
    expect(run.stderr.trim()).toBe(
      'runner: no inventory: pass -i <inventory> or set "inventory" in the config',
    );
    expect(run.code).toBe(2);
  });
});
