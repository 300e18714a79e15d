import { selectHosts } from '../inventory/patterns.js';
import type { Vars } from '../inventory/types.js';
import { formatListing } from './list-playbook.js';
import { validateTask } from './prepare.js';
import { resolvePlaybook } from './resolve-playbook.js';
import { loadProject, loadRunInventory } from './run-play.js';
import { inShard, type Shard } from './shard.js';
import { isTemplated, render } from './template.js';

export interface ListPlayOptions {
  playbook: string;
  inventories?: string[];
  cwd?: string;
  configFile?: string;
  limit?: string;
  /** `--shard`: only this shard's hosts are listed. */
  shard?: Shard;
  extraVars?: Vars;
  tags?: string[];
  skipTags?: string[];
  /** --list-hosts and --list-tasks; neither is --syntax-check. */
  hosts: boolean;
  tasks: boolean;
  onWarning?: (message: string) => void;
}

/**
 * `--syntax-check`, `--list-hosts`, `--list-tasks`: the playbook is loaded and
 * every task checked against its module as for a run, the inventory read when
 * hosts are listed, and no host is touched.
 */
export async function listPlay(options: ListPlayOptions): Promise<string> {
  const cwd = options.cwd ?? process.cwd();
  const project = await loadProject({ cwd, configFile: options.configFile });
  const playbook = await resolvePlaybook(options.playbook, project.registry, cwd);
  for (const play of playbook.plays) for (const task of play.tasks) validateTask(task, project.registry);
  let hostsOf: ((i: number) => string[]) | undefined;
  if (options.hosts) {
    const inventory = await loadRunInventory(project, options, playbook);
    const select = (pattern: string) =>
      selectHosts(inventory, pattern, { cwd, onWarning: options.onWarning });
    const limited = options.limit ? new Set(select(options.limit)) : undefined;
    hostsOf = (i) => {
      const play = playbook.plays[i]!;
      const pattern = isTemplated(play.hosts)
        ? String(render(play.hosts, { ...(play.vars ?? {}), ...(options.extraVars ?? {}) }))
        : play.hosts;
      const hosts = select(pattern);
      return inShard(limited ? hosts.filter((h) => limited.has(h)) : hosts, options.shard);
    };
  }
  return formatListing(playbook, {
    shownAs: options.playbook,
    hosts: options.hosts,
    tasks: options.tasks,
    hostsOf,
    tags: options.tags,
    skipTags: options.skipTags,
  });
}
