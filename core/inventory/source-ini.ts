import { RunnerError } from '../errors.js';
import { addChild, addGroup, addHost, setGroupVar, setHostVar } from './data.js';
import { expandHostPattern, RangeBudget } from './host-range.js';
import { pythonLiteral } from './python-literal.js';
import { ShlexError, shlexSplit } from './shlex.js';
import type { InventoryData, InventorySourceContext } from './types.js';

/**
 * The INI inventory format, ported from ansible-core 2.14's ini plugin: the
 * same section regexes, the same "pending declarations" for groups used
 * before they are defined, host lines split shell-style, and every value
 * passed through Python's literal_eval (kept as text when it is not one).
 */
const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

interface Pending {
  line: number;
  state: 'vars' | 'children';
  name: string;
  parents: string[];
}

/** literal_eval where it applies, else the text. */
export function iniValue(text: string): unknown {
  const r = pythonLiteral(text);
  return r.ok ? r.value : text;
}

export function readIniInventory(
  text: string,
  file: string,
  data: InventoryData,
  _ctx: InventorySourceContext,
): void {
  // Python's str.splitlines() line breaks.
  const lines = text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const pending = new Map<string, Pending>();
  // Every range in this file shares one bound.
  const budget = new RangeBudget();
  let group = 'ungrouped';
  let state = 'hosts';
  let lineno = 0;
  const fail = (message: string, column?: number): never => {
    throw new RunnerError('INVENTORY_INVALID', message, { file, line: lineno, column });
  };
  const where = () => ({ file, line: lineno });

  const addPendingChildren = (name: string): void => {
    const decl = pending.get(name);
    if (!decl) return;
    for (const parent of decl.parents) {
      addChild(data, parent, name, where());
      const p = pending.get(parent);
      if (p && p.state === 'children') addPendingChildren(parent);
    }
    pending.delete(name);
  };

  for (const raw of lines) {
    lineno++;
    const line = raw.trim();
    if (line === '' || line[0] === ';' || line[0] === '#') continue;

    const m = SECTION.exec(line);
    if (m) {
      group = m[1];
      state = m[2] ?? 'hosts';
      if (state !== 'hosts' && state !== 'children' && state !== 'vars') {
        fail(`section [${m[1]}:${m[2]}] has an unknown type "${state}": expected hosts, children or vars`);
      }
      if (!data.groups.has(group)) {
        if (state === 'vars' && !pending.has(group)) {
          pending.set(group, { line: lineno, state: 'vars', name: group, parents: [] });
        }
        addGroup(data, group, where());
      }
      const decl = pending.get(group);
      if (decl && state !== 'vars') {
        if (decl.state === 'children') addPendingChildren(group);
        else pending.delete(group);
      }
      continue;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      fail(
        `invalid section entry "${line}": expected [group], [group:vars] or [group:children] with no spaces`,
      );
    }

    if (state === 'hosts') {
      let tokens: string[];
      try {
        tokens = shlexSplit(line);
      } catch (e) {
        if (e instanceof ShlexError) fail(`cannot parse host line "${line}": ${e.message}`);
        throw e;
      }
      if (tokens.length === 0) continue; // only reachable for lines that are all comment after quoting rules
      const pattern = tokens[0];
      let expanded: { hosts: string[]; port?: number };
      try {
        expanded = expandHostPattern(pattern, budget);
      } catch (e) {
        if (e instanceof RunnerError) fail(e.message);
        throw e;
      }
      if (pattern.trim().endsWith(':') && expanded.port === undefined) {
        fail(`invalid host "${pattern}": a trailing ":" must be followed by a port number`);
      }
      if (expanded.hosts.some((h) => h.trim() === '---')) {
        fail(`invalid host "${pattern}": "---" usually means this is a YAML file (name it .yml or .yaml)`);
      }
      const vars: Array<[string, unknown]> = [];
      for (const t of tokens.slice(1)) {
        const eq = t.indexOf('=');
        if (eq === -1) fail(`expected key=value host variable after the host name, got "${t}"`);
        vars.push([t.slice(0, eq), iniValue(t.slice(eq + 1))]);
      }
      const at = where();
      for (const host of expanded.hosts) {
        addHost(data, host, group, expanded.port, at);
        for (const [k, v] of vars) setHostVar(data, host, k, v);
      }
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq === -1) fail(`expected key=value in [${group}:vars], got "${line}"`);
      const key = line.slice(0, eq).trim();
      setGroupVar(data, group, key, iniValue(line.slice(eq + 1).trim()), where());
    } else {
      const gm = GROUP_NAME.exec(line);
      if (!gm) fail(`expected a group name in [${group}:children], got "${line}"`);
      const child = gm![1];
      if (!data.groups.has(child)) {
        const decl = pending.get(child);
        if (!decl) pending.set(child, { line: lineno, state: 'children', name: child, parents: [group] });
        else decl.parents.push(group);
      } else {
        addChild(data, group, child, where());
      }
    }
  }

  for (const decl of pending.values()) {
    lineno = decl.line;
    if (decl.state === 'vars') {
      fail(
        `section [${decl.name}:vars] is for a group that is not defined: add [${decl.name}] or list it in a [parent:children]`,
      );
    } else {
      fail(
        `section [${decl.parents[decl.parents.length - 1]}:children] includes "${decl.name}", which is not a defined group: add a [${decl.name}] section`,
      );
    }
  }
}
