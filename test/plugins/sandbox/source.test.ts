import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSandboxConfig, sandboxInventorySource } from '../../../plugins/sandbox/source.js';
import { recapOf, runCli } from '../../support/cli.js';

describe('runner_sandbox inventory', () => {
  it('accepts *sandbox.yml files that name the plugin, with defaults', () => {
    expect(sandboxInventorySource.accepts('/x/demo.sandbox.yml', 'plugin: runner_sandbox\n')).toBe(true);
    expect(sandboxInventorySource.accepts('/x/sandbox.yaml', 'plugin: runner_sandbox\n')).toBe(true);
    expect(sandboxInventorySource.accepts('/x/hosts.yml', 'plugin: runner_sandbox\n')).toBe(false);
    expect(sandboxInventorySource.accepts('/x/sandbox.yml', 'all:\n')).toBe(false);
    expect(readSandboxConfig('plugin: runner_sandbox\n', 'f')).toMatchObject({
      dir: '.runner-sandbox',
      hosts: 4,
    });
    expect(() => readSandboxConfig('plugin: runner_sandbox\nhosts: 0\n', 'f')).toThrow(/hosts/);
    expect(() => readSandboxConfig('plugin: runner_sandbox\nbogus: 1\n', 'f')).toThrow();
  });

  it('a sandbox config under another name fails in one line that says how to name it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'runner-sandbox-inv-'));
    writeFileSync(join(cwd, 'fleet300.yml'), 'plugin: runner_sandbox\nhosts: 300\n');
    writeFileSync(join(cwd, 'typo.yml'), 'plugin: runner_sandbx\n');
    const misnamed = await runCli(['inventory', 'list', '-i', 'fleet300.yml'], { cwd });
    expect(misnamed.code).toBe(1);
    expect(misnamed.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /fleet300\.yml:1: .*the runner_sandbox inventory plugin reads only files named sandbox\.yml, .*\*\.sandbox\.yaml: rename fleet300\.yml$/,
      ),
    ]);
    const unknown = await runCli(['inventory', 'list', '-i', 'typo.yml'], { cwd });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /no loaded inventory plugin is named "runner_sandbx" \(loaded: .*runner_sandbox/,
    );
  });

  it('one command, no second terminal: registers the sandbox fleet, keeps state for the next run, then exits', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'runner-sandbox-inv-'));
    writeFileSync(join(cwd, 'fleet.sandbox.yml'), 'plugin: runner_sandbox\ndir: state\nhosts: 3\n');
    // strict: the sandbox vouches for its own hosts' keys, so nothing is unknown and nothing is recorded.
    const args = ['play', 'register', '-i', 'fleet.sandbox.yml', '--json', '--host-key-checking', 'strict'];
    const first = await runCli(args, { cwd, timeoutMs: 600_000 });
    expect(first.code, first.stderr).toBe(0);
    expect(recapOf(first).hosts.map((h) => h.status)).toEqual(['ok', 'ok', 'ok']);
    const second = await runCli(args, { cwd, timeoutMs: 600_000 });
    expect(second.code, second.stderr).toBe(0);
    const changed = second.events.filter(
      (e) => e.type === 'host.task.result' && e.result.status === 'changed',
    );
    expect(changed).toEqual([]);
  });
});
