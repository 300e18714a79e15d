import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../core/inventory/index.js';
import { formatOrigin, varOrigin } from '../../../core/inventory/origin.js';

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'origin-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

const where = async (root: string, sources: string[], host: string, key: string, layers = {}) => {
  const inventory = await loadInventory(sources, { cwd: root });
  const origin = await varOrigin(inventory, host, key, layers);
  return origin && formatOrigin(origin).replace(`${root}/`, '');
};

describe('var origin', () => {
  const yaml = [
    'all:',
    '  vars:',
    '    region: eu-west-1',
    '  children:',
    '    web:',
    '      vars:',
    '        stack: from-group',
    '      hosts:',
    '        web1:',
    '          stack: yes',
    '        web2: {}',
    '        web[3:4]:',
    '          stack: 3',
    '',
  ].join('\n');

  it('names the file and line of the winning layer of a YAML inventory', async () => {
    const root = project({ 'inventory.yml': yaml });
    const inv = [join(root, 'inventory.yml')];
    expect(await where(root, inv, 'web1', 'stack')).toBe('inventory.yml:10');
    expect(await where(root, inv, 'web2', 'stack')).toBe('inventory.yml:7');
    expect(await where(root, inv, 'web4', 'stack')).toBe('inventory.yml:13');
    expect(await where(root, inv, 'web2', 'region')).toBe('inventory.yml:3');
    expect(await where(root, inv, 'web2', 'nothing')).toBeUndefined();
  });

  it('host_vars beat the inventory, group_vars beat group vars in the inventory, the last file of a vars dir wins', async () => {
    const root = project({
      'inventory.yml': yaml,
      'group_vars/web.yml': '---\nother: 1\nstack: from-group-vars\n',
      'host_vars/web1/a.yml': 'stack: a\n',
      'host_vars/web1/b.yml': 'x: 1\n\nstack: b\n',
    });
    const inv = [join(root, 'inventory.yml')];
    expect(await where(root, inv, 'web1', 'stack')).toBe('host_vars/web1/b.yml:3');
    expect(await where(root, inv, 'web2', 'stack')).toBe('group_vars/web.yml:3');
  });

  it('INI inventories: host lines and [group:vars] sections', async () => {
    const root = project({
      hosts: '[web]\nweb1 stack=yes\nweb2\n\n[web:vars]\nstack = on\n',
    });
    const inv = [join(root, 'hosts')];
    expect(await where(root, inv, 'web1', 'stack')).toBe('hosts:2');
    expect(await where(root, inv, 'web2', 'stack')).toBe('hosts:6');
  });

  it('-e, task vars, set_fact and play vars win over the inventory, in that order', async () => {
    const root = project({
      'inventory.yml': yaml,
      'play.yml': '- hosts: all\n  vars:\n    stack: from-play\n  tasks: []\n',
    });
    const inv = [join(root, 'inventory.yml')];
    const play = { vars: { stack: 'from-play' }, file: join(root, 'play.yml') };
    expect(await where(root, inv, 'web1', 'stack', { play })).toBe('play.yml:3');
    expect(await where(root, inv, 'web1', 'stack', { play, hostFacts: { stack: 1 } })).toBe(
      'set_fact or register',
    );
    expect(await where(root, inv, 'web1', 'stack', { play, extraVars: { stack: true } })).toBe(
      'extra vars (-e)',
    );
  });
});
