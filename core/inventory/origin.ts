import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, type Node, type Pair, parseDocument, visit } from 'yaml';
import { expandHostPattern } from './host-range.js';
import type { Inventory } from './model.js';
import { sortGroups } from './precedence.js';
import { shlexSplit } from './shlex.js';
import type { Vars } from './types.js';
import { dirFiles, VARS_EXTENSIONS } from './vars-files.js';

/**
 * "Where did this var come from?": the file (and line, when the file can be
 * read again and the key found) of the layer whose value wins for a host, in
 * Ansible's precedence. Looked up only when an error about a var is reported,
 * by reading the files again: loading the inventory records nothing per var,
 * so the hot path pays nothing for it.
 */
export type VarOrigin = { file: string; line?: number } | { label: string };

/** `inventory.yml:12`, `group_vars/web.yml`, or a label such as `extra vars (-e)`. */
export function formatOrigin(origin: VarOrigin): string {
  if ('label' in origin) return origin.label;
  return origin.line ? `${origin.file}:${origin.line}` : origin.file;
}

/** The play's layers, above the inventory's (lowest first as listed here, highest last). */
export interface PlayVarLayers {
  /** Play vars (vars_files already read into them), and the playbook they are written in. */
  play?: { vars: Vars; file?: string; varsFiles?: string[] };
  /** set_fact and register results. */
  hostFacts?: Vars;
  /** The task's own vars. */
  task?: { vars: Vars; file?: string };
  /** The config file's `vars` (lower than -e). */
  config?: { vars: Vars; file?: string };
  /** `-e` (and the CLI flags that stand for an -e var). */
  extraVars?: Vars;
}

const has = (vars: Vars | undefined, key: string) => vars !== undefined && Object.hasOwn(vars, key);

/**
 * The origin of `key` for `host`: -e, the config's vars, task vars, set_fact,
 * play vars (vars_files or the playbook), then the inventory's layers from
 * host_vars down to the `all` group's inventory vars. Undefined when no layer
 * sets it.
 */
export async function varOrigin(
  inventory: Inventory | undefined,
  host: string,
  key: string,
  layers: PlayVarLayers = {},
): Promise<VarOrigin | undefined> {
  if (has(layers.extraVars, key)) return { label: 'extra vars (-e)' };
  if (layers.config && has(layers.config.vars, key))
    return layers.config.file ? { file: layers.config.file } : { label: 'config vars' };
  if (layers.task && has(layers.task.vars, key))
    return layers.task.file ? { file: layers.task.file } : { label: 'task vars' };
  if (has(layers.hostFacts, key)) return { label: 'set_fact or register' };
  if (layers.play && has(layers.play.vars, key)) return playOrigin(layers.play, key);
  return inventory ? inventoryVarOrigin(inventory, host, key) : undefined;
}

async function playOrigin(play: NonNullable<PlayVarLayers['play']>, key: string): Promise<VarOrigin> {
  const base = play.file ? dirname(play.file) : process.cwd();
  // vars_files win over play vars, the last file over earlier ones.
  for (const path of [...(play.varsFiles ?? [])].reverse()) {
    if (path.includes('{{')) continue;
    const file = resolve(base, path);
    const line = await yamlLine(file, (keys) => keys.length === 1 && keys[0] === key);
    if (line !== undefined) return { file, line };
  }
  if (!play.file) return { label: 'play vars' };
  const line = await yamlLine(
    play.file,
    (keys) => keys.length >= 2 && keys.at(-2) === 'vars' && keys.at(-1) === key,
  );
  return { file: play.file, ...(line ? { line } : {}) };
}

/** The inventory's layers, highest first: host_vars, the host's inventory vars, group_vars, groups' inventory vars. */
export async function inventoryVarOrigin(
  inventory: Inventory,
  host: string,
  key: string,
): Promise<VarOrigin | undefined> {
  if (!inventory.hasHost(host)) return undefined;
  const layers = [...inventory.varsFileLayers()].reverse();
  for (const layer of layers) {
    if (has(layer.hosts.get(host), key)) return varsFileOrigin(join(layer.dir, 'host_vars'), host, key);
  }
  const sources = [...inventory.sourceFiles()].reverse();
  if (has(inventory.ownVars(host), key)) {
    for (const file of sources) {
      const line = await sourceLine(file, key, { host });
      if (line !== undefined) return { file, line };
    }
    return { label: `the inventory's vars of host ${host}` };
  }
  const sorted = sortGroups(
    inventory.groupsOf(host).filter((g) => g !== 'all'),
    (g) => inventory.depthOf(g),
    (g) => inventory.priorityOf(g),
  ).reverse();
  for (const layer of layers) {
    for (const g of sorted) {
      if (has(layer.groups.get(g), key)) return varsFileOrigin(join(layer.dir, 'group_vars'), g, key);
    }
  }
  for (const layer of layers) {
    if (has(layer.groups.get('all'), key)) return varsFileOrigin(join(layer.dir, 'group_vars'), 'all', key);
  }
  for (const g of [...sorted, 'all']) {
    if (!has(inventory.group(g)?.vars, key)) continue;
    for (const file of sources) {
      const line = await sourceLine(file, key, { group: g });
      if (line !== undefined) return { file, line };
    }
    return { label: `the inventory's vars of group ${g}` };
  }
  return undefined;
}

