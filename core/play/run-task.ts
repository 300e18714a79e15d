import type { BecomeSpec, Connection, ExecResult } from '../connection/types.js';
import { isRunnerError, RunnerError } from '../errors.js';
import type { Vars } from '../inventory/types.js';
import type { TaskResult, TaskStatus } from '../output/events.js';
import type { PlayState } from '../plugin/play-state.js';
import type { Contribution } from '../plugin/registry.js';
import type { ModuleDefinition, ModuleResult } from '../plugin/types.js';
import type { PlayDefinition, TaskDefinition } from './model.js';
import { resolveTaskArgs, validateModuleArgs } from './module-args.js';
import { conditionHolds, evaluate, renderDeep } from './template.js';

/** Codes that mean the host could not be reached, as opposed to a task failing on it. */
const UNREACHABLE_CODES = new Set([
  'CONNECT_TIMEOUT',
  'CONNECT_REFUSED',
  'CONNECT_FAILED',
  'AUTH_FAILED',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'HOST_KEY_REVOKED',
  'CONNECTION_LOST',
  'CONNECTION_OPTIONS_INVALID',
]);

export function isUnreachableError(error: unknown): boolean {
  return isRunnerError(error) && UNREACHABLE_CODES.has(error.code);
}

export interface TaskRunContext {
  host: string;
  play: PlayDefinition;
  task: TaskDefinition;
  module: Contribution<ModuleDefinition<unknown>>;
  vars: Vars;
  become?: BecomeSpec;
  check: boolean;
  diff?: boolean;
  /** The play's typed plugin state, handed to the module as ctx.state. */
  state: PlayState;
  /** Stops new work (retry delays end early). */
  signal: AbortSignal;
  /** Kills running commands: what modules pass to exec. */
  killSignal: AbortSignal;
  connect(): Promise<Connection>;
  log(text: string, stream: 'stdout' | 'stderr'): void;
  warn(message: string): void;
  /** Where a var of this host comes from (ModuleContext.origin). */
  origin?(key: string): Promise<string | undefined>;
}

