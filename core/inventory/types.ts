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
  /**
   * `ansible_group_priority` set by an inventory source. Ansible keeps it out of
   * the group's vars and uses it to order sibling groups (default 1, higher wins).
   */
  priority?: number;
}

/**
 * The `group_vars/` and `host_vars/` files found beside one `-i` source. They are
 * kept apart from the inventory-file vars because Ansible layers them separately:
 * every inventory-file group var loses to `group_vars/all`, and layers of later
 * sources win over earlier ones.
 */
export interface VarsFileLayer {
  /** The directory that holds `group_vars/` and `host_vars/`. */
  dir: string;
  groups: Map<string, Vars>;
  hosts: Map<string, Vars>;
}

export interface InventoryData {
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
  /** group_vars/host_vars layers, one per `-i` source, in command-line order. */
  varsFiles?: VarsFileLayer[];
  /** Every inventory file read, in reading order (only origin.ts reads them again, to say where a var came from). */
  sourceFiles?: string[];
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
  /**
   * A known_hosts file the source vouches for (a sandbox it started knows its
   * hosts' keys): the run reads it like `--known-hosts`.
   */
  trustKnownHosts?(file: string): void;
}

/** A plugin-contributed source: `plugin: <name>` YAML configs, or anything it claims. */
export interface InventorySourcePlugin {
  name: string;
  /** Whether this source reads the given path (e.g. a file ending aws_ec2.yml with `plugin: aws_ec2`). */
  accepts(path: string, head: string): boolean;
  /**
   * The file names `accepts` wants, for the error a user sees when their
   * `plugin: <name>` file is named otherwise, e.g. "*aws_ec2.yml or *aws_ec2.yaml".
   */
  fileNames?: string;
  load(path: string, into: InventoryData, ctx: InventorySourceContext): Promise<void>;
}
