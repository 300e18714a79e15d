import { RunnerError } from '../errors.js';
import { addChild, addGroup, addHost, setGroupVar, setHostVar, type Where } from './data.js';
import { expandHostPattern, RangeBudget } from './host-range.js';
import type { InventoryData, InventorySourceContext } from './types.js';
import { isMapping, keyText, type LoadedData, toPlain } from './yaml-load.js';

/**
 * The YAML (and JSON) inventory structure, following ansible-core 2.14's yaml
 * inventory plugin rule by rule: top-level keys are groups; in a group only
 * `vars`, `children` and `hosts` count; a bare string for one of them is a
 * one-key mapping; other keys are warned about and skipped.
 */
const SECTIONS = ['vars', 'children', 'hosts'] as const;

export function readYamlInventory(
  loaded: LoadedData,
  file: string,
  data: InventoryData,
  ctx: InventorySourceContext,
): void {
  const top = loaded.value;
  // An empty file is an empty inventory (Ansible's INI plugin accepts it after the YAML one declines).
  if (top === null || top === undefined || (isMapping(top) && top.size === 0)) return;
  if (!isMapping(top)) {
    throw new RunnerError(
      'INVENTORY_INVALID',
      `invalid inventory structure: expected a mapping of group names at the top level, got ${describe(top)}`,
      { file, ...loaded.locate([]) },
    );
  }
  const reader = new GroupReader(loaded, file, data, ctx);
  for (const [name, value] of top) reader.group(name, value, [name]);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  return `${typeof value === 'string' ? 'the string' : `the ${typeof value}`} ${JSON.stringify(toPlain(value))}`;
}

class GroupReader {
  /** Every range in this file shares one bound. */
  private readonly budget = new RangeBudget();

  constructor(
    private readonly loaded: LoadedData,
    private readonly file: string,
    private readonly data: InventoryData,
    private readonly ctx: InventorySourceContext,
  ) {}

  private where(path: unknown[]): Where {
    return { file: this.file, ...this.loaded.locate(path) };
  }

  private warn(message: string, path: unknown[]): void {
    const w = this.where(path);
    this.ctx.warn({ message, file: this.file, line: w.line });
  }

  /** _parse_group: returns the group name used. */
  group(name: unknown, body: unknown, path: unknown[]): string | undefined {
    if (!(body === null || body === undefined || isMapping(body))) {
      this.warn(
        `skipping "${keyText(name)}": not a valid group definition (expected a mapping, got ${describe(body)})`,
        path,
      );
      return undefined;
    }
    if (typeof name !== 'string' || name === '') {
      throw new RunnerError(
        'INVENTORY_INVALID',
        `invalid group name ${JSON.stringify(toPlain(name))}: expected a non-empty string (quote names like yes, no, on, off or numbers)`,
        this.where(path),
      );
    }
    addGroup(this.data, name);
    if (!isMapping(body)) return name;

    const sections = new Map<unknown, unknown>(body);
    for (const section of SECTIONS) {
      if (!sections.has(section)) continue;
      const v = sections.get(section);
      if (typeof v === 'string') sections.set(section, new Map([[v, null]]));
      else if (!(v === null || v === undefined || isMapping(v))) {
        throw new RunnerError(
          'INVENTORY_INVALID',
          `invalid "${section}" entry for group "${name}": expected a mapping, got ${describe(v)}`,
          this.where([...path, section]),
        );
      }
    }

    for (const [key, value] of sections) {
      if (!(value === null || value === undefined || isMapping(value))) {
        this.warn(
          `skipping key "${keyText(key)}" in group "${name}": not a mapping (only "vars", "children" and "hosts" are valid)`,
          [...path, key],
        );
        continue;
      }
      if (value === null || value === undefined) continue;
      if (key === 'vars') {
        for (const [k, v] of value)
          setGroupVar(this.data, name, keyText(k), toPlain(v), this.where([...path, key, k]));
      } else if (key === 'children') {
        for (const [childName, childBody] of value) {
          const child = this.group(childName, childBody, [...path, key, childName]);
          // Ansible adds the child even when its body was skipped with a warning, if the group exists.
          const childKey = child ?? (typeof childName === 'string' ? childName : undefined);
          if (childKey === undefined || !this.data.groups.has(childKey)) {
            throw new RunnerError(
              'INVENTORY_INVALID',
              `child "${keyText(childName)}" of group "${name}" is not a known group`,
              this.where([...path, key, childName]),
            );
          }
          addChild(this.data, name, childKey, this.where([...path, key, childName]));
        }
      } else if (key === 'hosts') {
        for (const [pattern, hostBody] of value) this.hosts(name, pattern, hostBody, [...path, key, pattern]);
      } else {
        this.warn(
          `skipping unexpected key "${keyText(key)}" in group "${name}": only "vars", "children" and "hosts" are valid`,
          [...path, key],
        );
      }
    }
    return name;
  }

  private hosts(group: string, pattern: unknown, body: unknown, path: unknown[]): void {
    if (typeof pattern !== 'string') {
      throw new RunnerError(
        'INVENTORY_INVALID',
        `host name ${JSON.stringify(toPlain(pattern))} in group "${group}" must be a string: quote numeric host names`,
        this.where(path),
      );
    }
    const vars = body ?? new Map();
    if (!isMapping(vars)) {
      throw new RunnerError(
        'INVENTORY_INVALID',
        `host "${pattern}" in group "${group}": expected a mapping of vars or nothing, got ${describe(vars)}`,
        this.where(path),
      );
    }
    let expanded: { hosts: string[]; port?: number };
    try {
      expanded = expandHostPattern(pattern, this.budget);
    } catch (e) {
      if (e instanceof RunnerError)
        throw new RunnerError(e.code, e.message, { ...this.where(path), cause: e });
      throw e;
    }
    // Located once per pattern, not per host: a 100,000-host range made this YAML
    // lookup (a walk from the document's root) the largest cost of loading.
    const where = this.where(path);
    for (const host of expanded.hosts) {
      addHost(this.data, host, group, expanded.port, where);
      for (const [k, v] of vars) setHostVar(this.data, host, keyText(k), toPlain(v));
    }
  }
}
