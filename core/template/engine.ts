import type * as Nunjucks from 'nunjucks';
import { RunnerError } from '../errors.js';
import type { Vars } from '../inventory/types.js';
import { lazyRequire } from '../lazy-require.js';
import { addAnsibleFilters } from './filters.js';
import { pythonRepr } from './python-repr.js';

/**
 * `{{ }}` templating over vars, facts and registered results, through
 * nunjucks (Jinja2's syntax) configured like Ansible: undefined is an error,
 * trim_blocks on, no autoescape, and Ansible's common filters added. A string
 * that is exactly one `{{ expr }}` yields the expression's native value, as
 * Ansible does, so `"{{ ports }}"` stays a list. Plays and inventories
 * (`compose`, templated vars) use this one engine.
 *
 * Each engine has its own Environment and its own copy of nunjucks' runtime
 * (handed to every template it compiles), so printing values as Jinja does
 * changes nothing for anyone else using nunjucks in the process.
 */
const SINGLE_EXPRESSION = /^\s*\{\{((?:(?!\}\}|\{\{).)*)\}\}\s*$/s;
/** A value that is exactly one expression, nothing around it: it keeps its native type. */
const EXACT_EXPRESSION = /^\{\{((?:(?!\}\}|\{\{).)*)\}\}$/s;
/** Names a template may read that are not vars. */
const KNOWN_NAMES = new Set(['item', 'loop', 'true', 'false', 'none', 'True', 'False', 'None']);
/** Parsed names and compiled templates kept per engine; past this many, the memo starts again. */
const MEMO_LIMIT = 10_000;
/** The context key through which a single expression hands back its native value. */
const SINK = '__runner_sink';

export function isTemplated(value: unknown): boolean {
  return typeof value === 'string' && (value.includes('{{') || value.includes('{%'));
}

// What @types/nunjucks omits: the parser, the runtime, Template's compiled root, and addTest.
interface NunjucksNode {
  typename: string;
  fields?: string[];
  value?: unknown;
  [field: string]: unknown;
}
interface NunjucksRuntime {
  suppressValue(value: unknown, autoescape: boolean): unknown;
  ensureDefined(value: unknown, line: number, column: number): unknown;
}
type RootRender = (env: unknown, context: unknown, frame: unknown, runtime: unknown, cb: unknown) => void;
interface CompiledTemplate {
  compile(): void;
  rootRenderFunc: RootRender;
  render(context: object): string;
}
/**
 * nunjucks, loaded at the first template: a play or inventory without `{{ }}`
 * (and `runner --help`, `runner inventory --list`) never pays its load.
 */
const nunjucks = lazyRequire<typeof Nunjucks>('nunjucks');
const internals = () =>
  nunjucks() as unknown as {
    parser: { parse(src: string, extensions: unknown[], options: object): NunjucksNode };
    runtime: NunjucksRuntime;
  };

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

/** Text output as Jinja prints it (True, None, ['a']), and None printable: only undefined is an error. */
function jinjaRuntime(): NunjucksRuntime {
  const base = internals().runtime;
  return {
    ...base,
    suppressValue: (value, autoescape) => {
      const plain =
        typeof value === 'boolean' ||
        value === null ||
        Array.isArray(value) ||
        (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype);
      return base.suppressValue(plain ? pythonRepr(value) : value, autoescape);
    },
    ensureDefined: (value, line, column) =>
      value === null ? value : base.ensureDefined(value, line, column),
  };
}

function bounded<K, V>(memo: Map<K, V>, key: K, make: () => V): V {
  let value = memo.get(key);
  if (value === undefined) {
    value = make();
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, value);
  }
  return value;
}

export class TemplateEngine {
  /** Made at the first template (see `nunjucks` above). */
  #madeEnv?: Nunjucks.Environment;
  #madeRuntime?: NunjucksRuntime;
  readonly #names = new Map<string, string[]>();
  readonly #compiled = new Map<string, CompiledTemplate>();

  get #env(): Nunjucks.Environment {
    if (this.#madeEnv) return this.#madeEnv;
    const env = new (nunjucks().Environment)(null, {
      autoescape: false,
      throwOnUndefined: true,
      trimBlocks: true,
      lstripBlocks: false,
    });
    addAnsibleFilters(env);
    // A single expression's value goes into the render's own sink, not into shared state.
    env.addFilter('__capture', (value: unknown, sink: { value?: unknown }) => {
      // The capture path prints nothing, so nunjucks' own undefined check never fires.
      if (value === undefined) throw new Error('undefined value');
      sink.value = value;
      return '';
    });
    this.#madeEnv = env;
    return env;
  }