export interface TaskOutcome {
  result: TaskResult;
  /** Value stored under `register:`. */
  registered: Record<string, unknown>;
  /** set_fact values to add to host facts. */
  facts?: Vars;
  /** A line for the recap's NOTICES. */
  notice?: string;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Runs one task on one host: when, loop, args, retries/until, changed_when/failed_when. */
export async function runTask(ctx: TaskRunContext): Promise<TaskOutcome> {
  const started = Date.now();
  const { task } = ctx;
  const base = { host: ctx.host, task: task.name, module: task.module };
  try {
    if (task.loop !== undefined) return await runLoop(ctx, started);
    if (task.when !== undefined && !conditionHolds(task.when, ctx.vars)) {
      return skipped(base, started, 'conditional result was false');
    }
    return await runOnce(ctx, ctx.vars, started);
  } catch (error) {
    return errorOutcome(base, error, started);
  }
}

/** A task that threw: unreachable when the host could not be reached, else failed. */
function errorOutcome(
  base: Pick<TaskResult, 'host' | 'task' | 'module'>,
  error: unknown,
  started: number,
): TaskOutcome {
  if (isUnreachableError(error)) {
    const msg = (error as RunnerError).oneLine();
    return {
      result: { ...base, status: 'unreachable', msg, durationMs: Date.now() - started },
      registered: { unreachable: true, msg, changed: false },
    };
  }
  const msg = isRunnerError(error) ? error.oneLine() : `${(error as Error)?.message ?? String(error)}`;
  return {
    result: { ...base, status: 'failed', msg, durationMs: Date.now() - started },
    registered: { failed: true, msg, changed: false },
  };
}

/** A task that goes to its host in a batch (batch-plan.ts): its command, and how its outcome is made. */
export interface BatchedTask {
  command: string;
  /** The outcome for the command's result, as runTask would have made it. */
  finish(exec: ExecResult): TaskOutcome;
  /** The outcome when the batch ended before this command (killed, connection lost). */
  fail(error: unknown): TaskOutcome;
}

/**
 * Prepares a task of a batch group, before the strategy reaches it: `when`,
 * args templated and validated, the module's one command. `skipped` when its
 * `when` is false; undefined when it cannot go in a batch after all (the
 * module wants more than one command for these args, or --check): the task
 * then runs alone, through runTask. Throws what runTask would turn into a
 * failure (a template error): the caller stops the batch before this task,
 * which then runs through runTask and fails there, as it always did.
 * Evaluating `when` and templating this early is sound because no task of a
 * group changes vars (no register but on the last, no set_fact: batch-plan.ts).
 */
export function prepareBatched(
  ctx: Omit<TaskRunContext, 'connect'>,
): { skipped: TaskOutcome } | BatchedTask | undefined {
  const { task, module } = ctx;
  const batch = module.value.batch;
  if (!batch || ctx.check || task.loop !== undefined || task.until !== undefined) return undefined;
  const started = Date.now();
  const base = { host: ctx.host, task: task.name, module: task.module };
  if (task.when !== undefined && !conditionHolds(task.when, ctx.vars)) {
    return { skipped: skipped(base, started, 'conditional result was false') };
  }
  const args = validateModuleArgs(
    task,
    module.value,
    renderDeep(resolveTaskArgs(task, module.value), ctx.vars),
  );
  const command = batch.command(args);
  if (command === undefined) return undefined;
  return {
    command,
    finish: (exec) => {
      try {
        return judged(ctx, ctx.vars, batch.result(exec, args), started);
      } catch (error) {
        return errorOutcome(base, error, started);
      }
    },
    fail: (error) => errorOutcome(base, error, started),
  };
}

/** One attempt's outcome after changed_when/failed_when (a task without until). */
function judged(ctx: Omit<TaskRunContext, 'connect'>, vars: Vars, result: ModuleResult, started: number) {
  const { task } = ctx;
  const plain = registerValue(result);
  const { changed, failed } = judge(task, result, task.register ? { ...vars, [task.register]: plain } : vars);
  return outcomeOf(ctx, result, { ...plain, changed, failed }, changed, failed, started);
}

function skipped(
  base: Pick<TaskResult, 'host' | 'task' | 'module'>,
  started: number,
  msg: string,
): TaskOutcome {
  return {
    result: { ...base, status: 'skipped', msg, durationMs: Date.now() - started },
    registered: { skipped: true, changed: false, skip_reason: msg },
  };
}

async function runLoop(ctx: TaskRunContext, started: number): Promise<TaskOutcome> {
  const items =
    typeof ctx.task.loop === 'string'
      ? evaluate(ctx.task.loop, ctx.vars)
      : renderDeep(ctx.task.loop, ctx.vars);
  if (!Array.isArray(items)) {
    throw new RunnerError('PLAYBOOK_INVALID', `loop of task "${ctx.task.name}" is not a list`, {
      ...ctx.task.where,
    });
  }
  const results: Record<string, unknown>[] = [];
  let status: TaskStatus = 'skipped';
  let msg: string | undefined;
  const facts: Vars = {};
  for (const item of items) {
    const vars = { ...ctx.vars, ...facts, item };
    if (ctx.task.when !== undefined && !conditionHolds(ctx.task.when, vars)) {
      results.push({ item, skipped: true, changed: false });
      continue;
    }
    const outcome = await runOnce(ctx, vars, Date.now());
    results.push({ ...outcome.registered, item });
    Object.assign(facts, outcome.facts ?? {});
    const s = outcome.result.status;
    if (s === 'failed' || s === 'unreachable') {
      status = s;
      msg ??= outcome.result.msg;
    } else if (s === 'changed' && status !== 'failed') status = 'changed';
    else if (s === 'ok' && status === 'skipped') status = 'ok';
  }
  const changed = results.some((r) => r.changed === true);
  return {
    result: {
      host: ctx.host,
      task: ctx.task.name,
      module: ctx.task.module,
      status,
      msg: msg ?? (status === 'failed' ? 'one or more items failed' : undefined),
      durationMs: Date.now() - started,
    },
    registered: { results, changed, failed: status === 'failed', msg },
    facts,
  };
}

async function runOnce(ctx: TaskRunContext, vars: Vars, started: number): Promise<TaskOutcome> {
  const { task, module } = ctx;
  const base = { host: ctx.host, task: task.name, module: task.module };
  const args = renderDeep(resolveTaskArgs(task, module.value), vars);
  const parsedArgs = validateModuleArgs(task, module.value, args);
  if (ctx.check && !module.value.supportsCheck && !module.value.local) {
    return skipped(base, started, 'skipped in check mode: this module cannot predict its changes');
  }
  // Ansible's count (task_executor.py): `retries: N` with `until` makes N + 1 attempts; no retries, 3.
  const attempts =
    task.until === undefined ? 1 : task.retries === undefined ? 3 : task.retries <= 0 ? 1 : task.retries + 1;
  let result: ModuleResult = { changed: false };
  let registered: Record<string, unknown> = {};
  let changed = false;
  let failed = false;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const connection = module.value.local ? undefined : await ctx.connect();
    result = await callModule(ctx, connection, parsedArgs, vars);
    registered = registerValue(result, task.until !== undefined ? attempt : undefined);
    // As in Ansible, changed_when/failed_when apply to every attempt, and `until` sees their outcome.
    ({ changed, failed } = judge(
      task,
      result,
      task.register ? { ...vars, [task.register]: registered } : vars,
    ));
    registered = { ...registered, changed, failed };
    if (task.until === undefined) break;
    if (conditionHolds(task.until, { ...vars, [task.register ?? '__result']: registered })) break;
    if (attempt < attempts) await sleep((task.delay ?? 5) * 1000, ctx.signal);
    if (ctx.signal.aborted) break;
    if (attempt === attempts && attempts > 1) {
      failed = true;
      result = { ...result, failed: true, msg: `retries exhausted (${attempts - 1}): condition not met` };
      // Ansible reports one attempt fewer once they run out.
      registered = { ...registerValue(result, attempts - 1), changed, failed };
    }
  }
  return outcomeOf(ctx, result, registered, changed, failed, started);
}

