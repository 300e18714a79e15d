import { describe, expect, it } from 'vitest';
import { RunnerError } from '../../../core/errors.js';
import { formatInventoryGraph, toAnsibleList } from '../../../core/inventory/format.js';
import {
  addChild,
  addGroup,
  addHost,
  createInventoryData,
  Inventory,
  type InventoryData,
  setGroupVar,
  setHostVar,
} from '../../../core/inventory/index.js';

function fleet(): InventoryData {
  const d = createInventoryData();
  for (const g of ['parent', 'child', 'a_sibling', 'b_sibling']) addGroup(d, g);
  addChild(d, 'parent', 'child');
  addHost(d, 'h1', 'child');
  addHost(d, 'h1', 'a_sibling');
  addHost(d, 'h1', 'b_sibling');
  addHost(d, 'lonely');
  setGroupVar(d, 'all', 'v', 'all');
  setGroupVar(d, 'parent', 'v', 'parent');
  setGroupVar(d, 'child', 'v', 'child');
  setGroupVar(d, 'a_sibling', 's', 'a');
  setGroupVar(d, 'b_sibling', 's', 'b');
  return d;
}

describe('Inventory precedence', () => {
  it('child group beats parent beats all', () => {
    expect(new Inventory(fleet()).hostVars('h1').v).toBe('child');
  });

  it('siblings merge in name order, the last wins', () => {
    expect(new Inventory(fleet()).hostVars('h1').s).toBe('b');
  });

  it('ansible_group_priority reorders siblings and stays out of the vars', () => {
    const d = fleet();
    setGroupVar(d, 'a_sibling', 'ansible_group_priority', 5);
    const inv = new Inventory(d);
    expect(inv.hostVars('h1').s).toBe('a');
    expect(inv.hostVars('h1')).not.toHaveProperty('ansible_group_priority');
  });

  it('group_vars/all beats inventory-file group vars; host vars beat group_vars; host_vars win', () => {
    const d = fleet();
    setHostVar(d, 'h1', 'hv', 'inventory');
    d.varsFiles = [
      {
        dir: '/x',
        groups: new Map([
          ['all', { v: 'gv_all', w: 'gv_all' }],
          ['child', { w: 'gv_child' }],
        ]),
        hosts: new Map([['h1', { hv: 'host_vars' }]]),
      },
    ];
    const vars = new Inventory(d).hostVars('h1');
    expect(vars).toMatchObject({ v: 'gv_all', w: 'gv_child', hv: 'host_vars' });
  });

  it('dict vars replace, they do not merge', () => {
    const d = fleet();
    setGroupVar(d, 'parent', 'opts', { a: 1, b: 2 });
    setGroupVar(d, 'child', 'opts', { c: 3 });
    expect(new Inventory(d).hostVars('h1').opts).toEqual({ c: 3 });
  });
});

describe('Inventory structure', () => {
  it('puts hosts with no group in ungrouped and groups without parents under all', () => {
    const inv = new Inventory(fleet());
    expect(inv.group('ungrouped')?.hosts).toEqual(['lonely']);
    expect(inv.parentsOf('parent')).toEqual(['all']);
    expect(inv.groupsOf('h1')).toEqual(['a_sibling', 'all', 'b_sibling', 'child', 'parent']);
    expect(inv.magicVars('h1').group_names).toEqual(['a_sibling', 'b_sibling', 'child', 'parent']);
  });

  it('lists hosts, groups, and the graph', () => {
    const inv = new Inventory(fleet());
    expect(inv.hostNames()).toEqual(['h1', 'lonely']);
    expect(inv.groupNames()).toEqual(['all', 'ungrouped', 'parent', 'child', 'a_sibling', 'b_sibling']);
    expect(formatInventoryGraph(inv)).toBe(
      [
        '@all:',
        '  |--@ungrouped:',
        '  |  |--lonely',
        '  |--@parent:',
        '  |  |--@child:',
        '  |  |  |--h1',
        '  |--@a_sibling:',
        '  |  |--h1',
        '  |--@b_sibling:',
        '  |  |--h1',
      ].join('\n'),
    );
  });

  it('gives the --list shape', () => {
    const inv = new Inventory(fleet());
    expect(toAnsibleList(inv)).toEqual({
      all: { children: ['ungrouped', 'parent', 'a_sibling', 'b_sibling'] },
      ungrouped: { hosts: ['lonely'] },
      parent: { children: ['child'] },
      child: { hosts: ['h1'] },
      a_sibling: { hosts: ['h1'] },
      b_sibling: { hosts: ['h1'] },
      _meta: { hostvars: { h1: { v: 'child', s: 'b' }, lonely: { v: 'all' } } },
    });
  });

  it('refuses a cycle with INVENTORY_CYCLE', () => {
    const d = fleet();
    expect(() => addChild(d, 'child', 'parent')).toThrow(
      expect.objectContaining({ code: 'INVENTORY_CYCLE' }),
    );
    expect(() => addChild(d, 'child', 'child')).toThrow(RunnerError);
  });

  it('takes a port only from the first definition of a host', () => {
    const d = createInventoryData();
    addHost(d, 'db', undefined, 2222);
    addHost(d, 'db', undefined, 3333);
    expect(new Inventory(d).hostVars('db')).toEqual({ ansible_port: 2222 });
  });

  it('resolves templates against the same vars when asked', () => {
    const d = fleet();
    setHostVar(d, 'h1', 'ansible_host', '{{ ip }}');
    setHostVar(d, 'h1', 'ip', '10.0.0.1');
    setHostVar(d, 'h1', 'greeting', 'hi {{ inventory_hostname }} in {{ zone | default("eu") }}');
    const inv = new Inventory(d);
    expect(inv.hostVars('h1').ansible_host).toBe('{{ ip }}');
    expect(inv.resolvedHostVars('h1')).toMatchObject({ ansible_host: '10.0.0.1', greeting: 'hi h1 in eu' });
  });
});
