import { setMaxListeners } from 'node:events';
import { dirname } from 'node:path';
import type { ConnectionRunOptions } from '../connection/types.js';
import { isRunnerError } from '../errors.js';
import type { PlayVarLayers } from '../inventory/origin.js';
import type { Vars } from '../inventory/types.js';
import type { Recap, RecapRow, RunEvent, RunPhase, TaskResult } from '../output/events.js';
import { PlayStore } from '../plugin/play-state.js';
import type { PluginRegistry } from '../plugin/registry.js';
import type { PlayHookContext } from '../plugin/types.js';
import type { Secret } from '../secret.js';
import { planBatches } from './batch-plan.js';
import { breakReason } from './break-rules.js';
import { planConnection } from './connection-spec.js';
import { exitCodeFor } from './exit-code.js';
import { connectHost } from './host-connection.js';
import { type HostState, newHostState, taskVars } from './host-state.js';
import { countResult } from './host-stats.js';
import type { PlaybookDefinition, PlayDefinition, TaskDefinition } from './model.js';
import { type PlannedPlay, planPlays } from './prepare.js';
import { runBatch } from './run-batch.js';
import { RUN_SCOPE, type RunScope } from './run-scope.js';
import { runTask, type TaskRunContext } from './run-task.js';
import { strategyFor } from './strategies/index.js';
import { taskBecome } from './task-become.js';

export interface InventoryView {
  hostVars(name: string): Vars;
  /** inventory_hostname, group_names, groups: vars Ansible adds that inventories do not print. */
  magicVars?(name: string): object;
}

/** What the user chose for a run (the `play` flags), as runPlay takes it and hands it on. */
export interface RunChoices {
  limit?: string;
  extraVars?: Vars;
  check?: boolean;
  /** --diff: modules return how they change files; reporters show it. */
  diff?: boolean;
  tags?: string[];
  skipTags?: string[];
  /** Start each play at the task of this name (earlier ones are not run). */
  startAtTask?: string;
}

export interface RunPlaybookOptions extends RunChoices {
  playbook: PlaybookDefinition;
  registry: PluginRegistry;
  inventory: InventoryView;
  /** Resolves a host pattern (a play's `hosts:` or `--limit`) to host names, in order. */
  selectHosts(pattern: string): string[];
  /** Warnings gathered while selecting hosts, emitted once the run starts (not when it cannot). */
  drainWarnings?: () => string[];
  forks: number;
  connection: ConnectionRunOptions;
  /** Run-wide secrets asked once (--ask-pass, --ask-become-pass); host vars win over them. */
  connectionDefaults?: { password?: Secret; becomePassword?: Secret };
  emit(event: RunEvent): void;
  signal?: AbortSignal;
  /** The run ID, shard, journal and API budget (`--run-id`, `--shard`, `--journal`, `--api-rate`). */
  scope?: RunScope;
  /**
   * Where a host's var comes from (`file:line`, `extra vars (-e)`), given the
   * play's own layers; for modules' and checks' error messages only.
   */
  varOrigin?(host: string, key: string, layers: PlayVarLayers): Promise<string | undefined>;
}

export interface RunOutcome {
  recap: Recap;
  exitCode: number;
  interrupted: boolean;
}

/**
 * Runs a playbook over the selected hosts: plays in order; within a play,
 * `serial` batches, then the play's strategy (linear: task by task with every
 * host in step; free: each host runs ahead), at most `forks` hosts at a time.
 * One host's failure never stops the others. Every host gets exactly one
 * `host.done` event.
 */