/** `group_vars/<name>` or `host_vars/<name>`: of `name`, `name.yml`, ... the first that exists (as loading reads it); in a directory, the file that sets the key last. */
async function varsFileOrigin(base: string, name: string, key: string): Promise<VarOrigin> {
  const topLevel = (keys: (string | number)[]) => keys.length === 1 && keys[0] === key;
  for (const ext of VARS_EXTENSIONS) {
    const path = join(base, name + ext);
    const info = await stat(path).catch(() => undefined);
    if (!info) continue;
    const files = info.isDirectory() ? (await dirFiles(path)).reverse() : [path];
    for (const file of files) {
      const line = await yamlLine(file, topLevel);
      if (line !== undefined) return { file, line };
    }
    return { file: path };
  }
  return { file: join(base, name) };
}

/**
 * The line of the last place an inventory source sets `key` for the host (or
 * the group); undefined when the file does not set it (or cannot be read
 * again, as a plugin's config is not).
 */
async function sourceLine(
  file: string,
  key: string,
  target: { host: string } | { group: string },
): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const ext = extname(file).toLowerCase();
  // As loading decides: YAML by extension, or a file without one that reads as a YAML mapping; else INI.
  const yaml = ['.yml', '.yaml', '.json'].includes(ext) || (ext === '' && isYamlMapping(text));
  if (!yaml) return iniLine(text, key, target);
  return yamlTextLine(text, (keys) => {
    if (keys.at(-1) !== key) return false;
    if ('group' in target) return keys.at(-2) === 'vars' && keys.at(-3) === target.group;
    return keys.at(-3) === 'hosts' && hostMatches(String(keys.at(-2)), target.host);
  });
}

function isYamlMapping(text: string): boolean {
  try {
    const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, prettyErrors: false });
    return doc.errors.length === 0 && isMap(doc.contents) && doc.contents.items.length > 0;
  } catch {
    return false;
  }
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (!pattern.includes('[')) return false;
  try {
    return expandHostPattern(pattern).hosts.includes(host);
  } catch {
    return false;
  }
}

/** INI: `[group:vars]` lines `key=value`, host lines `host key=value ...`; the last one wins. */
function iniLine(
  text: string,
  key: string,
  target: { host: string } | { group: string },
): number | undefined {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
  let group = 'ungrouped';
  let state = 'hosts';
  let found: number | undefined;
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line[0] === ';' || line[0] === '#') continue;
    const section = /^\[([^:\]\s]+)(?::(\w+))?\]/.exec(line);
    if (section) {
      group = section[1]!;
      state = section[2] ?? 'hosts';
      continue;
    }
    if ('group' in target) {
      if (state === 'vars' && group === target.group && line.slice(0, line.indexOf('=')).trim() === key)
        found = i + 1;
      continue;
    }
    if (state !== 'hosts') continue;
    let tokens: string[];
    try {
      tokens = shlexSplit(line);
    } catch {
      continue;
    }
    if (
      tokens[0] &&
      hostMatches(tokens[0], target.host) &&
      tokens.slice(1).some((t) => t.startsWith(`${key}=`))
    )
      found = i + 1;
  }
  return found;
}

/** The line of the last mapping key whose path of keys `wanted` accepts, in a YAML (or JSON) file. */
async function yamlLine(
  file: string,
  wanted: (keys: (string | number)[]) => boolean,
): Promise<number | undefined> {
  try {
    return yamlTextLine(await readFile(file, 'utf8'), wanted);
  } catch {
    return undefined;
  }
}

function yamlTextLine(text: string, wanted: (keys: (string | number)[]) => boolean): number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, lineCounter, prettyErrors: false });
  let found: number | undefined;
  visit(doc, {
    Pair(_, pair, path) {
      const keys: (string | number)[] = [];
      for (const [i, node] of path.entries()) {
        if (isPair(node)) keys.push(keyOf(node));
        // A sequence item's index, so playbooks' `- vars:` paths stay apart from mappings'.
        else if (!isMap(node) && i + 1 < path.length && 'items' in (node as object))
          keys.push((node as { items: unknown[] }).items.indexOf(path[i + 1]));
      }
      keys.push(keyOf(pair));
      if (!wanted(keys)) return;
      const start = (pair.key as Node | null)?.range?.[0];
      if (start !== undefined) found = lineCounter.linePos(start).line;
    },
  });
  return found;
}

function keyOf(pair: Pair): string | number {
  const k = pair.key;
  return isScalar(k) ? String(k.value) : String(k);
}

/** `file:line` for messages, the file relative to `cwd` when it is under it. */
export function originText(origin: VarOrigin, cwd = process.cwd()): string {
  if ('label' in origin) return origin.label;
  const file = origin.file.startsWith(`${cwd}/`) ? origin.file.slice(cwd.length + 1) : origin.file;
  return formatOrigin({ ...origin, file });
}