function outcomeOf(
  ctx: Omit<TaskRunContext, 'connect'>,
  result: ModuleResult,
  registered: Record<string, unknown>,
  changed: boolean,
  failed: boolean,
  started: number,
): TaskOutcome {
  const base = { host: ctx.host, task: ctx.task.name, module: ctx.task.module };
  const status: TaskStatus = result.skipped ? 'skipped' : failed ? 'failed' : changed ? 'changed' : 'ok';
  const msg = failed ? (result.msg ?? failureMessage(result)) : result.msg;
  return {
    result: {
      ...base,
      status,
      msg,
      rc: result.rc,
      stdout: result.stdout,
      stderr: result.stderr,
      durationMs: Date.now() - started,
      data: result.data,
      ...(result.diff?.length ? { diff: result.diff } : {}),
    },
    registered,
    facts: result.data?.ansible_facts as Vars | undefined,
    notice: result.notice,
  };
}

/** The task's changed/failed after its changed_when/failed_when, over vars holding the registered result. */
function judge(
  task: TaskDefinition,
  result: ModuleResult,
  vars: Vars,
): { changed: boolean; failed: boolean } {
  let changed = result.changed;
  let failed = result.failed === true;
  if (task.changedWhen !== undefined) changed = conditionHolds(task.changedWhen, vars);
  if (task.failedWhen !== undefined) failed = conditionHolds(task.failedWhen, vars);
  return { changed, failed };
}

function failureMessage(result: ModuleResult): string {
  const stderr = result.stderr?.trim().split('\n').pop();
  if (result.rc !== undefined && result.rc !== null && result.rc !== 0) {
    return `non-zero return code ${result.rc}${stderr ? `: ${stderr}` : ''}`;
  }
  return stderr || 'failed';
}

async function callModule(
  ctx: TaskRunContext,
  connection: Connection | undefined,
  args: unknown,
  vars: Vars,
): Promise<ModuleResult> {
  try {
    return await ctx.module.value.run(
      {
        host: ctx.host,
        vars,
        // Modules marked local never touch it; a placeholder keeps the type honest.
        connection: connection ?? noConnection(ctx.host),
        become: ctx.become,
        check: ctx.check,
        diff: ctx.diff,
        state: ctx.state,
        signal: ctx.killSignal,
        log: ctx.log,
        warn: ctx.warn,
        ...(ctx.origin ? { origin: ctx.origin } : {}),
      },
      args,
    );
  } catch (error) {
    if (isRunnerError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new RunnerError(
      'PLUGIN_ERROR',
      `module "${ctx.task.module}" of plugin "${ctx.module.plugin}" threw: ${reason}`,
      { plugin: ctx.module.plugin, hook: `module ${ctx.task.module}`, cause: error },
    );
  }
}

/** What `register:` stores; `attempts` is set for tasks with `until`, as in Ansible. */
function registerValue(result: ModuleResult, attempts?: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...(result.data ?? {}),
    changed: result.changed,
    failed: !!result.failed,
  };
  if (result.msg !== undefined) out.msg = result.msg;
  if (result.rc !== undefined) out.rc = result.rc;
  if (result.stdout !== undefined) {
    out.stdout = result.stdout;
    out.stdout_lines = result.stdout === '' ? [] : result.stdout.replace(/\n$/, '').split('\n');
  }
  if (result.stderr !== undefined) {
    out.stderr = result.stderr;
    out.stderr_lines = result.stderr === '' ? [] : result.stderr.replace(/\n$/, '').split('\n');
  }
  if (attempts !== undefined) out.attempts = attempts;
  return out;
}

function noConnection(host: string): Connection {
  const refuse = async (): Promise<never> => {
    throw new RunnerError('INTERNAL', `a local module tried to use the connection to ${host}`);
  };
  return {
    kind: 'none',
    host,
    capabilities: { sftp: false, persistentShell: false, become: false },
    connect: refuse,
    exec: refuse,
    put: refuse,
    close: async () => {},
  };
}