export async function runPlaybook(options: RunPlaybookOptions): Promise<RunOutcome> {
  const started = Date.now();
  const signal = options.signal ?? new AbortController().signal;
  // One listener per host in flight is expected on a run-wide signal.
  setMaxListeners(0, signal);
  const plan = planPlays(options);
  const states = new Map<string, HostState>();
  const resultsByHost = new Map<string, TaskResult[]>();
  for (const { hosts } of plan) {
    for (const name of hosts) {
      if (!states.has(name)) {
        const vars = { ...options.inventory.hostVars(name), ...(options.inventory.magicVars?.(name) ?? {}) };
        states.set(name, newHostState(name, vars));
        resultsByHost.set(name, []);
      }
    }
  }
  const lastPlayOf = new Map<string, number>();
  plan.forEach((p, i) => {
    for (const h of p.hosts) lastPlayOf.set(h, i);
  });
  const emit = options.emit;
  emit({
    type: 'run.start',
    time: new Date(started).toISOString(),
    playbook: options.playbook.name,
    hostCount: states.size,
    forks: options.forks,
  });
  for (const message of options.drainWarnings?.() ?? []) emit({ type: 'warning', message });

  const run = new PlayRun(options, states, resultsByHost, signal);
  try {
    for (const [index, planned] of plan.entries()) {
      if (signal.aborted || run.stopped) break;
      await run.play(planned, index, lastPlayOf);
    }
  } finally {
    emit({ type: 'phase', phase: 'disconnect' });
    const force = options.connection.signal?.aborted === true;
    await Promise.all(
      [...states.values()].map(
        (s) => s.released ?? s.connection?.close({ force }).catch(() => undefined) ?? Promise.resolve(),
      ),
    );
  }
  const interrupted = signal.aborted;
  for (const state of states.values()) {
    if (!state.done) {
      if (interrupted && !state.final)
        state.final = { status: 'interrupted', msg: 'interrupted before it finished' };
      run.finishHost(state);
    }
  }
  const recap: Recap = {
    // Sorted by name, as ansible-playbook's recap is.
    hosts: [...states.values()]
      .map(recapRow)
      .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0)),
    durationMs: Date.now() - started,
    notices: run.notices,
  };
  const exitCode = exitCodeFor(recap, interrupted);
  emit({ type: 'run.end', recap, exitCode });
  return { recap, exitCode, interrupted };
}

function recapRow(state: HostState): RecapRow {
  return {
    host: state.name,
    status: state.final?.status ?? 'ok',
    msg: state.final?.msg,
    ...state.stats,
  };
}

class PlayRun {
  readonly notices: Recap['notices'] = [];
  /** Second Ctrl-C: running commands are killed, not waited for. */
  readonly killSignal: AbortSignal;
  /**
   * Set when a play breaks (any_errors_fatal, max_fail_percentage, or a whole
   * serial batch failed): as in Ansible, no later batch or play runs.
   */
  stopped = false;
  /** Ansible's magic vars that do not depend on the host: where the playbook is, whether this is --check. */
  private readonly magicVars: Vars;
  /** The current play's batch groups (batch-plan.ts): each group's first task to its tasks. */
  private groups = new Map<TaskDefinition, TaskDefinition[]>();
  /** The current play's last task, and whether this play is a host's last: see releaseIfDone. */
  private finalTask?: TaskDefinition;
  private isLastPlayOf: (host: HostState) => boolean = () => false;

  constructor(
    private readonly options: RunPlaybookOptions,
    private readonly states: Map<string, HostState>,
    private readonly resultsByHost: Map<string, TaskResult[]>,
    private readonly signal: AbortSignal,
  ) {
    this.killSignal = options.connection.signal ?? new AbortController().signal;
    // Like the stop signal, it carries a listener per host in flight (a module waiting on it,
    // e.g. the registration waiter): an API caller's run without one warned of a leak at 11 hosts.
    setMaxListeners(0, this.killSignal);
    const file = options.playbook.file;
    this.magicVars = {
      playbook_dir: file ? dirname(file) : process.cwd(),
      ansible_check_mode: options.check ?? false,
      ansible_diff_mode: options.diff ?? false,
    };
  }

  async play(planned: PlannedPlay, index: number, lastPlayOf: Map<string, number>): Promise<void> {
    const { play, hosts, phases } = planned;
    const emit = this.options.emit;
    const playHosts = hosts.map((h) => this.states.get(h)!).filter((s) => !s.final);
    emit({
      type: 'play.start',
      play: play.name,
      hosts: playHosts.map((s) => s.name),
      taskCount: phases.reduce((n, p) => n + p.tasks.length, 0),
    });
    const playVars = { ...(play.vars ?? {}) };
    // The play's typed plugin state: lives exactly as long as this play, never in its vars.
    const store = new PlayStore(this.options.scope ? [[RUN_SCOPE, this.options.scope]] : []);
    const hookContext: PlayHookContext = {
      playbook: this.options.playbook.name,
      play: play.name,
      hosts: playHosts.map((s) => s.name),
      vars: playVars,
      emit,
      signal: this.signal,
      state: store,
    };
    try {
      await this.runPlay(planned, index, lastPlayOf, playHosts, playVars, hookContext, store);
    } finally {
      await store.dispose();
    }
    emit({ type: 'play.end', play: play.name });
  }

