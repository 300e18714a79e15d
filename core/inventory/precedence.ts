import type { InventoryGroup, Vars, VarsFileLayer } from './types.js';

/**
 * Variable precedence for one host, as ansible-core 2.14's VariableManager
 * builds it with the default VARIABLE_PRECEDENCE (lowest first):
 *
 *   1. `all` group vars from inventory files
 *   2. other groups' inventory-file vars, sorted by (depth, priority, name)
 *   3. `group_vars/all` of each source, in source order
 *   4. `group_vars/<group>` of each source, source by source, groups sorted as in 2
 *   5. the host's inventory-file vars
 *   6. `host_vars/<host>` of each source, in source order
 *
 * Merging replaces whole top-level values (Ansible's default hash_behaviour),
 * so a dict var from a later layer replaces, never merges.
 */
export interface PrecedenceInput {
  hostVars: Vars;
  /** Every group of the host, `all` included. */
  groups: string[];
  group(name: string): InventoryGroup;
  depthOf(name: string): number;
  priorityOf(name: string): number;
  layers: readonly VarsFileLayer[];
}

/** Ansible's sort_groups: parents before children, then lower priority first, then name. */
export function sortGroups(
  groups: string[],
  depthOf: (g: string) => number,
  priorityOf: (g: string) => number,
): string[] {
  return [...groups].sort((a, b) => {
    const d = depthOf(a) - depthOf(b);
    if (d !== 0) return d;
    const p = priorityOf(a) - priorityOf(b);
    if (p !== 0) return p;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

export function hostVarsFor(host: string, input: PrecedenceInput): Vars {
  const out: Vars = {};
  merge(out, groupVarsFor(input));
  merge(out, input.hostVars);
  for (const layer of input.layers) merge(out, layer.hosts.get(host));
  return out;
}

/**
 * Steps 1 to 4 alone: what the host's groups give it. It depends only on the
 * set of groups, so hosts that share their groups (most of a large fleet) can
 * share it: the caller may cache it by that set.
 */
export function groupVarsFor(input: Omit<PrecedenceInput, 'hostVars'>): Vars {
  const sorted = sortGroups(
    input.groups.filter((g) => g !== 'all'),
    input.depthOf,
    input.priorityOf,
  );
  const out: Vars = {};
  merge(out, input.group('all').vars);
  for (const g of sorted) merge(out, input.group(g).vars);
  for (const layer of input.layers) merge(out, layer.groups.get('all'));
  for (const layer of input.layers) for (const g of sorted) merge(out, layer.groups.get(g));
  return out;
}

/** No own enumerable key: asked of 100,000 hosts' vars without building a key list each time. */
export function hasNoKeys(vars: object): boolean {
  for (const key in vars) if (Object.hasOwn(vars, key)) return false;
  return true;
}

/** Shallow merge that treats `__proto__` as an ordinary var name (Object.assign would not). */
export function merge(target: Vars, source: Vars | undefined): void {
  if (!source) return;
  for (const key of Object.keys(source)) setOwn(target, key, source[key]);
}

export function setOwn(target: Vars, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else target[key] = value;
}
