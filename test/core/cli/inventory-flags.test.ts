import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ansibleInventoryArgv } from '../../../core/cli/commands/inventory.js';
import { RunnerError } from '../../../core/errors.js';
import { runCli } from '../../support/cli.js';
import { ANSIBLE_INVENTORY } from '../../support/record-ansible-inventory.js';

describe('ansible-inventory spelling of runner inventory', () => {
  it.each<[string[], string[]]>([
    [
      ['inventory', '-i', 'a.ini', '--list'],
      ['inventory', 'list', '-i', 'a.ini'],
    ],
    [
      ['inventory', '--list', '-i', 'a.ini', '-i', 'b.yml', '--json'],
      ['inventory', 'list', '-i', 'a.ini', '-i', 'b.yml', '--json'],
    ],
    [
      ['inventory', '-i', 'a.ini', '--graph'],
      ['inventory', 'graph', '-i', 'a.ini'],
    ],
    [
      ['inventory', '--host', 'web1', '-i', 'a.ini'],
      ['inventory', 'host', 'web1', '-i', 'a.ini'],
    ],
    [
      ['inventory', '-i', 'a.ini', '--host=web1'],
      ['inventory', 'host', 'web1', '-i', 'a.ini'],
    ],
    // Runner's own forms, and other commands, are left as they are.
    [
      ['inventory', 'list', '-i', 'a.ini'],
      ['inventory', 'list', '-i', 'a.ini'],
    ],
    [
      ['play', 'site.yml', '-i', 'a.ini', '--list'],
      ['play', 'site.yml', '-i', 'a.ini', '--list'],
    ],
    [
      ['inventory', '--help'],
      ['inventory', '--help'],
    ],
  ])('%j reads as %j', (argv, expected) => {
    expect(ansibleInventoryArgv(argv)).toEqual(expected);
  });

  it('refuses two actions, and options with no action, with one line each', () => {
    const message = (argv: string[]) => {
      try {
        ansibleInventoryArgv(argv);
      } catch (e) {
        expect(e).toBeInstanceOf(RunnerError);
        return `${(e as RunnerError).code}: ${(e as RunnerError).message}`;
      }
      throw new Error('expected an error');
    };
    expect(message(['inventory', '-i', 'a.ini', '--list', '--graph'])).toBe(
      'USAGE: inventory: one of --list, --graph or --host <name> at a time (got --list, --graph)',
    );
    expect(message(['inventory', '-i', 'a.ini'])).toBe(
      'USAGE: inventory: say what to show: list, graph or host <name> (or --list, --graph, --host <name>, as ansible-inventory takes them)',
    );
  });
});

describe('the same command line as ansible-inventory prints the same text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-inventory-flags-'));
  writeFileSync(
    join(dir, 'hosts.ini'),
    '[web]\nw1 port=8080 tier=front\nw2\n\n[db]\nd1\n\n[prod:children]\nweb\ndb\n',
  );
  writeFileSync(join(dir, 'empty.cfg'), '');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['-i', 'hosts.ini', '--list']],
    [['--host', 'w1', '-i', 'hosts.ini']],
    [['-i', 'hosts.ini', '--graph']],
  ])('%j', async (args) => {
    const ansible = execFileSync(ANSIBLE_INVENTORY, args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        LANG: 'C.UTF-8',
        ANSIBLE_CONFIG: join(dir, 'empty.cfg'),
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_LOCALHOST_WARNING: 'False',
        ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'),
      },
    });
    const runner = await runCli(['inventory', ...args], { cwd: dir });
    expect({ code: runner.code, stderr: runner.stderr }).toEqual({ code: 0, stderr: '' });
    expect(runner.stdout).toBe(ansible);
  });

  it('exits 2 with one line when no action is named', async () => {
    const runner = await runCli(['inventory', '-i', 'hosts.ini'], { cwd: dir });
    expect(runner.code).toBe(2);
    expect(runner.stderr.trim().split('\n')).toHaveLength(1);
    expect(runner.stderr).toMatch(/^runner: inventory: say what to show: list, graph or host <name>/);
  });
});