  get #runtime(): NunjucksRuntime {
    this.#madeRuntime ??= jinjaRuntime();
    return this.#madeRuntime;
  }

  /** Renders one string; native value when it is a single expression. */
  render(text: string, vars: Vars): unknown {
    if (!isTemplated(text)) return text;
    try {
      return this.#renderValue(text, vars, []);
    } catch (error) {
      throw this.#error(error, text, text, vars);
    }
  }

  /**
   * Renders a template file's whole text to a string (the `template` module):
   * never a native value, trailing newlines kept, as Ansible's template does.
   * `label` names the file in errors instead of its text.
   */
  renderText(text: string, vars: Vars, label: string): string {
    try {
      return this.#run(text, this.#contextFor(text, vars, []));
    } catch (error) {
      throw this.#error(error, text, label, vars);
    }
  }

  /** Renders every string inside plain data (task args, vars). */
  renderDeep<T>(value: T, vars: Vars): T {
    if (typeof value === 'string') return this.render(value, vars) as T;
    if (Array.isArray(value)) return value.map((v) => this.renderDeep(v, vars)) as T;
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        // defineProperty: a key named __proto__ stays data, never a prototype.
        Object.defineProperty(out, k, {
          value: this.renderDeep(v, vars),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out as T;
    }
    return value;
  }

  /** Evaluates a bare Jinja expression (`when:`, `failed_when:`, `until:`, `compose:`) to its value. */
  evaluate(expression: string | boolean, vars: Vars): unknown {
    if (typeof expression === 'boolean') return expression;
    const text = expression.trim();
    // Ansible allows `when: "{{ x }}"` with a warning; treat it as the expression.
    const inner = SINGLE_EXPRESSION.exec(text)?.[1] ?? text;
    return this.render(`{{ ${inner} }}`, vars);
  }

  /** The variable names a template reads, from nunjucks' own parser. */
  #referencedNames(text: string): string[] {
    return bounded(this.#names, text, () => {
      const found = new Set<string>();
      collectSymbols(internals().parser.parse(text, [], {}), found);
      return [...found];
    });
  }

  /** Compiles once per text, and renders with this engine's runtime. */
  #run(text: string, context: Vars): string {
    const template = bounded(this.#compiled, text, () => {
      const compiled = new (nunjucks().Template)(text, this.#env) as unknown as CompiledTemplate;
      compiled.compile();
      const root = compiled.rootRenderFunc;
      compiled.rootRenderFunc = (env, ctx, frame, _runtime, cb) => root(env, ctx, frame, this.#runtime, cb);
      return compiled;
    });
    return template.render(context);
  }

  /**
   * Builds the context for one render: every var the template reads, with vars
   * whose values are themselves templates rendered first (Ansible's lazy
   * templating: `a: "{{ b }}"` resolves through b). Only what is read is
   * rendered, so an unrelated broken var does not fail this template.
   */
  #contextFor(text: string, vars: Vars, resolving: string[]): Vars {
    const context: Vars = {};
    for (const name of this.#referencedNames(text)) {
      if (!Object.hasOwn(vars, name)) continue;
      const value = vars[name];
      if (isTemplated(value)) {
        if (resolving.includes(name)) {
          throw new Error(`recursive loop detected in template for "${[...resolving, name].join(' -> ')}"`);
        }
        context[name] = this.#renderValue(value as string, vars, [...resolving, name]);
      } else {
        context[name] = value;
      }
    }
    return context;
  }

  #renderValue(text: string, vars: Vars, resolving: string[]): unknown {
    const context = this.#contextFor(text, vars, resolving);
    // "{{ name }}\n" is text: its newline stays, as under Ansible.
    const single = EXACT_EXPRESSION.exec(text);
    if (!single) return this.#run(text, context);
    const sink: { value?: unknown } = {};
    this.#run(`{{ (${single[1]}) | __capture(${SINK}) }}`, { ...context, [SINK]: sink });
    return sink.value;
  }

  #error(error: unknown, text: string, label: string, vars: Vars): RunnerError {
    const missing = this.#unknownNames(text).find((name) => !Object.hasOwn(vars, name));
    if (missing && /undefined/.test(String(error))) {
      return new RunnerError('TEMPLATE_ERROR', `template error in "${label}": '${missing}' is undefined`, {
        cause: error,
      });
    }
    const reason = (error instanceof Error ? error.message : String(error))
      // The engine recurses over the expression: a very deep one runs out of stack.
      .replace(/.*Maximum call stack size exceeded.*/s, 'the expression is nested too deeply')
      .replace(/^\(unknown path\)\s*/, '')
      .replace(/\s*\[Line \d+, Column \d+\]\s*/g, ' ')
      .replace(/\s+/g, ' ')
      .replace(/^Error: /, '')
      .trim();
    // A template pages long is named by its start: the line must stay one line.
    const shown = label.length > 120 ? `${label.slice(0, 120)}…` : label;
    return new RunnerError('TEMPLATE_ERROR', `template error in "${shown}": ${reason}`, { cause: error });
  }

  /** Names read by a template that are neither filters nor Jinja's own. */
  #unknownNames(text: string): string[] {
    try {
      const filters = (this.#env as unknown as { filters: Record<string, unknown> }).filters;
      return this.#referencedNames(text).filter((n) => !(n in filters) && !KNOWN_NAMES.has(n));
    } catch {
      return [];
    }
  }
}

/** Jinja truthiness of a value. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  if (typeof value === 'string') {
    // A rendered "False"/"false" from a nested template is false in Ansible.
    return value !== '' && !['false', 'no', 'off', '0', 'none'].includes(value.trim().toLowerCase());
  }
  return Boolean(value);
}
