import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

// group_vars/ and host_vars/ beside the playbook apply as Ansible applies them:
// over the inventory's own at each level (group_vars/all, group_vars/<group>, host_vars).
const ANSIBLE = '/usr/bin/ansible-playbook';

describe('vars beside the playbook', () => {
  let dir: string;
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-playbook-vars-'));
    write(
      'inv/hosts.yml',
      'web:\n  hosts:\n    here:\n      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n',
    );
    write('inv/group_vars/all.yml', 'a: inv-all\nb: inv-all\nc: inv-all\nonly_inv: inv\n');
    write('inv/group_vars/web.yml', 'b: inv-web\nc: inv-web\n');
    write('inv/host_vars/here.yml', 'c: inv-host\n');
    write('pb/group_vars/all.yml', 'a: pb-all\nonly_pb: pb\n');
    write('pb/group_vars/web.yml', 'b: pb-web\n');
    write('pb/host_vars/here.yml', 'c: pb-host\n');
    write(
      'pb/site.yml',
      [
        '- hosts: web',
        '  gather_facts: false',
        '  tasks:',
        '    - copy:',
        '        content: "{{ a }} {{ b }} {{ c }} {{ only_inv }} {{ only_pb }}\\n"',
        '        dest: "{{ out }}"',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lets the playbook directory win at each level, like ansible-playbook', async () => {
    const out = join(dir, 'runner.txt');
    const run = await runCli(['play', 'pb/site.yml', '-i', 'inv/hosts.yml', '-e', `out=${out}`], {
      cwd: dir,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('pb-all pb-web pb-host inv pb\n');
  });

  it('agrees with ansible-playbook on the same files', () => {
    if (!existsSync(ANSIBLE)) {
      if (process.env.CI)
        throw new Error(`needs ansible-playbook: apt-get install -y ansible-core (no ${ANSIBLE})`);
      console.warn(`skipping the ansible-playbook comparison: no ${ANSIBLE}`);
      return;
    }
    const out = join(dir, 'ansible.txt');
    const result = spawnSync(ANSIBLE, ['-i', 'inv/hosts.yml', 'pb/site.yml', '-e', `out=${out}`], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        ANSIBLE_CONFIG: join(dir, 'ansible.cfg'),
        ANSIBLE_NOCOWS: '1',
        ANSIBLE_RETRY_FILES_ENABLED: '0',
        ANSIBLE_LOCAL_TEMP: join(dir, '.ansible-tmp'),
        HOME: dir,
      },
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('pb-all pb-web pb-host inv pb\n');
  });
});
