/**
 * The inventory model every source (YAML, INI, JSON, directory, plugin) fills.
 * Names follow Ansible: a host exists once; a group lists its direct hosts and
 * child groups; `all` and `ungrouped` always exist.
 */
export type Vars = Record<string, unknown>;

export interface InventoryHost {
  name: string;
  /** Vars set on the host itself (inventory file and host_vars), in precedence order already merged. */
  vars: Vars;
}

export interface InventoryGroup {
  name: string;
  /** Direct member hosts, in the order first seen. */
  hosts: string[];
  /** Direct child groups. */
  children: string[];
  vars: Vars;
}

export interface InventoryData {
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
}

/** A problem that Ansible warns about and skips (e.g. an unknown group key). */
export interface InventoryWarning {
  message: string;
  file?: string;
  line?: number;
}

export interface InventorySourceContext {
  /** Directory relative paths resolve against. */
  cwd: string;
  warn(warning: InventoryWarning): void;
}

/** A plugin-contributed source: `plugin: <name>` YAML configs, or anything it claims. */
export interface InventorySourcePlugin {
  name: string;
  /** Whether this source reads the given path (e.g. a file ending aws_ec2.yml with `plugin: aws_ec2`). */
  accepts(path: string, head: string): boolean;
  load(path: string, into: InventoryData, ctx: InventorySourceContext): Promise<void>;
}
