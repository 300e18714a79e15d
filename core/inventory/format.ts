import { RunnerError } from '../errors.js';
import type { Inventory } from './model.js';
import type { Vars } from './types.js';

/**
 * What `ansible-inventory` prints, for `runner inventory list|graph|host`.
 * The shapes follow ansible-core 2.14's cli/inventory.py: empty groups are
 * left out of --list (but still named as children), hosts without vars are
 * left out of `_meta.hostvars`, and JSON keys are sorted with 4-space indent.
 */
export interface AnsibleListGroup {
  hosts?: string[];
  children?: string[];
}

export type AnsibleList = { _meta: { hostvars: Record<string, Vars> } } & Record<
  string,
  AnsibleListGroup | unknown
>;

export function toAnsibleList(inv: Inventory): AnsibleList {
  return buildList(inv, (host) => inv.hostVars(host));
}

/** The --list shape; `varsOf` may return shared objects when the caller copies them (as sortKeys does). */
function buildList(inv: Inventory, varsOf: (host: string) => Readonly<Vars>): AnsibleList {
  const results: Record<string, unknown> = {};
  const seen = new Set<string>();
  const format = (name: string): void => {
    const group = inv.group(name)!;
    const entry: AnsibleListGroup = {};
    if (name !== 'all') entry.hosts = [...group.hosts];
    entry.children = [...group.children];
    results[name] = entry;
    for (const child of group.children) {
      if (!seen.has(child)) {
        format(child);
        seen.add(child);
      }
    }
    if (entry.hosts && entry.hosts.length === 0) delete entry.hosts;
    if (entry.children && entry.children.length === 0) delete entry.children;
    if (Object.keys(entry).length === 0) delete results[name];
  };
  format('all');
  const hostvars: Record<string, Vars> = {};
  for (const host of inv.hostsOf('all')) {
    const vars = varsOf(host);
    if (Object.keys(vars).length > 0) hostvars[host] = vars;
  }
  return { ...results, _meta: { hostvars } } as AnsibleList;
}

/** `ansible-inventory --list` text: keys sorted at every level, 4-space indent. */
export function formatInventoryList(inv: Inventory): string {
  // Hosts that share their groups share one vars object: sort each object once, not once per host.
  const sorted = new Map<object, unknown>();
  const list = buildList(inv, (host) => {
    const vars = inv.hostVarsShared(host);
    let out = sorted.get(vars);
    if (!out) {
      out = sortKeys(vars);
      sorted.set(vars, out);
    }
    return out as Vars;
  });
  const { _meta, ...groups } = list;
  const top = { ...(sortKeys(groups) as object), _meta: { hostvars: sortKeysShallow(_meta.hostvars) } };
  return JSON.stringify(sortKeysShallow(top), null, 4);
}

/** `ansible-inventory --host <name>` text. */
export function formatInventoryHost(inv: Inventory, name: string): string {
  if (!inv.hasHost(name)) {
    throw new RunnerError('INVENTORY_INVALID', `host "${name}" is not in the inventory`, { host: name });
  }
  return JSON.stringify(sortKeys(inv.hostVars(name)), null, 4);
}

/** `ansible-inventory --graph [group]` text. */
export function formatInventoryGraph(inv: Inventory, start = 'all'): string {
  if (!inv.hasGroup(start)) {
    throw new RunnerError('USAGE', `the graph starts at a group, and "${start}" is not one`);
  }
  const lines: string[] = [];
  const prefix = (depth: number) => (depth ? `${'  |'.repeat(depth)}--` : '');
  const walk = (name: string, depth: number, path: Set<string>): void => {
    lines.push(`${prefix(depth)}@${name}:`);
    const group = inv.group(name)!;
    for (const child of group.children)
      if (!path.has(child)) walk(child, depth + 1, new Set([...path, child]));
    if (name !== 'all') for (const host of group.hosts) lines.push(`${prefix(depth + 1)}${host}`);
  };
  walk(start, 0, new Set([start]));
  return lines.join('\n');
}

/** Keys sorted at the top level only, the values kept as they are (already sorted). */
function sortKeysShallow(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(value).sort()) out[k] = value[k];
  return out;
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    // Without a prototype, `__proto__` is an ordinary key, so plain assignment is safe
    // (and several times faster than defineProperty on a 100,000-host --list).
    const out: Record<string, unknown> = Object.create(null);
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
