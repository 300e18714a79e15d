import type { PlayDefinition, TaskDefinition } from './model.js';

/**
 * Which consecutive tasks of a play may reach a host in ONE write to its
 * persistent shell (docs/engine.md, "Batching"). Pure: a function of the task
 * list, the play and the run's --check. Conservative on purpose: a task joins
 * a group only when running it early, before the strategy reaches it, cannot
 * change what any task of the group does or whether it runs.
 *
 * A group is two or more consecutive tasks that:
 * - all use a module that declares itself batchable (ModuleDefinition.batch);
 * - have no loop, until/retries (more than one command each), and no
 *   creates/removes written in their args (an extra command first);
 * - except the last: no `register` (a later task's templating would see the
 *   var before it is set) and no failed_when (the host decides whether the
 *   next command runs from the exit code alone);
 * - share their become settings (one escalation per write);
 * and never: under --check, or in a play with any_errors_fatal or
 * max_fail_percentage (another host's failure between two tasks must stop
 * this host before its next task starts, as in Ansible).
 * set_fact and other var-changing modules are local, so never batchable:
 * nothing inside a group changes vars, which is why the executor may evaluate
 * every `when:` of a group at its first task.
 * notify, delegate_to and timeout are refused by the playbook loader
 * (keywords.ts); a task carrying one could not be batched either.
 *
 * Returns each group's first task mapped to the group's tasks, in order.
 */
export function planBatches(
  tasks: readonly TaskDefinition[],
  play: Pick<PlayDefinition, 'anyErrorsFatal' | 'maxFailPercentage'>,
  options: { check: boolean; batchable(module: string): boolean },
): Map<TaskDefinition, TaskDefinition[]> {
  const groups = new Map<TaskDefinition, TaskDefinition[]>();
  if (options.check || play.anyErrorsFatal || play.maxFailPercentage !== undefined) return groups;
  let i = 0;
  while (i < tasks.length) {
    const first = tasks[i]!;
    const group = [first];
    if (fits(first, options)) {
      for (let j = i + 1; j < tasks.length; j++) {
        const next = tasks[j]!;
        if (!mayPrecede(group.at(-1)!) || !fits(next, options) || !sameBecome(first, next)) break;
        group.push(next);
      }
    }
    if (group.length > 1) groups.set(first, group);
    i += group.length;
  }
  return groups;
}

/** A task whose one run is one command of a batchable module. */
function fits(task: TaskDefinition, options: { batchable(module: string): boolean }): boolean {
  return (
    options.batchable(task.module) &&
    task.loop === undefined &&
    task.until === undefined &&
    task.retries === undefined &&
    !guarded(task)
  );
}

/** A task that another task of its group may follow. */
function mayPrecede(task: TaskDefinition): boolean {
  return task.register === undefined && task.failedWhen === undefined;
}

function sameBecome(a: TaskDefinition, b: TaskDefinition): boolean {
  return a.become === b.become && a.becomeUser === b.becomeUser;
}

/** creates/removes, in `args:`, a mapping, or a free-form `creates=...`. */
function guarded(task: TaskDefinition): boolean {
  const has = (o: unknown) => typeof o === 'object' && o !== null && ('creates' in o || 'removes' in o);
  if (has(task.args) || has(task.rawArgs)) return true;
  return typeof task.rawArgs === 'string' && /(^|\s)(creates|removes)=/.test(task.rawArgs);
}
