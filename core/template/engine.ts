import nunjucks from 'nunjucks';
import { stringify as stringifyYaml } from 'yaml';
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
env.addFilter('dirname', (value: unknown) => {
  const text = String(value);
  const i = text.lastIndexOf('/');
  return i < 0 ? '' : i === 0 ? '/' : text.slice(0, i);
});
env.addFilter('map', (value: unknown, ...args: unknown[]) => {
  const list = Array.isArray(value) ? value : [];
  const [first, ...rest] = args;
  // map(attribute='x') reaches nunjucks as a trailing kwargs object.
  if (first && typeof first === 'object' && 'attribute' in first) {
    const attribute = String((first as { attribute: unknown }).attribute);
    return list.map((item) => attribute.split('.').reduce<unknown>((v, k) => (v as Vars)?.[k], item));
  }
  const filter = env.getFilter(String(first));
  return list.map((item) => filter(item, ...rest));
});
env.addFilter('combine', (...dicts: unknown[]) => {
  const out: Vars = {};
  for (const d of dicts)
    if (d && typeof d === 'object' && !Array.isArray(d) && !('__keywords' in d)) Object.assign(out, d);
  return out;
});
env.addFilter('unique', (value: unknown) => [...new Set(Array.isArray(value) ? value : [])]);
env.addFilter('min', (value: unknown) =>
  Array.isArray(value) && value.length ? value.reduce((a, b) => (b < a ? b : a)) : undefined,
);
env.addFilter('max', (value: unknown) =>
  Array.isArray(value) && value.length ? value.reduce((a, b) => (b > a ? b : a)) : undefined,
);
env.addFilter('flatten', (value: unknown) =>
  Array.isArray(value) ? value.flat(Number.POSITIVE_INFINITY) : value,
);
env.addFilter('difference', (a: unknown, b: unknown) =>
  Array.isArray(a) ? a.filter((x) => !(b as unknown[]).includes(x)) : [],
);
env.addFilter('intersect', (a: unknown, b: unknown) =>
  Array.isArray(a) ? [...new Set(a.filter((x) => (b as unknown[]).includes(x)))] : [],
);
env.addFilter('union', (a: unknown, b: unknown) => [...new Set([...(a as unknown[]), ...(b as unknown[])])]);
env.addFilter('dict2items', (value: unknown) =>
  Object.entries((value ?? {}) as Vars).map(([key, v]) => ({ key, value: v })),
);
env.addFilter('items2dict', (value: unknown) =>
  Object.fromEntries(((value ?? []) as { key: string; value: unknown }[]).map((i) => [i.key, i.value])),
);
env.addFilter('ternary', (value: unknown, yes: unknown, no: unknown) => (value ? yes : no));
env.addFilter(
  'regex_findall',
  (value: unknown, pattern: string) => String(value).match(new RegExp(pattern, 'g')) ?? [],
);
env.addFilter('to_yaml', (value: unknown) => stringifyYaml(value).trimEnd());
env.addFilter('to_nice_yaml', (value: unknown) => stringifyYaml(value, { indent: 4 }));

// Ansible's tests on registered results (`result is failed`) and strings.
// nunjucks has addTest; @types/nunjucks omits it.
const addTest = (name: string, test: (...args: never[]) => boolean) =>
  (env as unknown as { addTest(n: string, t: unknown): void }).addTest(name, test);
const resultFlag = (key: string) => (value: unknown) => Boolean((value as Vars | undefined)?.[key]);
addTest('failed', resultFlag('failed'));
addTest('failure', resultFlag('failed'));
addTest('succeeded', (value: unknown) => !(value as Vars | undefined)?.failed);
addTest('success', (value: unknown) => !(value as Vars | undefined)?.failed);
addTest('changed', resultFlag('changed'));
addTest('change', resultFlag('changed'));
addTest('skipped', resultFlag('skipped'));
addTest('skip', resultFlag('skipped'));
// match anchors at the start, search anywhere, as Python's re.match / re.search.
addTest('match', (value: unknown, pattern: string) => new RegExp(`^(?:${pattern})`).test(String(value)));
addTest('search', (value: unknown, pattern: string) => new RegExp(pattern).test(String(value)));
addTest('regex', (value: unknown, pattern: string) => new RegExp(pattern).test(String(value)));
addTest('in', (value: unknown, container: unknown) =>
  typeof container === 'string'
    ? container.includes(String(value))
    : Array.isArray(container) && container.includes(value),
);
addTest(
  'contains',
  (container: unknown, value: unknown) => Array.isArray(container) && container.includes(value),
);
addTest('boolean', (value: unknown) => typeof value === 'boolean');
addTest('none', (value: unknown) => value === null);

/**
 * Python's repr, which is what Jinja prints for a value inside text: True,
 * False, None, ['a', 1], {'k': 'v'}. nunjucks would print true, false,
 * "a,1" and [object Object]; a rendered config file must read the same as
 * under Ansible.
 */
export function pythonRepr(value: unknown, nested = false): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') {
    if (!nested) return value;
    return value.includes("'") && !value.includes('"')
      ? `"${value}"`
      : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => pythonRepr(v, true)).join(', ')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const items = Object.entries(value).map(([k, v]) => `${pythonRepr(k, true)}: ${pythonRepr(v, true)}`);
    return `{${items.join(', ')}}`;
  }
  return String(value);
}

// Text output goes through nunjucks' runtime; print values as Jinja does,
// and let None print (only undefined is an error, as in Ansible).
interface NunjucksRuntime {
  suppressValue(value: unknown, autoescape: boolean): unknown;
  ensureDefined(value: unknown, line: number, column: number): unknown;
}
const runtime = (nunjucks as unknown as { runtime: NunjucksRuntime }).runtime;
const suppressValue = runtime.suppressValue;
const ensureDefined = runtime.ensureDefined;
runtime.suppressValue = (value, autoescape) => {
  const plain =
    typeof value === 'boolean' ||
    value === null ||
    Array.isArray(value) ||
    (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype);
  return suppressValue(plain ? pythonRepr(value) : value, autoescape);
};
runtime.ensureDefined = (value, line, column) =>
  value === null ? value : ensureDefined(value, line, column);

const SINGLE_EXPRESSION = /^\s*\{\{((?:(?!\}\}|\{\{).)*)\}\}\s*$/s;
/** A value that is exactly one expression, nothing around it: it keeps its native type. */
const EXACT_EXPRESSION = /^\{\{((?:(?!\}\}|\{\{).)*)\}\}$/s;

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
  // "{{ name }}\n" is text: its newline stays, as under Ansible.
  const single = EXACT_EXPRESSION.exec(text);
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
