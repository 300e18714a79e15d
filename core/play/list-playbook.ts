import type { PlaybookDefinition } from './model.js';
import { tagsAllow } from './prepare.js';

export interface ListOptions {
  /** The playbook as the user named it (ansible-playbook prints it as given). */
  shownAs: string;
  hosts: boolean;
  tasks: boolean;
  /** Host names per play, in order; needed when `hosts` is set. */
  hostsOf?: (playIndex: number) => string[];
  tags?: string[];
  skipTags?: string[];
}

/**
 * What `ansible-playbook --list-hosts / --list-tasks / --syntax-check` print,
 * line for line: the playbook, then per play its pattern and hosts and/or its
 * tasks with their tags. With neither list, only the playbook line
 * (--syntax-check). Nothing here touches a host. Ansible joins play tags with
 * ',' and sorts task tags joined with ', '; it lists a play's hosts from a set,
 * in no fixed order, and we list them in inventory order.
 */
export function formatListing(playbook: PlaybookDefinition, options: ListOptions): string {
  const lines = ['', `playbook: ${options.shownAs}`];
  if (!options.hosts && !options.tasks) return `${lines.join('\n')}\n`;
  playbook.plays.forEach((play, i) => {
    lines.push('', `  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${(play.tags ?? []).join(',')}]`);
    if (options.hosts) {
      const hosts = options.hostsOf?.(i) ?? [];
      lines.push(`    pattern: ['${play.hosts}']`);
      lines.push(`    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h}`));
    }
    if (options.tasks) {
      lines.push('    tasks:');
      for (const task of play.tasks.filter((t) => tagsAllow(t, options.tags, options.skipTags))) {
        lines.push(`      ${task.name}\tTAGS: [${[...(task.tags ?? [])].sort().join(', ')}]`);
      }
    }
  });
  return `${lines.join('\n')}\n`;
}
