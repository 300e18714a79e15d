import { RunnerError } from '../errors.js';
import type { ModuleDefinition } from '../plugin/types.js';
import { splitShellWords } from '../shell-words.js';
import type { TaskDefinition } from './model.js';

// The one shell-style splitter, still reachable where modules and the CLI import it.
export { splitShellWords } from '../shell-words.js';

/**
 * Turns what a task wrote under its module key into the module's args, the
 * way Ansible does: a mapping as is; a string is the free-form arg of modules
 * that have one (`shell: echo hi`), else `key=value` pairs split shell-style
 * (`file: path=/tmp/x state=touch`). The `args:` keyword fills in beneath.
 */
export function resolveTaskArgs(
  task: TaskDefinition,
  module: ModuleDefinition<unknown>,
): Record<string, unknown> {
  const raw = task.rawArgs;
  const base = { ...task.args };
  if (raw === null || raw === undefined) return base;
  if (typeof raw === 'object' && !Array.isArray(raw)) return { ...base, ...(raw as Record<string, unknown>) };
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    throw new RunnerError(
      'MODULE_ARGS_INVALID',
      `module "${task.module}" takes a mapping of args, not a list`,
      {
        ...task.where,
      },
    );
  }
  const text = String(raw);
  if (module.freeForm) return { ...base, [module.freeForm]: text };
  const out: Record<string, unknown> = { ...base };
  for (const word of splitShellWords(text, { jinja: true })) {
    const eq = word.indexOf('=');
    if (eq <= 0) {
      throw new RunnerError(
        'MODULE_ARGS_INVALID',
        `module "${task.module}" expects key=value args, got "${word}"`,
        { ...task.where },
      );
    }
    out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}

/** Validates args against the module's schema; the parsed value, or MODULE_ARGS_INVALID naming the arg. */
export function validateModuleArgs(
  task: TaskDefinition,
  module: ModuleDefinition<unknown>,
  args: unknown,
): unknown {
  if (!module.args) return args;
  const parsed = module.args.safeParse(args);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw new RunnerError('MODULE_ARGS_INVALID', `module "${task.module}": ${where}${issue.message}`, {
    ...task.where,
  });
}
