import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

/**
 * The register playbook's preflight checks are a phase of their own: starting
 * the play at a later task, or selecting tags no task has, still runs them
 * first. Shown through the CLI on a host that runs locally and whose options
 * the preflight refuses (so nothing reaches AWS): the refusal proves the
 * checks ran, and no register step runs after it.
 */
const INVENTORY = [
  'all:',
  '  hosts:',
  '    web1:',
  '      ansible_connection: local',
  '      opsworks_stack_id: yes',
  '',
].join('\n');

const started = (events: { type: string; host?: string; task?: string }[]) =>
  events.flatMap((e) => (e.type === 'host.task.start' ? [e.task] : []));

describe('register preflight cannot be skipped', () => {
  it.each([
    ['--start-at-task "Install agent and register"', ['--start-at-task', 'Install agent and register']],
    ['--tags with no matching task', ['--tags', 'nothing-has-this-tag']],
    ['--skip-tags on every step', ['--skip-tags', 'all']],
  ])('%s still runs the preflight checks', async (_name, flags) => {
    const root = mkdtempSync(join(tmpdir(), 'preflight-phase-'));
    writeFileSync(join(root, 'inventory.yml'), INVENTORY);
    const run = await runCli(['play', 'register', '-i', 'inventory.yml', '--json', ...flags], {
      cwd: root,
      env: { RUNNER_JOURNAL_DIR: join(root, 'journal') },
    });
    expect(run.code, run.stderr).toBe(2);
    const tasks = started(run.events as never);
    expect(tasks).toContain('preflight: register options');
    // The host stopped at the preflight: no register step ran for it.
    expect(tasks.filter((t) => !t?.startsWith('preflight: ') && t !== 'Gathering Facts')).toEqual([]);
    const done = run.events.find((e) => e.type === 'host.done');
    expect(done).toMatchObject({ host: 'web1', status: 'failed' });
    expect((done as { msg?: string }).msg).toMatch(
      /opsworks_stack_id must be a string, got the boolean true/,
    );
  });
});
