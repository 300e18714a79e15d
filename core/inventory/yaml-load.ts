import { LineCounter, parseDocument } from 'yaml';
import { RunnerError } from '../errors.js';
import { setOwn } from './precedence.js';
import { checkAliases } from './yaml-aliases.js';
import { keyPathLocator, type Locate } from './yaml-locate.js';
import { pyyamlTags } from './yaml11.js';

/**
 * Reads YAML or JSON text the way Ansible's DataLoader does: JSON first (so a
 * JSON file keeps JSON's numbers), else YAML 1.1 with PyYAML's scalar rules.
 * Mappings come back as Map so that non-string keys (`yes:` is the boolean
 * true) stay visible to the structure checks. `locate` finds the line and
 * column of a value by its key path, for error messages.
 */
export interface LoadedData {
  value: unknown;
  locate: Locate;
}

const nowhere = () => ({});

export function loadYamlOrJson(text: string, file: string): LoadedData {
  const json = tryJson(text);
  if (json.ok) {
    checkNesting(json.value, file);
    return { value: toMaps(json.value), locate: nowhere };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    customTags: pyyamlTags,
    merge: true,
    uniqueKeys: false,
    prettyErrors: false,
    lineCounter,
  });
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (problem) {
    const pos = problem.linePos?.[0] ?? lineCounter.linePos(problem.pos[0]);
    const message = yamlErrorText(problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
    throw new RunnerError('YAML_SYNTAX', `YAML syntax error: ${message}`, {
      file,
      line: pos?.line,
      column: pos?.col,
    });
  }
  checkAliases(doc, lineCounter, file);
  let value: unknown;
  try {
    value = doc.toJS({ mapAsMap: true, maxAliasCount: 10_000 });
  } catch (e) {
    throw new RunnerError('YAML_SYNTAX', `YAML error: ${e instanceof Error ? e.message : String(e)}`, {
      file,
      cause: e,
    });
  }
  checkNesting(value, file);
  return {
    value,
    locate: keyPathLocator(doc, lineCounter),
  };
}

/** Deeper than this Ansible fails too (Python's recursion limit); refusing here keeps every later walk safe. */
export const MAX_NESTING = 500;

/** The parser's own words for data nested too deeply to read, said plainly. */
export function yamlErrorText(message: string): string {
  return /Maximum call stack size exceeded/.test(message)
    ? `nested too deeply (more than ${MAX_NESTING} levels)`
    : message;
}

/** Refuses data nested deeper than MAX_NESTING, walking without recursion (so any depth is measured). */
function checkNesting(value: unknown, file: string): void {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > MAX_NESTING) {
      throw new RunnerError('YAML_SYNTAX', `data nested more than ${MAX_NESTING} levels deep`, { file });
    }
    const children =
      v instanceof Map
        ? [...v.values()]
        : Array.isArray(v)
          ? v
          : v && typeof v === 'object'
            ? Object.values(v)
            : [];
    for (const child of children) stack.push([child, depth + 1]);
  }
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[') && !t.startsWith('"')) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** JSON objects become Maps so both loaders hand the same shapes to the sources. */
function toMaps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toMaps);
  if (value && typeof value === 'object') {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of Object.entries(value)) out.set(k, toMaps(v));
    return out;
  }
  return value;
}

/** How Python's json.dumps writes a dict key: True is "true", None is "null". */
export function keyText(key: unknown): string {
  if (key === null || key === undefined) return 'null';
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'boolean') return String(key);
  return JSON.stringify(toPlain(key));
}

/** Turns loaded data (with Maps) into plain JSON-shaped values for vars. */
export function toPlain(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) setOwn(out, keyText(k), toPlain(v));
    return out;
  }
  if (value instanceof Set) return [...value].map(toPlain);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

export function isMapping(value: unknown): value is Map<unknown, unknown> {
  return value instanceof Map;
}
