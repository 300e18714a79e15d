import { RunnerError } from '../errors.js';
import type { ModuleDefinition } from '../plugin/types.js';
import type { TaskDefinition } from './model.js';

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

/**
 * Splits like a POSIX shell: quotes group, backslash escapes, quotes are
 * removed. With `jinja`, `{{ … }}`, `{% … %}` and `{# … #}` are kept whole
 * and verbatim, as Ansible's split_args does for `path={{ dir }}/x`.
 */
export function splitShellWords(text: string, options: { jinja?: boolean } = {}): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const open = options.jinja && !quote ? /^\{[{%#]/.exec(text.slice(i, i + 2)) : null;
    if (open) {
      const close = { '{{': '}}', '{%': '%}', '{#': '#}' }[open[0]]!;
      const end = text.indexOf(close, i + 2);
      const stop = end === -1 ? text.length : end + 2;
      current += text.slice(i, stop);
      inWord = true;
      i = stop - 1;
    } else if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
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
