import type { BatchCommand, BecomeSpec, Connection } from '../connection/types.js';
import type { Vars } from '../inventory/types.js';
import type { HostState } from './host-state.js';
import type { TaskDefinition } from './model.js';
import { type BatchedTask, prepareBatched, type TaskOutcome, type TaskRunContext } from './run-task.js';

export interface RunBatchOptions {
  host: HostState;
  /** The group's tasks, in order (batch-plan.ts). */
  group: TaskDefinition[];
  /** The context runTask would get for a task on this host; throws as hostTask's would. */
  context(task: TaskDefinition): TaskRunContext;
  /** The connection a task with these vars uses, and the key saying which one that is. */
  connect(vars: Vars): Promise<Connection>;
  connectionKey(vars: Vars): string;
  /** The run's kill signal: kills the commands already written. */
  signal: AbortSignal;
}

/**
 * Runs a batch group on one host when the strategy reaches its first task:
 * prepares the longest prefix of the group that still qualifies for this host
 * (its `when`, templated args, one become and one connection for all), sends
 * its commands in one execBatch, and leaves each task's outcome in
 * `host.batched`, for the executor to hand over when the strategy reaches
 * the task (events, stats, register: as if it ran then). Tasks after the
 * prefix, and every task when the connection cannot batch (local, or a shell
 * that is busy or broken), get no outcome here and run alone through runTask,
 * exactly as without batching.
 */
export async function runBatch(options: RunBatchOptions): Promise<void> {
  const { host, group } = options;
  const ready = new Map<TaskDefinition, TaskOutcome>();
  const sent: { task: TaskDefinition; step: BatchedTask }[] = [];
  let first: { vars: Vars; become?: BecomeSpec; key: string } | undefined;
  for (const task of group) {
    let ctx: TaskRunContext;
    let step: ReturnType<typeof prepareBatched>;
    let key: string;
    try {
      ctx = options.context(task);
      key = options.connectionKey(ctx.vars);
      step = prepareBatched(ctx);
    } catch {
      break;
    }
    if (step === undefined) break;
    if ('skipped' in step) {
      ready.set(task, step.skipped);
      continue;
    }
    first ??= { vars: ctx.vars, become: ctx.become, key };
    if (key !== first.key || !sameBecome(first.become, ctx.become)) break;
    sent.push({ task, step });
  }
  // One command gains nothing from a batch: it runs as it always did.
  if (sent.length < 2 || !first) return;
  let connection: Connection;
  try {
    connection = await options.connect(first.vars);
  } catch {
    return; // runTask meets the same failure and reports it (unreachable).
  }
  if (!connection.execBatch) return;
  const commands: BatchCommand[] = sent.map(({ task, step }) => ({
    command: step.command,
    continueOnError: task.ignoreErrors === true,
  }));
  let outcome: Awaited<ReturnType<NonNullable<Connection['execBatch']>>>;
  try {
    outcome = await connection.execBatch(commands, { become: first.become, signal: options.signal });
  } catch (error) {
    // Nothing ran (sudo refused the password, the run was killed): the first task fails with it, as
    // its exec would have, and is not tried again (a second sudo with a wrong password).
    outcome = { results: [], error: error as Error };
  }
  if (!outcome) return;
  host.batched ??= new Map();
  // Skipped tasks keep their outcome only where they sit before a task that ran.
  for (const [task, skip] of ready) host.batched.set(task, skip);
  for (const [i, { task, step }] of sent.entries()) {
    const exec = outcome.results[i];
    if (exec) host.batched.set(task, step.finish(exec));
    else {
      // The first command without a result: the batch ended on it (error), or the chain stopped
      // before it (its host failed on an earlier task and never reaches it).
      if (outcome.error) host.batched.set(task, step.fail(outcome.error));
      break;
    }
  }
}

/** One escalation for the whole batch: same method, user, flags and password. */
function sameBecome(a: BecomeSpec | undefined, b: BecomeSpec | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.method === b.method &&
    a.user === b.user &&
    a.flags === b.flags &&
    a.password?.reveal() === b.password?.reveal()
  );
}
