import { RunnerError } from '../errors.js';
import { createInventoryData } from './data.js';
import { Inventory } from './model.js';
import { readSource } from './sources.js';
import type {
  InventorySourceContext,
  InventorySourcePlugin,
  InventoryWarning,
  VarsFileLayer,
} from './types.js';
import { loadVarsLayer } from './vars-files.js';

/**
 * The inventory layer's entry point: every `-i` source read in command-line
 * order into one InventoryData, then the `group_vars/` and `host_vars/` beside
 * each source, then the model. Everything that goes wrong is a RunnerError
 * naming the file (and line when known); Ansible's "warn and skip" cases go
 * to `onWarning`.
 */
export interface LoadInventoryOptions {
  /** Directory relative sources resolve against. */
  cwd: string;
  /** Plugin-contributed sources (aws_ec2 and the like), tried before the static formats. */
  plugins?: InventorySourcePlugin[];
  onWarning?: (warning: InventoryWarning) => void;
  /**
   * More directories whose `group_vars/` and `host_vars/` apply after the
   * inventory's: the playbook's directory, as in Ansible, where they win over
   * the inventory's own at each level.
   */
  extraVarsDirs?: string[];
  /** Receives the known_hosts files sources vouch for. */
  onKnownHosts?: (file: string) => void;
}

export async function loadInventory(sources: string[], options: LoadInventoryOptions): Promise<Inventory> {
  const data = createInventoryData();
  const ctx: InventorySourceContext = {
    cwd: options.cwd,
    warn: (w) => options.onWarning?.(w),
    trustKnownHosts: (file) => options.onKnownHosts?.(file),
  };
  const reader = { data, ctx, plugins: options.plugins ?? [] };
  const varsDirs: string[] = [];
  for (const source of sources) {
    if (typeof source !== 'string' || source.trim() === '') {
      throw new RunnerError('USAGE', 'an inventory source must be a path or a comma-separated host list');
    }
    const varsDir = await readSource(source, reader);
    if (varsDir !== undefined) varsDirs.push(varsDir);
  }
  for (const dir of options.extraVarsDirs ?? []) {
    if (!varsDirs.includes(dir)) varsDirs.push(dir);
  }
  const layers: VarsFileLayer[] = [];
  for (const dir of varsDirs) layers.push(await loadVarsLayer(dir, data, ctx.warn));
  data.varsFiles = layers;
  return new Inventory(data);
}

export type { ConnectionVars } from './connection-vars.js';
export { ansibleBoolean, connectionVars } from './connection-vars.js';
export type { Where } from './data.js';
export { addChild, addGroup, addHost, createInventoryData, setGroupVar, setHostVar } from './data.js';
export type { AnsibleList, AnsibleListGroup } from './format.js';
export {
  formatInventoryGraph,
  formatInventoryHost,
  formatInventoryList,
  inventoryListChunks,
  toAnsibleList,
} from './format.js';
export { expandHostPattern, expandHostRange, parseAddress } from './host-range.js';
export type { MagicVars } from './model.js';
export { Inventory } from './model.js';
export type { SelectOptions } from './patterns.js';
export { selectHosts, splitPattern } from './patterns.js';
export { resolveTemplates } from './templar.js';
export type * from './types.js';
export { loadYamlOrJson, toPlain } from './yaml-load.js';