  private async runPlay(
    planned: PlannedPlay,
    index: number,
    lastPlayOf: Map<string, number>,
    playHosts: HostState[],
    playVars: Vars,
    hookContext: PlayHookContext,
    store: PlayStore,
  ): Promise<void> {
    const { play, phases } = planned;
    const emit = this.options.emit;
    emit({ type: 'phase', phase: 'setup' });
    await this.options.registry.runHook('beforePlay', hookContext);
    const strategy = strategyFor(play.strategy);
    this.groups = new Map(
      phases.flatMap(({ tasks }) => [
        ...planBatches(tasks, play, {
          check: this.options.check ?? false,
          batchable: (module) => this.options.registry.modules.get(module)?.value.batch !== undefined,
        }),
      ]),
    );
    const taskCount = phases.reduce((n, p) => n + p.tasks.length, 0);
    this.finalTask = phases.flatMap((p) => p.tasks).at(-1);
    this.isLastPlayOf = (host) => lastPlayOf.get(host.name) === index;
    // Tasks each host got through in this play: after Ctrl-C, a host short of them did not finish.
    const tasksThrough = new Map<HostState, number>();
    for (const batch of batches(playHosts, play.serial)) {
      if (this.signal.aborted) break;
      const entered = new Set<RunPhase>();
      await strategy.run(batch, phases, {
        forks: this.options.forks,
        signal: this.signal,
        runTask: async (host, task) => {
          await this.hostTask(host, play, task, playVars, store);
          tasksThrough.set(host, (tasksThrough.get(host) ?? 0) + 1);
        },
        enterPhase: (phase) => {
          if (entered.has(phase)) return;
          entered.add(phase);
          emit({ type: 'phase', phase });
        },
        taskStart: (task) =>
          emit({
            type: 'task.start',
            play: play.name,
            task: task.name,
            module: task.module,
            path: taskPath(task),
          }),
        breakAfterTask: (members) => {
          const reason = breakReason(play, members);
          if (!reason) return false;
          for (const host of members.filter((h) => !h.final)) {
            host.final = { status: 'failed', msg: `play "${play.name}" stopped: ${reason}` };
          }
          this.stopped = true;
          return true;
        },
      });
      // Ansible's playbook executor: a batch in which every host failed ends the run.
      if (batch.length > 0 && batch.every((h) => h.final)) this.stopped = true;
      if (this.stopped) break;
    }
    // After Ctrl-C no later play starts, so every host of this play ends here: afterHost still runs
    // (a plugin rolls back what it half did), and a host that did not get through its last play's
    // tasks is interrupted, never ok.
    const unfinished = (host: HostState) =>
      this.signal.aborted &&
      (lastPlayOf.get(host.name) !== index || (tasksThrough.get(host) ?? 0) < taskCount);
    for (const host of playHosts) {
      // Results of a batch the host did not get to (it failed, or Ctrl-C) belong to this play only.
      host.batched = undefined;
      if (!host.final && unfinished(host))
        host.final = { status: 'interrupted', msg: 'interrupted before it finished' };
      if (host.final || lastPlayOf.get(host.name) === index) {
        await this.options.registry.runHook('afterHost', {
          ...hookContext,
          host: host.name,
          results: this.resultsByHost.get(host.name) ?? [],
        });
        this.finishHost(host);
      }
    }
    await this.options.registry.runHook('afterPlay', hookContext);
  }

  finishHost(host: HostState): void {
    if (host.done) return;
    host.done = true;
    this.options.emit({
      type: 'host.done',
      host: host.name,
      status: host.final?.status ?? 'ok',
      stats: { ...host.stats },
      msg: host.final?.msg,
    });
  }

  /**
   * A batch that ran through the play's last task, in the host's last play,
   * leaves nothing for the host's connection to do: it closes now, while the
   * strategy hands the batch's results over in step with the other hosts, so
   * the host's sshd and shell end with its work rather than all at once at
   * the end of the run (on a loaded fleet, a tail of a second per 100 hosts).
   * Only batches: a task run alone may be followed by another play's, a
   * retry or a check, which the executor cannot see from here.
   */
  private releaseIfDone(host: HostState, group: TaskDefinition[]): void {
    const last = group.at(-1);
    if (last === undefined || last !== this.finalTask || !host.batched?.has(last)) return;
    if (!this.isLastPlayOf(host) || !host.connection || host.released) return;
    host.released = host.connection.close().catch(() => undefined);
  }

