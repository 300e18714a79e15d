import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { RunnerError } from '../errors.js';
import { parseAddress } from './host-range.js';
import type { Inventory } from './model.js';

/**
 * Host patterns for a play's `hosts:` and `--limit`, as ansible-core 2.14's
 * InventoryManager evaluates them: split on `,` (or `:` when the whole is not
 * one address), plain patterns first, then every `&` intersection, then every
 * `!` exclusion; each pattern matches group names (all their hosts) and host
 * names by fnmatch glob or `~regex`, with an optional `[i]` / `[a:b]`
 * (inclusive) subscript. Results keep Ansible's order and have no duplicates.
 */
export interface SelectOptions {
  /** Directory `@file` paths resolve against. */
  cwd?: string;
  /** A `--limit`: the result is narrowed to the hosts it selects. */
  limit?: string;
  /** Patterns that match nothing (Ansible warns and ignores them). */
  onWarning?: (message: string) => void;
}

export function selectHosts(inventory: Inventory, pattern: string, options: SelectOptions = {}): string[] {
  const hosts = evaluate(inventory, splitPattern(pattern), options);
  if (options.limit === undefined) return hosts;
  const limit = new Set(evaluate(inventory, expandFiles(splitPattern(options.limit), options), options));
  return hosts.filter((h) => limit.has(h));
}

/** split_host_pattern */
export function splitPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (parseAddress(pattern)) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** `@file` entries (allowed in --limit, and accepted here anywhere): one pattern a line. */
function expandFiles(patterns: string[], options: SelectOptions): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    if (!p.startsWith('@')) {
      out.push(p);
      continue;
    }
    const file = resolve(options.cwd ?? process.cwd(), p.slice(1));
    let text: string;
    try {
      if (statSync(file).isDirectory()) {
        throw new RunnerError(
          'PATTERN_INVALID',
          `a limit starting with "@" must be a file, not a directory: ${file}`,
          { file },
        );
      }
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if (e instanceof RunnerError) throw e;
      throw new RunnerError('FILE_NOT_FOUND', `host list file not found: ${file}`, { file, cause: e });
    }
    out.push(...text.split('\n').map((l) => l.trim()));
  }
  return out;
}

function evaluate(inventory: Inventory, raw: string[], options: SelectOptions): string[] {
  const patterns = order(expandFiles(raw, options));
  let hosts: string[] = [];
  for (const p of patterns) {
    if (inventory.hasHost(p)) {
      if (!hosts.includes(p)) hosts.push(p);
      continue;
    }
    const that = matchOne(inventory, p, options);
    if (p[0] === '!') {
      const s = new Set(that);
      hosts = hosts.filter((h) => !s.has(h));
    } else if (p[0] === '&') {
      const s = new Set(that);
      hosts = hosts.filter((h) => s.has(h));
    } else {
      const existing = new Set(hosts);
      for (const h of that) {
        if (!existing.has(h)) {
          existing.add(h);
          hosts.push(h);
        }
      }
    }
  }
  return hosts;
}

/** order_patterns: regular, then `&`, then `!`; only modifiers means `all` first. */
function order(patterns: string[]): string[] {
  const regular: string[] = [];
  const and: string[] = [];
  const not: string[] = [];
  for (const p of patterns) {
    if (!p) continue;
    if (p[0] === '!') not.push(p);
    else if (p[0] === '&') and.push(p);
    else regular.push(p);
  }
  return [...(regular.length ? regular : ['all']), ...and, ...not];
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/s;

function matchOne(inventory: Inventory, pattern: string, options: SelectOptions): string[] {
  const p = pattern[0] === '&' || pattern[0] === '!' ? pattern.slice(1) : pattern;
  if (p === '')
    throw new RunnerError(
      'PATTERN_INVALID',
      `invalid host pattern "${pattern}": nothing after "${pattern[0]}"`,
    );
  let expr = p;
  let subscript: [number, number | undefined] | undefined;
  const m = p[0] === '~' ? null : SUBSCRIPT.exec(p);
  if (m) {
    expr = m[1];
    if (m[2] !== undefined) subscript = [Number(m[2]), undefined];
    else {
      subscript = [Number(m[3]), m[5] ? Number(m[5]) : -1];
      if (m[4] === '-')
        options.onWarning?.(`use [x:y] inclusive subscripts instead of [x-y] in "${pattern}"`);
    }
  }
  const hosts = enumerate(inventory, expr, options);
  if (!subscript || hosts.length === 0) return hosts;
  const [start, end] = subscript;
  const at = (i: number) => (i < 0 ? hosts.length + i : i);
  if (end) {
    // Python slicing: hosts[start:end + 1], clamped, never an error.
    const last = end === -1 ? hosts.length - 1 : end;
    return hosts.slice(at(start), last + 1);
  }
  const i = at(start);
  if (i < 0 || i >= hosts.length) {
    throw new RunnerError(
      'PATTERN_INVALID',
      `no hosts matched the subscripted pattern "${p}": it has ${hosts.length} host(s), index ${start} is out of range`,
    );
  }
  return [hosts[i]];
}

function enumerate(inventory: Inventory, pattern: string, options: SelectOptions): string[] {
  const match = matcher(pattern);
  const results: string[] = [];
  const groups = inventory.groupNames().filter(match);
  for (const g of groups) results.push(...inventory.hostsOf(g));
  if (groups.length === 0 || pattern[0] === '~' || /[.?*[]/.test(pattern)) {
    for (const h of inventory.hostNames()) if (match(h)) results.push(h);
  }
  if (results.length === 0 && groups.length === 0 && pattern !== 'all') {
    options.onWarning?.(`could not match supplied host pattern, ignoring: ${pattern}`);
  }
  return [...new Set(results)];
}

/** fnmatch.translate semantics (not shell globbing: `*` crosses `/` and dots), or a `~` regex. */
export function matcher(pattern: string): (name: string) => boolean {
  if (pattern[0] === '~') {
    let re: RegExp;
    try {
      re = new RegExp(
        `^(?:${pattern
          .slice(1)
          .replace(/\(\?P</g, '(?<')
          .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')})`,
        'u',
      );
    } catch (e) {
      throw new RunnerError(
        'PATTERN_INVALID',
        `invalid host list pattern "${pattern}": ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    return (name) => re.test(name);
  }
  const re = new RegExp(`^${fnmatchToRegex(pattern)}$`, 's');
  return (name) => re.test(name);
}

function fnmatchToRegex(pat: string): string {
  let out = '';
  let i = 0;
  while (i < pat.length) {
    const c = pat[i++];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i;
      if (pat[j] === '!') j++;
      if (pat[j] === ']') j++;
      while (j < pat.length && pat[j] !== ']') j++;
      if (j >= pat.length) out += '\\[';
      else {
        let stuff = pat.slice(i, j).replace(/\\/g, '\\\\');
        i = j + 1;
        if (stuff[0] === '!') stuff = `^${stuff.slice(1)}`;
        else if (stuff[0] === '^') stuff = `\\${stuff}`;
        out += `[${stuff.replace(/\]/g, '\\]')}]`;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}
