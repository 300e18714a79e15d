import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ansibleAvailable, runAnsiblePlaybook } from '../../support/ansible-playbook.js';
import { runCli } from '../../support/cli.js';

/**
 * `--list-hosts`, `--list-tasks` and `--syntax-check` against ansible-playbook:
 * the same stdout, byte for byte, and the same exit code on valid playbooks;
 * on broken ones the same exit code (4) and an error naming the file and line.
 * Neither tool touches a host here: the inventory's hosts do not exist.
 */
const FIXTURES = fileURLToPath(new URL('../../fixtures/listing/', import.meta.url));
const run = ansibleAvailable();

/** ansible-playbook lists a play's hosts from a Python set, in no fixed order: compare them sorted. */
function hostsSorted(text: string): string {
  return text.replace(/(hosts \(\d+\):\n)((?: {6}\S+\n?)*)/g, (_m, head: string, body: string) => {
    const lines = body.split('\n').filter((l) => l !== '');
    return `${head}${lines.sort().join('\n')}${body.endsWith('\n') ? '\n' : ''}`;
  });
}

describe.runIf(run)('listing flags, parity with ansible-playbook 2.14', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-parity-list-'));
    writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\n');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const both = async (flags: string[], playbook: string) => {
    const args = ['-i', join(FIXTURES, 'inventory.yml'), ...flags, join(FIXTURES, playbook)];
    const a = await runAnsiblePlaybook({ dir, controlDir: dir, knownHostsFile: '/dev/null', args });
    const r = await runCli(['play', ...args], { cwd: dir, env: { HOME: dir } });
    return {
      a,
      r,
      context: `--- ansible ---\n${a.stdout}${a.stderr}\n--- runner ---\n${r.stdout}${r.stderr}`,
    };
  };

  for (const flags of [
    ['--list-hosts'],
    ['--list-tasks'],
    ['--syntax-check'],
    ['--list-hosts', '--list-tasks'],
  ]) {
    it(`${flags.join(' ')} on a valid playbook: same output and exit code`, {
      timeout: 600_000,
    }, async () => {
      const { a, r, context } = await both(flags, 'valid.yml');
      expect(a.code, context).toBe(0);
      expect(hostsSorted(r.stdout), context).toBe(hostsSorted(a.stdout));
      expect(r.code, context).toBe(a.code);
    });
  }

  it('--list-tasks with --tags lists only the tagged tasks, as Ansible', { timeout: 600_000 }, async () => {
    const { a, r, context } = await both(['--list-tasks', '--tags', 'b'], 'valid.yml');
    expect(r.stdout, context).toBe(a.stdout);
    expect(r.code, context).toBe(a.code);
  });

  for (const [playbook, line] of [
    ['broken-yaml.yml', 4],
    ['unknown-module.yml', 3],
    ['unknown-keyword.yml', 2],
  ] as const) {
    it(`--syntax-check on ${playbook}: exit 4 and the file and line`, { timeout: 600_000 }, async () => {
      const { a, r, context } = await both(['--syntax-check'], playbook);
      expect(a.code, context).toBe(4);
      expect(r.code, context).toBe(4);
      expect(r.stderr.trim().split('\n'), context).toHaveLength(1);
      expect(r.stderr, context).toContain(`${join(FIXTURES, playbook)}:${line}:`);
      expect(r.stdout, context).toBe('');
    });
  }
});
