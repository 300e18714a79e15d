import { RunnerError } from '../errors.js';
import { groupVarsFor, hasNoKeys, merge } from './precedence.js';
import { resolveTemplates } from './templar.js';
import type { InventoryData, InventoryGroup, Vars, VarsFileLayer } from './types.js';

/**
 * The inventory after every source is read: Ansible's reconcile step applied
 * (groups without a parent go under `all`, hosts in no group go to
 * `ungrouped`), then questions a play or the CLI asks of it. Built once,
 * never mutated; derived data (ancestors, depths, merged vars) is cached.
 */
export interface MagicVars {
  inventory_hostname: string;
  inventory_hostname_short: string;
  group_names: string[];
  groups: Record<string, string[]>;
}

export class Inventory {
  /** One record per host: 100,000 hosts make one map, not one per question asked of them. */
  readonly #hosts: ReadonlyMap<string, HostRecord>;
  readonly #groups: ReadonlyMap<string, InventoryGroup>;
  readonly #layers: readonly VarsFileLayer[];
  readonly #sourceFiles: readonly string[];
  readonly #parents = new Map<string, string[]>();
  readonly #depth = new Map<string, number>();
  readonly #ancestors = new Map<string, Set<string>>();
  /** Sorted groups (ancestors included), keyed by the direct groups' names. */
  readonly #hostGroups = new Map<string, string[]>();
  readonly #groupVarsCache = new Map<string, Vars>();
  readonly #groupHostsCache = new Map<string, string[]>();
  /** Bumped by each hostsOf walk; a host whose record holds the current value was seen. */
  #walk = 0;

  constructor(data: InventoryData) {
    const groups = new Map<string, InventoryGroup>();
    for (const [name, g] of data.groups) {
      groups.set(name, { ...g, hosts: [...g.hosts], children: [...g.children], vars: { ...g.vars } });
    }
    for (const name of ['all', 'ungrouped']) {
      if (!groups.has(name)) groups.set(name, { name, hosts: [], children: [], vars: {} });
    }
    const all = groups.get('all')!;
    if (!all.children.includes('ungrouped') && !isChildOfAny(groups, 'ungrouped'))
      all.children.push('ungrouped');
    this.#groups = groups;
    const hosts = new Map<string, HostRecord>();
    for (const [k, h] of data.hosts)
      hosts.set(k, { vars: hasNoKeys(h.vars) ? NO_VARS : { ...h.vars }, direct: NO_GROUPS, walk: 0 });
    this.#hosts = hosts;
    this.#layers = data.varsFiles ?? [];
    this.#sourceFiles = data.sourceFiles ?? [];
    this.#reconcile(groups);
  }

  /** Ansible's InventoryData.reconcile_inventory. */
  #reconcile(groups: Map<string, InventoryGroup>): void {
    const all = groups.get('all')!;
    this.#indexParents();
    for (const name of groups.keys()) {
      if (name !== 'all' && (this.#parents.get(name) ?? []).length === 0) {
        all.children.push(name);
        this.#parents.set(name, ['all']);
      }
    }
    this.#indexDirectGroups();
    const ungrouped = groups.get('ungrouped')!;
    const leave = new Set<string>();
    const join: string[] = [];
    for (const [host, { direct }] of this.#hosts) {
      if (direct.every((g) => g === 'all')) join.push(host);
      else if (this.#inUngroupedAndElsewhere(direct)) leave.add(host);
    }
    // Indexed again only when `ungrouped` changed (a second pass over 100,000 hosts costs as much as the first).
    if (leave.size === 0 && join.length === 0) return;
    if (leave.size > 0) ungrouped.hosts = ungrouped.hosts.filter((h) => !leave.has(h));
    ungrouped.hosts.push(...join);
    this.#indexDirectGroups();
  }

  /**
   * Ansible's test on host.get_groups() (direct groups and their ancestors):
   * in `ungrouped` and in some group other than `all` and `ungrouped`. Asked
   * of the direct groups and the cached ancestor sets, so that reconciling
   * 100,000 hosts builds no per-host list.
   */
  #inUngroupedAndElsewhere(direct: readonly string[]): boolean {
    let ungrouped = false;
    let elsewhere = false;
    const see = (g: string) => {
      if (g === 'ungrouped') ungrouped = true;
      else if (g !== 'all') elsewhere = true;
    };
    for (const g of direct) {
      see(g);
      for (const a of this.ancestorsOf(g)) see(a);
      if (ungrouped && elsewhere) return true;
    }
    return false;
  }

