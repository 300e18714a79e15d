import mock from 'mock-fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../core/inventory/index.js';

/** How sources, inventory directories, group_vars and host_vars are found (on a mocked file system). */
afterEach(() => {
  mock.restore();
});

describe('inventory discovery', () => {
  it('reads a directory in ASCII order and skips what Ansible skips', async () => {
    mock({
      '/inv': {
        'b.yml': 'second:\n  hosts:\n    b1:\n',
        a: '[first]\na1\n',
        'C.yml': 'upper:\n  hosts:\n    c1:\n',
        'skip.ini': '[no]\nx1\n',
        'skip.md': '[no]\nx2\n',
        'skip.txt': '[no]\nx3\n',
        'skip~': '[no]\nx4\n',
        '.hidden': '[no]\nx5\n',
        nested: { 'n.yml': 'nested:\n  hosts:\n    n1:\n' },
        group_vars: { 'first.yml': 'g: 1\n' },
        host_vars: { b1: 'h: 2\n' },
      },
    });
    const inv = await loadInventory(['/inv'], { cwd: '/' });
    expect(inv.hostNames()).toEqual(['c1', 'a1', 'b1', 'n1']);
    expect(inv.hostVars('a1')).toEqual({ g: 1 });
    expect(inv.hostVars('b1')).toEqual({ h: 2 });
  });

  it('finds group_vars beside a file source: file forms and directories of files', async () => {
    mock({
      '/p/hosts.yml': 'web:\n  hosts:\n    w1:\ndb:\n  hosts:\n    d1:\n',
      '/p/group_vars': {
        web: {
          '01.yml': 'a: 1\nb: 1\n',
          '02.yaml': 'b: 2\n',
          sub: { 'x.json': '{"c": 3}' },
          'skip.txt': 'a: 9\n',
        },
        'db.yml': 'd: 1\n',
        'db.json': '{"d": 2}',
      },
    });
    const inv = await loadInventory(['hosts.yml'], { cwd: '/p' });
    expect(inv.hostVars('w1')).toEqual({ a: 1, b: 2, c: 3 });
    // The first of name, name.yml, name.yaml, name.json wins; the others are not read.
    expect(inv.hostVars('d1')).toEqual({ d: 1 });
  });

  it('layers group_vars of several -i sources in order', async () => {
    mock({
      '/one/hosts': '[web]\nw1\n',
      '/one/group_vars/web.yml': 'x: one\ny: one\n',
      '/two/hosts.yml': 'web:\n  hosts:\n    w2:\n',
      '/two/group_vars/all.yml': 'y: two-all\n',
      '/two/group_vars/web.yml': 'x: two\n',
    });
    const inv = await loadInventory(['/one/hosts', '/two/hosts.yml'], { cwd: '/' });
    expect(inv.hostNames()).toEqual(['w1', 'w2']);
    expect(inv.hostVars('w1')).toEqual({ x: 'two', y: 'one' });
  });

  it('warns when group_vars is a file', async () => {
    mock({ '/q/hosts': 'h1\n', '/q/group_vars': 'not a dir' });
    const warnings: string[] = [];
    await loadInventory(['hosts'], { cwd: '/q', onWarning: (w) => warnings.push(w.message) });
    expect(warnings).toEqual(['found /q/group_vars that is not a directory, skipping it']);
  });

  it('reads a comma-separated host list', async () => {
    mock({});
    const inv = await loadInventory(['web1,db1:2222,'], { cwd: '/' });
    expect(inv.hostNames()).toEqual(['web1', 'db1']);
    expect(inv.hostVars('db1')).toEqual({ ansible_port: 2222 });
    expect(inv.groupsOf('web1')).toEqual(['all', 'ungrouped']);
  });
});
