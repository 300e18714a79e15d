import type { BecomeSpec, Connection } from '../connection/types.js';
import type { Vars } from '../inventory/types.js';
import { validateModuleArgs } from '../play/module-args.js';
import { type PlayState, PlayStore } from '../plugin/play-state.js';
import type { ModuleDefinition, ModuleResult } from '../plugin/types.js';
import { memoryConnection, type Responder } from './memory-connection.js';

export interface RunModuleOptions {
  /** The module's name in messages (default "module"). */
  name?: string;
  /** Inventory name of the host (default "test-host"). */
  host?: string;
  /** The host's vars, as the module's ctx.vars sees them. */
  vars?: Vars;
  check?: boolean;
  become?: BecomeSpec;
  /** Answers the commands the module sends, on an in-memory host (the default connection). */
  respond?: Responder;
  /** Run against a real connection instead (local, ssh, a sandbox host); you close it. */
  connection?: Connection;
  /**
   * The play state the module sees as ctx.state. Give one PlayStore to several
   * runModule calls to share it as the tasks of one play do (you dispose it);
   * without it, each call gets its own, disposed when the module returns.
   */
  state?: PlayState;
}

export interface ModuleRun {
  result: ModuleResult;
  /** Commands the in-memory host was sent, oldest first (empty with `connection`). */
  commands: string[];
  /** Files put on the in-memory host: path -> content and mode. */
  files: Map<string, { content: string; mode?: number }>;
  /** Lines the module streamed with ctx.log. */
  logs: { text: string; stream: 'stdout' | 'stderr' }[];
  warnings: string[];
}

/**
 * Runs one module as a task would: its args checked against its schema
 * (MODULE_ARGS_INVALID naming the arg, as in a play), then `run(ctx, args)`
 * against an in-memory host or the connection you give.
 */
export async function runModule<Args>(
  module: ModuleDefinition<Args>,
  args: unknown,
  options: RunModuleOptions = {},
): Promise<ModuleRun> {
  const name = options.name ?? 'module';
  const host = options.host ?? 'test-host';
  const parsed = validateModuleArgs(
    { name, module: name, args: {} },
    module as ModuleDefinition<unknown>,
    args,
  ) as Args;
  const memory = memoryConnection({ respond: options.respond });
  const connection =
    options.connection ??
    memory.factory.create({ host, address: host, port: 22, vars: options.vars ?? {} }, {});
  const logs: ModuleRun['logs'] = [];
  const warnings: string[] = [];
  const own = options.state ? undefined : new PlayStore();
  const state = options.state ?? own!;
  let result: ModuleResult;
  try {
    result = await module.run(
      {
        host,
        vars: options.vars ?? {},
        connection,
        become: options.become,
        check: options.check ?? false,
        signal: new AbortController().signal,
        log: (text, stream = 'stdout') => logs.push({ text, stream }),
        warn: (message) => warnings.push(message),
        state,
      },
      parsed,
    );
  } finally {
    await own?.dispose();
  }
  return {
    result,
    commands: memory.commands.get(host) ?? [],
    files: memory.files.get(host) ?? new Map(),
    logs,
    warnings,
  };
}
