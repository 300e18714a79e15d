import { RunnerError } from '../errors.js';
import type { Vars } from '../inventory/types.js';
import { checkModuleName, type PluginRegistry } from '../plugin/registry.js';
import type { PlaybookDefinition, PlayDefinition, TaskDefinition } from './model.js';
import { resolveTaskArgs, validateModuleArgs } from './module-args.js';
import { inShard, type Shard } from './shard.js';
import type { PhaseTasks } from './strategies/index.js';
import { isTemplated, render } from './template.js';

export interface PlannedPlay {
  play: PlayDefinition;
  hosts: string[];
  /**
   * The play's run phases in order: connect (gathering facts, when the play
   * asks), preflight checks, execute (the play's tasks after --tags,
   * --skip-tags and --start-at-task), post-setup checks. Task selection
   * applies to execute only: no flag can skip a check.
   */
  phases: PhaseTasks[];
}

interface PlanInput {
  playbook: PlaybookDefinition;
  registry: PluginRegistry;
  selectHosts(pattern: string): string[];
  limit?: string;
  /** This process's part of the hosts (`--shard`), taken after --limit. */
  scope?: { shard?: Shard };
  tags?: string[];
  skipTags?: string[];
  startAtTask?: string;
  /** `hosts:` may be a template over extra vars and play vars (`hosts: "{{ target }}"`). */
  extraVars?: Vars;
}

/** The checks of a phase that apply to this playbook, each run on every host like a task. */
function checkTasks(
  input: PlanInput,
  phase: 'preflight' | 'post-setup',
  play: PlayDefinition,
): TaskDefinition[] {
  return input.registry.checks
    .filter((c) => c.value.phase === phase)
    .filter((c) => !c.value.playbooks || c.value.playbooks.includes(input.playbook.name))
    .map((c) => ({
      name: `${phase}: ${c.name}`,
      module: checkModuleName(c.value),
      args: {},
      where: play.where,
    }));
}

/**
 * Everything checked before any host is touched: every module exists, args
 * that are not templated fit the module's schema, and the host patterns match
 * something. Errors name the file and line.
 */
export function planPlays(input: PlanInput): PlannedPlay[] {
  const limited = input.limit ? new Set(input.selectHosts(input.limit)) : undefined;
  const plan: PlannedPlay[] = [];
  let startAtMissing: string | undefined;
  let anyHosts = false;
  for (const play of input.playbook.plays) {
    for (const task of play.tasks) validateTask(task, input.registry);
    const pattern = isTemplated(play.hosts)
      ? String(render(play.hosts, { ...(play.vars ?? {}), ...(input.extraVars ?? {}) }))
      : play.hosts;
    let hosts = input.selectHosts(pattern);
    if (limited) hosts = hosts.filter((h) => limited.has(h));
    if (hosts.length > 0) anyHosts = true;
    hosts = inShard(hosts, input.scope?.shard);
    const tasks = play.tasks.filter((t) => tagsAllow(t, input.tags, input.skipTags));
    if (input.startAtTask) {
      const at = tasks.findIndex((t) => t.name === input.startAtTask);
      if (at >= 0) tasks.splice(0, at);
      else startAtMissing ??= input.startAtTask;
    }
    const facts: TaskDefinition[] =
      play.gatherFacts !== false && input.registry.modules.has('setup')
        ? [{ name: 'Gathering Facts', module: 'setup', args: {}, where: play.where }]
        : [];
    const phases: PhaseTasks[] = [
      { phase: 'connect', tasks: facts },
      { phase: 'preflight', tasks: checkTasks(input, 'preflight', play) },
      { phase: 'execute', tasks },
      { phase: 'post-setup', tasks: checkTasks(input, 'post-setup', play) },
    ];
    plan.push({ play, hosts, phases });
  }
  if (startAtMissing && plan.every((p) => !executeTasks(p).some((t) => t.name === startAtMissing))) {
    throw new RunnerError(
      'USAGE',
      `--start-at-task: no task named "${startAtMissing}" in ${input.playbook.name}`,
    );
  }
  // A shard that the hash gave no host is not an error: the other shards have them.
  if (!anyHosts) {
    const patterns = input.playbook.plays.map((p) => `"${p.hosts}"`).join(', ');
    const first = input.playbook.plays[0]?.where;
    throw new RunnerError(
      'NO_HOSTS_MATCHED',
      `no hosts matched ${patterns}${input.limit ? ` with --limit "${input.limit}"` : ''}`,
      { ...first },
    );
  }
  return plan;
}

/** The play's own tasks after selection (the execute phase). */
export function executeTasks(planned: PlannedPlay): TaskDefinition[] {
  return planned.phases.find((p) => p.phase === 'execute')?.tasks ?? [];
}

export function validateTask(task: TaskDefinition, registry: PluginRegistry): void {
  const module = registry.modules.get(task.module);
  if (!module) {
    const suggestion = closest(task.module, [...registry.modules.keys()]);
    throw new RunnerError(
      'UNKNOWN_MODULE',
      `unknown module "${task.module}" in task "${task.name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      { ...task.where },
    );
  }
  const args = resolveTaskArgs(task, module.value);
  // Templated args can only be checked once rendered, per host.
  if (!containsTemplate(args)) validateModuleArgs(task, module.value, args);
}

function containsTemplate(value: unknown): boolean {
  if (isTemplated(value)) return true;
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (value && typeof value === 'object') return Object.values(value).some(containsTemplate);
  return false;
}

export function tagsAllow(task: TaskDefinition, tags?: string[], skipTags?: string[]): boolean {
  const own = new Set(task.tags ?? []);
  if (own.has('always') && !skipTags?.includes('always')) return true;
  if (skipTags?.some((t) => own.has(t))) return false;
  if (!tags || tags.length === 0 || tags.includes('all')) return !own.has('never');
  if (tags.includes('tagged') && own.size > 0) return true;
  if (tags.includes('untagged') && own.size === 0) return true;
  return tags.some((t) => own.has(t));
}

/** The known name within edit distance 2, for "did you mean". */
export function closest(name: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length]!;
}