  #indexParents(): void {
    this.#parents.clear();
    for (const g of this.#groups.values()) {
      for (const c of g.children) {
        const list = this.#parents.get(c) ?? [];
        if (!list.includes(g.name)) list.push(g.name);
        this.#parents.set(c, list);
      }
    }
  }

  #indexDirectGroups(): void {
    this.#ancestors.clear();
    for (const record of this.#hosts.values()) record.direct = NO_GROUPS;
    for (const g of this.#groups.values()) {
      // Most hosts are in one group: they share that group's one-name list.
      const only: readonly string[] = [g.name];
      for (const h of g.hosts) {
        const record = this.#hosts.get(h);
        if (!record) continue; // a group member that was never added as a host (hand-built data)
        record.direct = record.direct.length === 0 ? only : [...record.direct, g.name];
      }
    }
  }

  /** Every group name, in the order first defined (`all` and `ungrouped` first). */
  groupNames(): string[] {
    return [...this.#groups.keys()];
  }

  /** Every host name, in the order first seen across sources. */
  hostNames(): string[] {
    return [...this.#hosts.keys()];
  }

  hasHost(name: string): boolean {
    return this.#hosts.has(name);
  }

  hasGroup(name: string): boolean {
    return this.#groups.has(name);
  }

  /** A group as defined: direct hosts, direct children, its own inventory-file vars. */
  group(name: string): Readonly<InventoryGroup> | undefined {
    return this.#groups.get(name);
  }

  /** Direct parents of a group (`all` for top-level groups). */
  parentsOf(group: string): string[] {
    return [...(this.#parents.get(group) ?? [])];
  }

  /** Hosts of a group and its descendants, in Ansible's Group.get_hosts() order. */
  hostsOf(group: string): string[] {
    const cached = this.#groupHostsCache.get(group);
    if (cached) return cached;
    const start = this.#groups.get(group);
    if (!start) return [];
    // Breadth-first: the group, its children in order, then theirs (Ansible's preserve_ordering walk).
    const order: string[] = [group];
    const seen = new Set(order);
    for (let i = 0; i < order.length; i++) {
      for (const c of this.#groups.get(order[i])?.children ?? []) {
        if (!seen.has(c)) {
          seen.add(c);
          order.push(c);
        }
      }
    }
    const hosts: string[] = [];
    const walk = ++this.#walk;
    for (const g of order) {
      for (const h of this.#groups.get(g)?.hosts ?? []) {
        const record = this.#hosts.get(h);
        if (record?.walk === walk) continue;
        if (record) record.walk = walk;
        hosts.push(h);
      }
    }
    this.#groupHostsCache.set(group, hosts);
    return hosts;
  }

  /** Ancestors of a group (not itself), through every parent. */
  ancestorsOf(group: string): Set<string> {
    const cached = this.#ancestors.get(group);
    if (cached) return cached;
    const out = new Set<string>();
    for (const p of this.#parents.get(group) ?? []) {
      out.add(p);
      for (const a of this.ancestorsOf(p)) out.add(a);
    }
    this.#ancestors.set(group, out);
    return out;
  }

  /** Longest distance from `all`, as Ansible's Group.depth. */
  depthOf(group: string): number {
    if (group === 'all') return 0;
    const cached = this.#depth.get(group);
    if (cached !== undefined) return cached;
    let depth = 0;
    for (const p of this.#parents.get(group) ?? []) depth = Math.max(depth, this.depthOf(p) + 1);
    this.#depth.set(group, depth);
    return depth;
  }

  priorityOf(group: string): number {
    return this.#groups.get(group)?.priority ?? 1;
  }

  #groupsOfDirect(direct: readonly string[]): string[] {
    const out = new Set<string>();
    for (const g of direct) {
      out.add(g);
      for (const a of this.ancestorsOf(g)) out.add(a);
    }
    return [...out];
  }

  /** Every group the host is in, directly or through a child group, `all` included; ASCII order. */
  groupsOf(host: string): string[] {
    return [...this.#groupsSorted(this.#record(host).direct)];
  }

  #record(host: string): HostRecord {
    const record = this.#hosts.get(host);
    if (!record) {
      throw new RunnerError('INVENTORY_INVALID', `host "${host}" is not in the inventory`, { host });
    }
    return record;
  }

  /**
   * The host's merged vars in Ansible's precedence: exactly what
   * `ansible-inventory --list` prints under `_meta.hostvars` (no magic vars).
   */
  hostVars(host: string): Vars {
    return structuredClone(this.hostVarsShared(host));
  }

  /**
   * hostVars without the copy, for readers that only read (--list formats
   * 100,000 hosts): the object may be shared with other hosts and with later
   * calls, so it must never be changed.
   */
  hostVarsShared(host: string): Readonly<Vars> {
    const record = this.#record(host);
    let vars = record.merged;
    if (!vars) {
      const fromGroups = this.#groupVars(this.#groupsSorted(record.direct));
      const own = record.vars;
      // Most hosts of a large fleet have no vars of their own: they share their groups' object.
      if (hasNoKeys(own) && !this.#layers.some((layer) => layer.hosts.has(host))) vars = fromGroups;
      else {
        vars = {};
        merge(vars, fromGroups);
        merge(vars, own);
        for (const layer of this.#layers) merge(vars, layer.hosts.get(host));
      }
      record.merged = vars;
    }
    return vars;
  }

  /** What the host's groups give it (precedence steps 1 to 4), shared by every host with the same groups. */
  #groupVars(groups: string[]): Vars {
    const key = groups.join('\0');
    let vars = this.#groupVarsCache.get(key);
    if (!vars) {
      vars = groupVarsFor({
        groups,
        group: (g) => this.#groups.get(g)!,
        depthOf: (g) => this.depthOf(g),
        priorityOf: (g) => this.priorityOf(g),
        layers: this.#layers,
      });
      this.#groupVarsCache.set(key, vars);
    }
    return vars;
  }

  /**
   * A host's groups depend only on its direct groups: hosts with the same
   * direct groups (most of a fleet, often one group each) share one list,
   * so 100,000 hosts do not make 100,000 lists.
   */
  #groupsSorted(direct: readonly string[]): string[] {
    const key = direct.length === 1 ? direct[0]! : direct.join('\0');
    let groups = this.#hostGroups.get(key);
    if (!groups) {
      groups = this.#groupsOfDirect(direct).sort(ascii);
      this.#hostGroups.set(key, groups);
    }
    return groups;
  }

  /** The host's own inventory-file vars (not its groups', not host_vars/), for origin lookups. */
  ownVars(host: string): Readonly<Vars> {
    return this.#record(host).vars;
  }

  /** The group_vars/ and host_vars/ layers, in precedence order (later wins). */
  varsFileLayers(): readonly VarsFileLayer[] {
    return this.#layers;
  }

  /** The inventory files read, in reading order (later ones win). */
  sourceFiles(): readonly string[] {
    return this.#sourceFiles;
  }

  /** The magic vars a play sees (ansible-inventory does not print these). */
  magicVars(host: string): MagicVars {
    const groups: Record<string, string[]> = {};
    for (const g of this.#groups.keys()) groups[g] = this.hostsOf(g);
    return {
      inventory_hostname: host,
      inventory_hostname_short: host.split('.')[0],
      group_names: this.groupsOf(host).filter((g) => g !== 'all'),
      groups,
    };
  }

  /** hostVars with `{{ var }}` templates resolved against the same vars (and the magic vars). */
  resolvedHostVars(host: string): Vars {
    const vars = this.hostVars(host);
    const magic = this.magicVars(host) as unknown as Vars;
    return resolveTemplates(vars, { ...magic, ...vars }) as Vars;
  }
}

interface HostRecord {
  /** The host's own inventory-file vars. */
  readonly vars: Readonly<Vars>;
  /** Its direct groups, in the order the groups were defined. */
  direct: readonly string[];
  /** Its merged vars, once asked (possibly shared with hosts of the same groups). */
  merged?: Readonly<Vars>;
  /** The last hostsOf walk that listed it. */
  walk: number;
}

const NO_VARS: Readonly<Vars> = Object.freeze({});
const NO_GROUPS: readonly string[] = Object.freeze([]);

export function ascii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isChildOfAny(groups: Map<string, InventoryGroup>, name: string): boolean {
  for (const g of groups.values()) if (g.children.includes(name)) return true;
  return false;
}
