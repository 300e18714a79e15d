import { RunnerError } from '../errors.js';
import { ascii, type Inventory } from './model.js';
import { hasNoKeys } from './precedence.js';
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
  const results = groupEntries(inv);
  const hostvars: Record<string, Vars> = {};
  for (const host of inv.hostsOf('all')) {
    const vars = varsOf(host);
    if (!hasNoKeys(vars)) hostvars[host] = vars;
  }
  return { ...results, _meta: { hostvars } } as AnsibleList;
}

/** The groups of --list, in Ansible's walk order: empty ones left out. */
function groupEntries(inv: Inventory): Record<string, AnsibleListGroup> {
  const results: Record<string, AnsibleListGroup> = {};
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
  return results;
}

/** `ansible-inventory --list` text: keys sorted at every level, 4-space indent. */
export function formatInventoryList(inv: Inventory): string {
  return [...inventoryListChunks(inv)].join('');
}

const CHUNK_CHARS = 64 * 1024;

/**
 * The same text in pieces of about 64 KiB, to write as it is made: at
 * 100,000 hosts the text is 27 MB, and holding it whole (then a 27 MB
 * buffer to write it) cost as much as making it. Byte for byte what
 * `JSON.stringify(list, null, 4)` gives with keys sorted by code unit, as
 * Python's `sort_keys` sorts them (so host "10" comes before host "9", as
 * ansible-inventory prints; a JS object would put integer-like keys first).
 */
export function* inventoryListChunks(inv: Inventory): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  const push = (text: string) => {
    parts.push(text);
    size += text.length;
  };
  const take = () => {
    const chunk = parts.join('');
    parts = [];
    size = 0;
    return chunk;
  };
  const groups = listGroups(inv);
  const names = [...groups.keys(), '_meta'].sort(ascii);
  push('{');
  for (const [i, name] of names.entries()) {
    push(`${i === 0 ? '' : ','}\n    ${JSON.stringify(name)}: `);
    if (name !== '_meta') {
      push(indent(JSON.stringify(groups.get(name), null, 4), '    '));
      continue;
    }
    // Hosts that share their groups share one vars object: its text is made once.
    const textOf = new Map<object, string>();
    const hosts = inv.hostsOf('all').filter((h) => !hasNoKeys(inv.hostVarsShared(h)));
    if (hosts.length === 0) {
      push('{\n        "hostvars": {}\n    }');
      continue;
    }
    push('{\n        "hostvars": {');
    for (const [j, host] of hosts.sort(ascii).entries()) {
      const vars = inv.hostVarsShared(host);
      let text = textOf.get(vars);
      if (text === undefined) {
        text = indent(JSON.stringify(sortKeys(vars), null, 4), '            ');
        textOf.set(vars, text);
      }
      push(`${j === 0 ? '' : ','}\n            ${JSON.stringify(host)}: ${text}`);
      if (size >= CHUNK_CHARS) yield take();
    }
    push('\n        }\n    }');
  }
  push('\n}');
  yield take();
}

/** The --list entry of every group that has hosts or children, keys in sorted order. */
function listGroups(inv: Inventory): Map<string, AnsibleListGroup> {
  const entries = new Map<string, AnsibleListGroup>();
  for (const [name, { children, hosts }] of Object.entries(groupEntries(inv))) {
    const sorted: AnsibleListGroup = {};
    if (children) sorted.children = children;
    if (hosts) sorted.hosts = hosts;
    entries.set(name, sorted);
  }
  return entries;
}

/** Text of a value nested under `pad`: every line after the first moves right. */
function indent(json: string, pad: string): string {
  return json.includes('\n') ? json.replaceAll('\n', `\n${pad}`) : json;
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
