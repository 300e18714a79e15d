import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

/**
 * The register options' refusals as a user meets them: `runner play register`
 * on hosts that run locally (no SSH, no AWS call: every host stops at the
 * preflight options check), each refusal naming the file and line that set
 * the var, or `extra vars (-e)`.
 */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'strict-options-'));
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
      .map((l) => /^(\S+): failed: preflight: register options: (.*)$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => [m[1], m[2]]),
  );

const YAML11_BOOL = '(YAML 1.1 reads unquoted yes/no/on/off/true/false as booleans): quote it';

describe('runner play register: strict options name the file', () => {
  it('YAML 1.1 values, untrimmed names and local-with-a-target are refused, each naming where it was set', async () => {
    const root = project({
      'inventory.yml': [
        'all:',
        '  vars:',
        '    ansible_connection: local',
        '    opsworks_stack_id: 5e0e',
        '  children:',
        '    web:',
        '      hosts:',
        '        web1:',
        '          opsworks_stack_id: yes',
        '        web2:',
        "          opsworks_hostname: ' Web05 '",
        '        web3:',
        '          opsworks_region: 1234',
        '    app:',
        '      hosts:',
        '        app1: {}',
        '    db:',
        '      hosts:',
        '        db1:',
        '          ansible_host: 10.0.0.1',
        '',
      ].join('\n'),
      'group_vars/app.yml': '---\nopsworks_hostname: off\n',
    });
    const run = await runCli(['play', 'register', '-i', 'inventory.yml'], {
      cwd: root,
      env: { RUNNER_JOURNAL_DIR: join(root, 'journal') },
    });
    expect(run.code).toBe(2);
    expect(failures(run.stdout)).toEqual({
      web1: `inventory.yml:9: opsworks_stack_id must be a string, got the boolean true ${YAML11_BOOL}`,
      web2: 'inventory.yml:11: opsworks_hostname has leading or trailing spaces (" Web05 "): remove them',
      web3: 'inventory.yml:13: opsworks_region must be a string, got the number 1234: quote it',
      app1: `group_vars/app.yml:2: opsworks_hostname must be a string, got the boolean false ${YAML11_BOOL}`,
      // The AWS CLI's own words for `--local` with a target.
      db1: 'Argument --local is mutually exclusive with target.',
    });
  });

  it('an INI inventory names its line; -e is named as extra vars', async () => {
    const root = project({
      hosts: ['[web]', 'web1 opsworks_stack_id=True', '', '[all:vars]', 'ansible_connection=local', ''].join(
        '\n',
      ),
    });
    const env = { RUNNER_JOURNAL_DIR: join(root, 'journal') };
    const ini = await runCli(['play', 'register', '-i', 'hosts'], { cwd: root, env });
    expect(ini.code).toBe(2);
    expect(failures(ini.stdout)).toEqual({
      web1: `hosts:2: opsworks_stack_id must be a string, got the boolean true ${YAML11_BOOL}`,
    });
    const extra = await runCli(
      ['play', 'register', '-i', 'hosts', '-e', 'opsworks_stack_id=5e0e', '-e', '{"opsworks_wait": "maybe"}'],
      { cwd: root, env },
    );
    expect(extra.code).toBe(2);
    expect(failures(extra.stdout)).toEqual({
      web1: 'extra vars (-e): opsworks_wait must be true or false (got "maybe")',
    });
  });
});
