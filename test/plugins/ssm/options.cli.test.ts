import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

/**
 * SSM's option refusals as a user meets them: `runner play register --service
 * ssm` on hosts that run locally (every host stops at the preflight options
 * check, before any AWS call), each naming the file and line that set the var.
 */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ssm-options-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

const failures = (stdout: string) =>
  Object.fromEntries(
    stdout
      .split('\n')
      .map((l) => /^(\S+): failed: preflight: ssm options: (.*)$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => [m[1], m[2]]),
  );

describe('runner play register --service ssm: option errors name the file', () => {
  it('names the inventory line or the group_vars file that set the refused var', async () => {
    const root = project({
      'inventory.yml': [
        'all:',
        '  vars:',
        '    ansible_connection: local',
        '    register_service: ssm',
        '    ssm_iam_role: SSMServiceRole',
        '    ssm_region: eu-west-1',
        '  children:',
        '    web:',
        '      hosts:',
        '        web1:',
        '          ssm_wait_timeout: soon',
        '    app:',
        '      hosts:',
        '        app1: {}',
        '',
      ].join('\n'),
      'group_vars/app.yml': '---\nssm_tags: 12\n',
    });
    const env = { RUNNER_JOURNAL_DIR: join(root, 'journal') };
    const run = await runCli(['play', 'register', '-i', 'inventory.yml'], { cwd: root, env });
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(failures(run.stdout)).toEqual({
      web1: 'inventory.yml:11: ssm_wait_timeout must be a positive number (got "soon")',
      app1: 'group_vars/app.yml:2: ssm_tags must be a mapping (Key: Value) or "Key=Value,Key2=Value2"',
    });
  });
});
