import { RunnerError } from '../errors.js';
import type { Vars } from './types.js';

/**
 * A deliberately small resolver for `{{ ... }}` in inventory values, kept in
 * its own file so the playbook work can swap in a fuller Jinja engine. It
 * knows: `{{ name }}`, dotted and `['key']`/`[0]` lookups, and
 * `| default(x)` / `| default(x, true)` where x is a literal or a var. A value
 * that is only one expression keeps its type (`{{ port }}` stays a number), as
 * Ansible's templating does. Anything else is a TEMPLATE_ERROR naming it.
 */
const EXPR = /\{\{(.*?)\}\}/gs;
const MAX_DEPTH = 50;

export function resolveTemplates(value: unknown, vars: Vars): unknown {
  return resolveValue(value, vars, []);
}

function resolveValue(value: unknown, vars: Vars, stack: string[]): unknown {
  if (typeof value === 'string') return resolveString(value, vars, stack);
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, vars, stack));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: resolveValue(v, vars, stack),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

function resolveString(text: string, vars: Vars, stack: string[]): unknown {
  if (!text.includes('{{')) return text;
  const whole = /^\{\{(.*?)\}\}$/s.exec(text);
  if (whole && !whole[1].includes('}}')) return evaluate(whole[1], vars, stack);
  return text.replace(EXPR, (_m, expr: string) => {
    const v = evaluate(expr, vars, stack);
    if (v === null || v === undefined) return '';
    return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

function evaluate(expr: string, vars: Vars, stack: string[]): unknown {
  const parts = splitFilters(expr);
  let result = lookup(parts[0].trim(), vars, stack, expr);
  for (const filter of parts.slice(1)) {
    const m = /^\s*default\s*\((.*)\)\s*$/s.exec(filter) ?? /^\s*d\s*\((.*)\)\s*$/s.exec(filter);
    if (!m) {
      throw new RunnerError(
        'TEMPLATE_ERROR',
        `unsupported filter "${filter.trim()}" in "{{${expr}}}": only default() is known here`,
      );
    }
    const args = splitArgs(m[1]);
    const whenFalsy = args[1] !== undefined && literal(args[1].trim(), vars, stack, expr) === true;
    const missing = result === UNDEFINED || (whenFalsy && !truthy(result));
    if (missing) result = literal(args[0]?.trim() ?? "''", vars, stack, expr);
  }
  if (result === UNDEFINED) {
    throw new RunnerError('TEMPLATE_ERROR', `undefined variable in "{{${expr}}}": ${parts[0].trim()}`);
  }
  return result;
}

const UNDEFINED = Symbol('undefined');

function lookup(path: string, vars: Vars, stack: string[], expr: string): unknown {
  if (CONSTANTS.has(path)) return constant(path, expr);
  const m =
    /^([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\s*(?:'[^']*'|"[^"]*"|\d+)\s*\])*)$/.exec(path);
  if (!m) {
    // A literal on its own (`{{ 'x' }}`, `{{ 3 }}`) is fine too.
    return constant(path, expr);
  }
  const name = m[1];
  if (!Object.hasOwn(vars, name)) return UNDEFINED;
  if (stack.includes(name) || stack.length > MAX_DEPTH) {
    throw new RunnerError(
      'TEMPLATE_ERROR',
      `recursive loop detected in template: ${[...stack, name].join(' -> ')}`,
    );
  }
  let value = resolveValue(vars[name], vars, [...stack, name]);
  const steps = m[2].match(/\.[A-Za-z_][A-Za-z0-9_]*|\[[^\]]*\]/g) ?? [];
  for (const step of steps) {
    const key = step.startsWith('.')
      ? step.slice(1)
      : step
          .slice(1, -1)
          .trim()
          .replace(/^['"]|['"]$/g, '');
    if (value && typeof value === 'object' && Object.hasOwn(value, key)) {
      value = (value as Record<string, unknown>)[key];
    } else return UNDEFINED;
  }
  return value;
}

function literal(text: string, vars: Vars, stack: string[], expr: string): unknown {
  if (/^[A-Za-z_][A-Za-z0-9_]*(?:\.|\[|$)/.test(text) && !CONSTANTS.has(text)) {
    const v = lookup(text, vars, stack, expr);
    if (v === UNDEFINED)
      throw new RunnerError('TEMPLATE_ERROR', `undefined variable in "{{${expr}}}": ${text}`);
    return v;
  }
  return constant(text, expr);
}

const CONSTANTS = new Set(['true', 'True', 'false', 'False', 'none', 'None']);

function constant(text: string, expr: string): unknown {
  if (/^'[^']*'$|^"[^"]*"$/.test(text)) return text.slice(1, -1);
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^-?\d*\.\d+$/.test(text)) return Number(text);
  if (text === 'true' || text === 'True') return true;
  if (text === 'false' || text === 'False') return false;
  if (text === 'none' || text === 'None') return null;
  if (text === '[]') return [];
  if (text === '{}') return {};
  throw new RunnerError('TEMPLATE_ERROR', `unsupported expression "${text}" in "{{${expr}}}"`);
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Splits on `|` outside quotes and parentheses. */
function splitFilters(expr: string): string[] {
  return splitTop(expr, '|');
}

function splitArgs(args: string): string[] {
  return args.trim() === '' ? [] : splitTop(args, ',');
}

function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === sep && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}
