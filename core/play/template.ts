import nunjucks from 'nunjucks';
import { RunnerError } from '../errors.js';
import type { Vars } from '../inventory/types.js';

/**
 * `{{ }}` templating over vars, facts and registered results, through
 * nunjucks (Jinja2's syntax) configured like Ansible: undefined is an error,
 * trim_blocks on, no autoescape, and Ansible's common filters added. A string
 * that is exactly one `{{ expr }}` yields the expression's native value, as
 * Ansible does, so `"{{ ports }}"` stays a list.
 */
const env = new nunjucks.Environment(null, {
  autoescape: false,
  throwOnUndefined: true,
  trimBlocks: true,
  lstripBlocks: false,
});

let captured: unknown;
env.addFilter('__capture', (value: unknown) => {
  // The capture path prints nothing, so nunjucks' own undefined check never fires.
  if (value === undefined) throw new Error('undefined value');
  captured = value;
  return '';
});
env.addFilter('bool', (value: unknown) => {
  if (typeof value === 'string') return ['yes', 'on', 'true', '1', 'y', 't'].includes(value.toLowerCase());
  return Boolean(value);
});
env.addFilter('to_json', (value: unknown) => JSON.stringify(value));
env.addFilter('to_nice_json', (value: unknown) => JSON.stringify(value, null, 4));
env.addFilter('from_json', (value: unknown) => JSON.parse(String(value)));
env.addFilter('regex_replace', (value: unknown, pattern: string, replacement = '') =>
  String(value).replace(new RegExp(pattern, 'g'), replacement.replace(/\\(\d)/g, '$$$1')),
);
env.addFilter('regex_search', (value: unknown, pattern: string) => {
  const match = new RegExp(pattern).exec(String(value));
  return match ? match[0] : null;
});
env.addFilter('mandatory', (value: unknown) => {
  if (value === undefined) throw new Error('mandatory variable not defined');
  return value;
});
env.addFilter('quote', (value: unknown) => `'${String(value).replace(/'/g, `'"'"'`)}'`);
env.addFilter('b64encode', (value: unknown) => Buffer.from(String(value)).toString('base64'));
env.addFilter('b64decode', (value: unknown) => Buffer.from(String(value), 'base64').toString('utf8'));
env.addFilter('basename', (value: unknown) => String(value).split('/').pop() ?? '');
env.addFilter('string', (value: unknown) => String(value));

const SINGLE_EXPRESSION = /^\s*\{\{((?:(?!\}\}|\{\{).)*)\}\}\s*$/s;

export function isTemplated(value: unknown): boolean {
  return typeof value === 'string' && (value.includes('{{') || value.includes('{%'));
}

// nunjucks exports its parser, but @types/nunjucks omits it.
interface NunjucksNode {
  typename: string;
  fields?: string[];
  children?: unknown[];
  value?: unknown;
  [field: string]: unknown;
}
interface NunjucksInternals {
  parser: { parse(src: string, extensions: unknown[], options: object): NunjucksNode };
}
const internals = nunjucks as unknown as NunjucksInternals;

/**
 * Every Symbol in a nunjucks AST. nunjucks' own findAll() does not descend
 * into plain arrays, such as a Compare node's `ops`, so it misses `b` in
 * `a == b`; this walks every field and array.
 */
function collectSymbols(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const child of node) collectSymbols(child, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as NunjucksNode;
  if (n.typename === 'Symbol' && typeof n.value === 'string') out.add(n.value);
  for (const field of n.fields ?? []) collectSymbols(n[field], out);
}

const namesCache = new Map<string, string[]>();

/** The variable names a template reads, from nunjucks' own parser (cached). */
function referencedNames(text: string): string[] {
  let names = namesCache.get(text);
  if (!names) {
    const found = new Set<string>();
    collectSymbols(internals.parser.parse(text, [], {}), found);
    names = [...found];
    if (namesCache.size > 10_000) namesCache.clear();
    namesCache.set(text, names);
  }
  return names;
}

/**
 * Builds the context for one render: every var the template reads, with vars
 * whose values are themselves templates rendered first (Ansible's lazy
 * templating: `a: "{{ b }}"` resolves through b). Only what is read is
 * rendered, so an unrelated broken var does not fail this template.
 */
function contextFor(text: string, vars: Vars, resolving: string[]): Vars {
  const context: Vars = {};
  for (const name of referencedNames(text)) {
    if (!Object.hasOwn(vars, name)) continue;
    const value = vars[name];
    if (isTemplated(value)) {
      if (resolving.includes(name)) {
        throw new Error(`recursive loop detected in template for "${[...resolving, name].join(' -> ')}"`);
      }
      context[name] = renderValue(value as string, vars, [...resolving, name]);
    } else {
      context[name] = value;
    }
  }
  return context;
}

function renderValue(text: string, vars: Vars, resolving: string[]): unknown {
  const context = contextFor(text, vars, resolving);
  const single = SINGLE_EXPRESSION.exec(text);
  if (single) {
    captured = undefined;
    env.renderString(`{{ (${single[1]}) | __capture }}`, context);
    const value = captured;
    captured = undefined;
    return value;
  }
  return env.renderString(text, context);
}

function templateError(error: unknown, text: string): RunnerError {
  const reason = (error instanceof Error ? error.message : String(error))
    .replace(/^\(unknown path\)\s*/, '')
    .replace(/\s*\[Line \d+, Column \d+\]\s*/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^Error: /, '')
    .trim();
  return new RunnerError('TEMPLATE_ERROR', `template error in "${text}": ${reason}`, { cause: error });
}

function safeNames(text: string): string[] {
  try {
    const filters = (env as unknown as { filters: Record<string, unknown> }).filters;
    return referencedNames(text).filter((n) => !(n in filters) && !KNOWN_NAMES.has(n));
  } catch {
    return [];
  }
}

const KNOWN_NAMES = new Set(['item', 'loop', 'true', 'false', 'none', 'True', 'False', 'None']);

function throwUndefined(text: string, name: string, cause: unknown): never {
  throw new RunnerError('TEMPLATE_ERROR', `template error in "${text}": '${name}' is undefined`, { cause });
}

/** Renders one string; native value when it is a single expression. */
export function render(text: string, vars: Vars): unknown {
  if (!isTemplated(text)) return text;
  try {
    return renderValue(text, vars, []);
  } catch (error) {
    const missing = safeNames(text).find((name) => !Object.hasOwn(vars, name));
    if (missing && /undefined/.test(String(error))) {
      return throwUndefined(text, missing, error);
    }
    throw templateError(error, text);
  }
}

/**
 * Renders a template file's whole text to a string (the `template` module):
 * never a native value, trailing newlines kept, as Ansible's template does.
 * `label` names the file in errors instead of its text.
 */
export function renderText(text: string, vars: Vars, label: string): string {
  try {
    return env.renderString(text, contextFor(text, vars, []));
  } catch (error) {
    const missing = safeNames(text).find((name) => !Object.hasOwn(vars, name));
    if (missing && /undefined/.test(String(error))) return throwUndefined(label, missing, error);
    throw templateError(error, label);
  }
}

/** Renders every string inside plain data (task args, vars). */
export function renderDeep<T>(value: T, vars: Vars): T {
  if (typeof value === 'string') return render(value, vars) as T;
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, vars)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderDeep(v, vars);
    return out as T;
  }
  return value;
}

/** Evaluates a bare Jinja expression (`when:`, `failed_when:`, `until:`) to its value. */
export function evaluate(expression: string | boolean, vars: Vars): unknown {
  if (typeof expression === 'boolean') return expression;
  const text = expression.trim();
  // Ansible allows `when: "{{ x }}"` with a warning; treat it as the expression.
  const inner = SINGLE_EXPRESSION.exec(text)?.[1] ?? text;
  return render(`{{ ${inner} }}`, vars);
}

/** Jinja truthiness of a condition or list of conditions (all must hold). */
export function conditionHolds(condition: string | string[] | boolean, vars: Vars): boolean {
  const list = Array.isArray(condition) ? condition : [condition];
  return list.every((c) => truthy(evaluate(c, vars)));
}

export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  if (typeof value === 'string') {
    // A rendered "False"/"false" from a nested template is false in Ansible.
    return value !== '' && !['false', 'no', 'off', '0', 'none'].includes(value.trim().toLowerCase());
  }
  return Boolean(value);
}
