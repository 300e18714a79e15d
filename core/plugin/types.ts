import type { Command } from 'commander';
import type { ZodType } from 'zod';
import type { BecomeSpec, Connection, ConnectionFactory, ExecResult } from '../connection/types.js';
import type { InventorySourcePlugin, Vars } from '../inventory/types.js';
import type { FileDiff, Reporter, RunEvent, TaskResult } from '../output/events.js';
import type { PlaybookDefinition } from '../play/model.js';
import type { PlayState } from './play-state.js';

/**
 * A plugin is a plain object. definePlugin() only returns its argument, for
 * types. Built-in plugins are registered exactly like user plugins.
 */
export interface Plugin {
  name: string;
  version?: string;
  /** One line for `runner plugins list`: what the plugin is for. */
  description?: string;
  /** Task modules, by the name a playbook uses (`shell`, `opsworks_register`, ...). */
  // biome-ignore lint/suspicious/noExplicitAny: each module has its own args type; the engine validates them with the module's schema.
  modules?: Record<string, ModuleDefinition<any>>;
  /** Named playbooks: `runner play <name>` finds them before trying a file. */
  playbooks?: Record<string, PlaybookDefinition>;
  inventorySources?: InventorySourcePlugin[];
  connections?: ConnectionFactory[];
  reporters?: Record<string, ReporterFactory>;
  checks?: CheckDefinition[];
  hooks?: Partial<PluginHooks>;
  /** Adds subcommands to the CLI (e.g. `runner sandbox`). */
  cli?: (program: Command) => void;
}

export interface ModuleContext {
  host: string;
  /** Merged vars of the host, with facts and registered results. */
  vars: Vars;
  connection: Connection;
  become?: BecomeSpec;
  /** --check: predict, do not change. */
  check: boolean;
  /** --diff: also return how files change, as `diff` in the result. */
  diff?: boolean;
  signal: AbortSignal;
  /** This play's typed state (`ctx.state.get(key)`, keys from definePlayState): shared by its hosts, gone when it ends. */
  state: PlayState;
  /** Streams a line of output to reporters (shown with -v). */
  log(text: string, stream?: 'stdout' | 'stderr'): void;
  warn(message: string): void;
  /**
   * Where the host's value of a var comes from, for an error about it:
   * `inventory.yml:12`, `host_vars/web1.yml:3`, `extra vars (-e)`; undefined
   * when unknown. Files are read again on each call: only for errors.
   */
  origin?(key: string): Promise<string | undefined>;
}

export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: string;
  rc?: number | null;
  stdout?: string;
  stderr?: string;
  /** Extra data exposed to `register:` and to later tasks. */
  data?: Record<string, unknown>;
  /** A line for the recap's NOTICES (e.g. "12 security updates pending: apt-get upgrade"). */
  notice?: string;
  /** Under --diff (ctx.diff): how files changed, shown as unified diffs. */
  diff?: FileDiff[];
}

export interface ModuleDefinition<Args = unknown> {
  description?: string;
  /** Validated before the play starts (when args are not templated) and before each run. */
  args?: ZodType<Args>;
  /** Ansible's free-form modules (`shell: echo hi`): the string becomes this arg. */
  freeForm?: string;
  /** Whether the module can predict its change under --check. */
  supportsCheck?: boolean;
  /** Runs on the controller only (debug, set_fact, assert): no connection is opened for it. */
  local?: boolean;
  /** Its `data.ansible_facts` are gathered facts (low precedence), not set_fact values. */
  gathersFacts?: boolean;
  run(ctx: ModuleContext, args: Args): Promise<ModuleResult>;
  /**
   * Optional: declares the module batchable. A module whose whole work is ONE
   * command on the host (command, shell, raw) may let the engine send it with
   * the host's neighbouring tasks in one round trip (docs/plugins.md,
   * "Batchable modules"). `command` returns that command for the given
   * (templated, validated) args, or undefined when these args need more than
   * one command (the task then runs alone, through `run`); `result` maps the
   * command's outcome to what `run` would have returned. Both must agree with
   * `run`: the engine uses either path.
   */
  batch?: BatchableModule<Args>;
}

export interface BatchableModule<Args = unknown> {
  command(args: Args): string | undefined;
  result(exec: ExecResult, args: Args): ModuleResult;
}

export type ReporterFactory = (options: ReporterOptions) => Reporter;

export interface ReporterOptions {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  verbosity: number;
  isTTY: boolean;
}

export interface CheckContext {
  host: string;
  vars: Vars;
  connection: Connection;
  /** This play's typed state, as modules see it. */
  state: PlayState;
  /** Where the host's value of a var comes from (see ModuleContext.origin): only for errors. */
  origin?(key: string): Promise<string | undefined>;
}

export interface CheckResult {
  /** `fail` stops the host (in preflight), `notice` is shown in the recap. */
  level: 'pass' | 'notice' | 'fail';
  message?: string;
}

/**
 * A check runs on every host of a play at its phase: `preflight` after facts
 * and before the play's tasks (a `fail` stops that host before anything is
 * changed), `post-setup` after them. It appears in the output as a task named
 * `<phase>: <name>`.
 */
export interface CheckDefinition {
  name: string;
  phase: 'preflight' | 'post-setup';
  /** Which playbooks the check applies to; all when absent. */
  playbooks?: string[];
  run(ctx: CheckContext): Promise<CheckResult>;
}

export interface PlayHookContext {
  playbook: string;
  play: string;
  hosts: string[];
  /** Play vars; beforePlay hooks may add to them (e.g. fetched once for every host). */
  vars: Vars;
  emit(event: RunEvent): void;
  signal: AbortSignal;
  /** This play's typed state, shared with its modules and checks; disposed after afterPlay. */
  state: PlayState;
}

export interface HostHookContext extends PlayHookContext {
  host: string;
  results: TaskResult[];
}

/** How the driver runs a hook across plugins. */
export type HookKind = 'first' | 'sequential' | 'parallel';

export interface PluginHooks {
  beforePlay(ctx: PlayHookContext): Promise<void> | void;
  afterHost(ctx: HostHookContext): Promise<void> | void;
  afterPlay(ctx: PlayHookContext): Promise<void> | void;
}

export const HOOK_KINDS: { [K in keyof PluginHooks]: HookKind } = {
  beforePlay: 'sequential',
  afterHost: 'parallel',
  afterPlay: 'sequential',
};

/**
 * A durable record of external side effects (a run journal): the intent is
 * flushed before `fn` runs, the outcome after. A crash between the two leaves
 * the intent, and the next run finishes or undoes what it may have made.
 * `fields` and `outcome` carry names and IDs only, never a secret.
 */
export interface EffectJournal {
  effect<T>(
    op: string,
    fields: Record<string, string | undefined>,
    fn: () => Promise<T>,
    outcome?: (value: T) => Record<string, string | undefined>,
  ): Promise<T>;
}
