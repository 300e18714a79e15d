import { RunnerError } from '../errors.js';
import { setOwn } from './precedence.js';
import type { InventoryData, InventoryGroup, InventoryHost } from './types.js';

/**
 * The only way sources write into InventoryData, so that every source (YAML,
 * INI, plugins) follows Ansible's InventoryData rules: a host exists once, a
 * group lists a member once, a port is taken from the first definition only,
 * and an edge that would close a cycle is refused.
 */

/** Where a change came from, for error messages. */
export interface Where {
  file?: string;
  line?: number;
  column?: number;
}

export function createInventoryData(): InventoryData {
  const data: InventoryData = { hosts: new Map(), groups: new Map() };
  addGroup(data, 'all');
  addGroup(data, 'ungrouped');
  addChild(data, 'all', 'ungrouped');
  return data;
}

export function addGroup(data: InventoryData, name: string, where: Where = {}): InventoryGroup {
  if (typeof name !== 'string' || name === '') {
    throw new RunnerError(
      'INVENTORY_INVALID',
      `invalid group name ${JSON.stringify(name)}: expected a non-empty string`,
      where,
    );
  }
  let group = data.groups.get(name);
  if (!group) {
    group = { name, hosts: [], children: [], vars: {} };
    data.groups.set(name, group);
  }
  return group;
}

/**
 * Adds a host (once) and makes it a direct member of `group`. Like Ansible's
 * Host(name, port), the port becomes `ansible_port` only when the host is new.
 */
export function addHost(
  data: InventoryData,
  name: string,
  group?: string,
  port?: number,
  where: Where = {},
): InventoryHost {
  if (typeof name !== 'string' || name === '') {
    throw new RunnerError(
      'INVENTORY_INVALID',
      `invalid host name ${JSON.stringify(name)}: expected a non-empty string`,
      where,
    );
  }
  let host = data.hosts.get(name);
  const isNew = !host;
  if (!host) {
    host = { name, vars: {} };
    if (port) host.vars.ansible_port = port;
    data.hosts.set(name, host);
  }
  if (group !== undefined) {
    const g = data.groups.get(group);
    if (!g) throw new RunnerError('INVENTORY_INVALID', `group "${group}" is not defined`, where);
    // A host seen for the first time is in no group yet: skipping the scan keeps a
    // 100,000-host range linear (the scan made every large group quadratic).
    if (isNew || !g.hosts.includes(name)) g.hosts.push(name);
  }
  return host;
}

export function setHostVar(data: InventoryData, host: string, key: string, value: unknown): void {
  const h = data.hosts.get(host);
  if (!h) throw new RunnerError('INVENTORY_INVALID', `host "${host}" is not defined`);
  setOwn(h.vars, key, value);
}

/** `ansible_group_priority` is kept out of vars, as Ansible's Group.set_variable does. */
export function setGroupVar(
  data: InventoryData,
  group: string,
  key: string,
  value: unknown,
  where: Where = {},
): void {
  const g = data.groups.get(group);
  if (!g) throw new RunnerError('INVENTORY_INVALID', `group "${group}" is not defined`, where);
  if (key === 'ansible_group_priority') {
    if (value === null || value === undefined) return; // Python's int(None) is a TypeError, which Ansible ignores.
    const priority = pythonInt(value);
    if (priority === undefined) {
      throw new RunnerError(
        'INVENTORY_INVALID',
        `ansible_group_priority of group "${group}" must be an integer, got ${JSON.stringify(value)}`,
        where,
      );
    }
    g.priority = priority;
    return;
  }
  setOwn(g.vars, key, value);
}

/** Python's int() for the values an inventory can hold. */
function pythonInt(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[-+]?\d+(?:_\d+)*\s*$/.test(value))
    return Number(value.replace(/_/g, ''));
  return undefined;
}

/** Makes `child` (a group) a child of `parent`; refuses self-loops and cycles. */
export function addChild(data: InventoryData, parent: string, child: string, where: Where = {}): void {
  const p = data.groups.get(parent);
  if (!p) throw new RunnerError('INVENTORY_INVALID', `group "${parent}" is not defined`, where);
  if (!data.groups.has(child)) {
    throw new RunnerError('INVENTORY_INVALID', `group "${child}" is not defined`, where);
  }
  if (p.children.includes(child)) return;
  if (parent === child || reaches(data, child, parent)) {
    throw new RunnerError(
      'INVENTORY_CYCLE',
      `adding group "${child}" as a child of "${parent}" creates a cycle: a group cannot contain itself`,
      where,
    );
  }
  p.children.push(child);
}

/** Whether `to` is `from` or one of its descendants. */
function reaches(data: InventoryData, from: string, to: string): boolean {
  const stack = [from];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (name === to) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const c of data.groups.get(name)?.children ?? []) stack.push(c);
  }
  return false;
}
