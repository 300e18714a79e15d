import type { Vars } from '../inventory/types.js';

/**
 * A playbook after loading: a list of plays, each a list of tasks. YAML and
 * TypeScript playbooks load into the same shape; `where` keeps file positions
 * for error messages.
 */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface TaskDefinition {
  name: string;
  module: string;
  /** Args given under the module key: a mapping, a free-form string, or null. */
  rawArgs?: unknown;
  /** Args from the task's `args:` keyword (and, once resolved, the module's). */
  args: Record<string, unknown>;
  when?: string | string[];
  register?: string;
  ignoreErrors?: boolean;
  changedWhen?: string | string[] | boolean;
  failedWhen?: string | string[] | boolean;
  retries?: number;
  until?: string | string[];
  delay?: number;
  become?: boolean;
  becomeUser?: string;
  vars?: Vars;
  tags?: string[];
  loop?: unknown;
  /** Hide this task's output and args from every reporter. */
  noLog?: boolean;
  where?: SourceLocation;
}

export interface PlayDefinition {
  name: string;
  hosts: string;
  vars?: Vars;
  /** `vars_files` as written; the YAML loader reads them into `vars` (they win over play vars). */
  varsFiles?: { paths: string[]; where?: SourceLocation }[];
  gatherFacts?: boolean;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: 'sudo' | 'su';
  serial?: number | string | (number | string)[];
  /** A name in strategies/index.ts (linear, free). */
  strategy?: string;
  maxFailPercentage?: number;
  anyErrorsFatal?: boolean;
  /** Play tags; every task of the play carries them too, as in Ansible. */
  tags?: string[];
  tasks: TaskDefinition[];
  where?: SourceLocation;
}

export interface PlaybookDefinition {
  name: string;
  plays: PlayDefinition[];
  /** File it came from, when it came from one. */
  file?: string;
}

/** definePlaybook() only returns its argument, for types. */
export function definePlaybook(playbook: PlaybookDefinition): PlaybookDefinition {
  return playbook;
}