  private async hostTask(
    host: HostState,
    play: PlayDefinition,
    task: TaskDefinition,
    playVars: Vars,
    store: PlayStore,
  ) {
    if (host.final) return;
    const emit = this.options.emit;
    const module = this.options.registry.modules.get(task.module)!;
    emit({ type: 'host.task.start', host: host.name, task: task.name });
    let outcome: Awaited<ReturnType<typeof runTask>>;
    const group = this.groups.get(task);
    if (group && !host.batched?.has(task)) {
      await runBatch({
        host,
        group,
        context: (t) => this.taskContext(host, play, t, playVars, store),
        connect: (vars) => connectHost(host, vars, this.options),
        connectionKey: (vars) => planConnection(host.name, vars, this.options.connectionDefaults).key,
        signal: this.killSignal,
      });
      this.releaseIfDone(host, group);
    }
    const ran = host.batched?.get(task);
    host.batched?.delete(task);
    try {
      outcome = ran ?? (await runTask(this.taskContext(host, play, task, playVars, store)));
    } catch (error) {
      // runTask turns task errors into results; this is for errors around it (become vars, templating).
      const msg = isRunnerError(error) ? error.oneLine() : String(error);
      outcome = {
        result: {
          host: host.name,
          task: task.name,
          module: task.module,
          status: 'failed',
          msg,
          durationMs: 0,
        },
        registered: { failed: true, msg },
      };
    }
    const { result } = outcome;
    if (task.register) host.hostFacts[task.register] = outcome.registered;
    if (outcome.facts) Object.assign(module.value.gathersFacts ? host.facts : host.hostFacts, outcome.facts);
    const ignored = result.status === 'failed' && task.ignoreErrors === true;
    if (ignored) result.ignored = true;
    countResult(host.stats, result.status, ignored, outcome.registered.changed === true);
    if (task.noLog) {
      result.stdout = undefined;
      result.stderr = undefined;
      result.data = undefined;
      result.msg = result.status === 'failed' ? 'output hidden by no_log' : undefined;
    }
    this.resultsByHost.get(host.name)!.push(result);
    emit({ type: 'host.task.result', result });
    if (outcome.notice) {
      this.notices.push({ host: host.name, check: task.name, message: outcome.notice });
      emit({ type: 'notice', host: host.name, check: task.name, message: outcome.notice });
    }
    if (result.status === 'unreachable') {
      host.final = { status: 'unreachable', msg: result.msg ?? 'unreachable' };
    } else if (result.status === 'failed' && !ignored) {
      host.final = { status: 'failed', msg: `${task.name}: ${result.msg ?? 'failed'}` };
    }
    if (host.final) this.finishHost(host);
  }

  /** What runTask (and a batch) needs to run `task` on `host`; throws when become vars are bad. */
  private taskContext(
    host: HostState,
    play: PlayDefinition,
    task: TaskDefinition,
    playVars: Vars,
    store: PlayStore,
  ): TaskRunContext {
    const emit = this.options.emit;
    const module = this.options.registry.modules.get(task.module)!;
    const vars = {
      ...taskVars(host, playVars, task.vars ?? {}, this.options.extraVars ?? {}),
      ...this.magicVars,
    };
    return {
      host: host.name,
      play,
      task,
      module,
      vars,
      become: taskBecome(host.name, play, task, vars, this.options.connectionDefaults?.becomePassword),
      check: this.options.check ?? false,
      diff: this.options.diff ?? false,
      state: store,
      signal: this.signal,
      killSignal: this.killSignal,
      connect: () => connectHost(host, vars, this.options),
      log: (text, stream) => emit({ type: 'host.output', host: host.name, task: task.name, stream, text }),
      warn: (message) => emit({ type: 'warning', host: host.name, message }),
      origin: (key) =>
        this.options.varOrigin?.(host.name, key, {
          play: {
            vars: playVars,
            file: this.options.playbook.file,
            varsFiles: play.varsFiles?.flatMap((v) => v.paths),
          },
          hostFacts: host.hostFacts,
          task: { vars: task.vars ?? {}, file: this.options.playbook.file },
        }) ?? Promise.resolve(undefined),
    };
  }
}

/** `file:line` of a task, for -vv. */
function taskPath(task: TaskDefinition): string | undefined {
  const where = task.where;
  return where?.file ? `${where.file}${where.line ? `:${where.line}` : ''}` : undefined;
}

/** Splits hosts into `serial` batches: a number, a percentage, or a list of them. */
export function batches<T>(hosts: T[], serial: PlayDefinition['serial']): T[][] {
  if (serial === undefined || serial === null || hosts.length === 0) return [hosts];
  const sizes = (Array.isArray(serial) ? serial : [serial]).map((s) => {
    const text = String(s).trim();
    const n = text.endsWith('%')
      ? Math.floor((Number(text.slice(0, -1)) / 100) * hosts.length)
      : Number.parseInt(text, 10);
    return Math.max(1, Number.isFinite(n) ? n : hosts.length);
  });
  const out: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(k++, sizes.length - 1)]!;
    out.push(hosts.slice(i, i + size));
    i += size;
  }
  return out;
}
