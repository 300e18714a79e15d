import { describe, expect, it } from 'vitest';
import { RunnerError } from '../../../core/errors.js';
import { parseYamlPlaybook } from '../../../core/play/yaml-loader.js';

const file = '/p/site.yml';

function errorOf(text: string): RunnerError {
  try {
    parseYamlPlaybook(text, file);
  } catch (error) {
    if (error instanceof RunnerError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('YAML playbook loader', () => {
  it('reads plays and tasks with their keywords and module args', () => {
    const playbook = parseYamlPlaybook(
      [
        '- name: web',
        '  hosts: web:&prod',
        '  gather_facts: no',
        '  serial: [1, "50%"]',
        '  strategy: free',
        '  vars: { a: 1 }',
        '  tasks:',
        '    - name: one',
        '      shell: echo {{ a }}',
        '      register: out',
        '      when: a == 1',
        '      tags: [x, y]',
        '    - file: path=/tmp/x state=touch',
        '      ignore_errors: true',
      ].join('\n'),
      file,
    );
    const [play] = playbook.plays;
    expect(play).toMatchObject({
      name: 'web',
      hosts: 'web:&prod',
      gatherFacts: false,
      serial: [1, '50%'],
      strategy: 'free',
      vars: { a: 1 },
    });
    expect(play!.tasks[0]).toMatchObject({
      name: 'one',
      module: 'shell',
      rawArgs: 'echo {{ a }}',
      register: 'out',
      when: 'a == 1',
      tags: ['x', 'y'],
      where: { file, line: 9, column: 7 },
    });
    expect(play!.tasks[1]).toMatchObject({ name: 'file', module: 'file', ignoreErrors: true });
  });

  it('reads YAML 1.1 scalars as PyYAML does', () => {
    const playbook = parseYamlPlaybook(
      '- hosts: all\n  become: yes\n  vars: { a: y, b: 010, c: off }\n  tasks: []\n',
      file,
    );
    expect(playbook.plays[0]!.become).toBe(true);
    expect(playbook.plays[0]!.vars).toEqual({ a: 'y', b: 8, c: false });
  });

  it('names the line of an unsupported play or task keyword', () => {
    expect(errorOf('- hosts: all\n  handlers: []\n').oneLine()).toBe(
      '/p/site.yml:2:3: unsupported play keyword "handlers"',
    );
    expect(errorOf('- hosts: all\n  tasks:\n    - shell: x\n      delegate_to: y\n').oneLine()).toBe(
      '/p/site.yml:4:7: task has more than one module or an unsupported keyword: "shell", "delegate_to"',
    );
  });

  it('refuses plays without hosts and tasks without a module', () => {
    expect(errorOf('- tasks: []\n').message).toBe('play has no "hosts"');
    expect(errorOf('- hosts: all\n  tasks:\n    - name: nothing\n').oneLine()).toBe(
      '/p/site.yml:3:7: task has no module (e.g. "shell: …")',
    );
    expect(errorOf('hosts: all\n').message).toBe('a playbook must be a list of plays');
  });

  it('reports YAML syntax errors with line and column', () => {
    const error = errorOf('- hosts: all\n  tasks: [\n');
    expect(error.code).toBe('YAML_SYNTAX');
    expect(error.line).toBeGreaterThan(0);
    expect(error.oneLine()).toMatch(/^\/p\/site\.yml:\d+:\d+: YAML syntax error: /);
  });

  it('refuses duplicate keys, which PyYAML would silently overwrite', () => {
    expect(errorOf('- hosts: a\n  hosts: b\n').code).toBe('YAML_SYNTAX');
  });
});
