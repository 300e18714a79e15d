import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { RunnerError } from '../errors.js';
import type { InventoryData, InventoryWarning, Vars, VarsFileLayer } from './types.js';
import { isMapping, loadYamlOrJson, toPlain } from './yaml-load.js';

/**
 * `group_vars/` and `host_vars/` beside one inventory source, read as
 * ansible-core's host_group_vars plugin and DataLoader.find_vars_files do:
 * for a name, the first of `name`, `name.yml`, `name.yaml`, `name.json` that
 * exists wins; a directory contributes its files (no extension or one of
 * those) in ASCII order, recursing into subdirectories without an extension,
 * skipping hidden files and `~` backups. Empty files add nothing.
 */
export const VARS_EXTENSIONS = ['', '.yml', '.yaml', '.json'];
const EXTENSIONS = VARS_EXTENSIONS;

export async function loadVarsLayer(
  dir: string,
  data: InventoryData,
  warn: (w: InventoryWarning) => void,
): Promise<VarsFileLayer> {
  return {
    dir,
    groups: await loadKind(join(dir, 'group_vars'), data.groups.keys(), warn),
    hosts: await loadKind(join(dir, 'host_vars'), data.hosts.keys(), warn),
  };
}

async function loadKind(
  base: string,
  names: Iterable<string>,
  warn: (w: InventoryWarning) => void,
): Promise<Map<string, Vars>> {
  const out = new Map<string, Vars>();
  const info = await stat(base).catch(() => undefined);
  if (!info) return out;
  if (!info.isDirectory()) {
    warn({ message: `found ${base} that is not a directory, skipping it`, file: base });
    return out;
  }
  // One listing, then one lookup per name: a 100,000-host inventory must neither
  // stat 400,000 paths nor build 400,000 candidate file names.
  const candidates = candidateFiles(await readdir(base, { withFileTypes: true }));
  const found: { name: string; entry: Dirent; full: string }[] = [];
  for (const name of names) {
    if (name.startsWith('/')) continue; // Ansible skips chroot-like host names.
    const entry = candidates.get(name);
    if (entry) found.push({ name, entry, full: join(base, entry.name) });
  }
  // Files are read a few dozen at a time (one after another, each read waits on the
  // disk thread pool: hundreds of host_vars files took most of a large inventory's
  // load), then merged in the same order as before.
  const loaded = await mapBounded(found, READS_AT_ONCE, async ({ entry, full }) => {
    const files = (await isDir(entry, full)) ? await dirFiles(full) : [full];
    return Promise.all(files.map(loadVarsFile));
  });
  for (const [i, { name }] of found.entries()) {
    let vars: Vars | undefined;
    for (const v of loaded[i]!) if (v) vars = { ...(vars ?? {}), ...v };
    if (vars) out.set(name, vars);
  }
  return out;
}

/**
 * For each name a listed file could be for, the file that wins: of `name`,
 * `name.yml`, `name.yaml` and `name.json`, the first in that order.
 */
function candidateFiles(entries: Dirent[]): Map<string, Dirent> {
  const best = new Map<string, { entry: Dirent; rank: number }>();
  for (const entry of entries) {
    for (const [rank, ext] of EXTENSIONS.entries()) {
      if (!entry.name.endsWith(ext) || entry.name.length === ext.length) continue;
      const name = entry.name.slice(0, entry.name.length - ext.length);
      const held = best.get(name);
      if (!held || rank < held.rank) best.set(name, { entry, rank });
    }
  }
  return new Map([...best].map(([name, { entry }]) => [name, entry]));
}

const READS_AT_ONCE = 32;

/** `fn` over `items` with at most `limit` running at once; results in the items' order. */
async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function isDir(entry: Dirent, full: string): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (entry.isSymbolicLink()) return (await stat(full).catch(() => undefined))?.isDirectory() ?? false;
  return false;
}

/** A vars directory's files, in the order they are merged (later wins). */
export async function dirFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const ext = extname(name);
    const full = join(dir, name);
    const info = await stat(full).catch(() => undefined);
    if (!info) continue;
    if (info.isDirectory() && !ext) found.push(...(await dirFiles(full)));
    else if (info.isFile() && (!ext || EXTENSIONS.includes(ext))) found.push(full);
  }
  return found;
}

/** One vars file: a mapping, or undefined when it is empty (Ansible ignores those). */
export async function loadVarsFile(file: string): Promise<Vars | undefined> {
  const text = await readFile(file, 'utf8');
  const loaded = loadYamlOrJson(text, file);
  const value = loaded.value;
  // Python's truthiness: None, {}, [], "", 0 and False add nothing.
  if (value === null || value === undefined || value === false || value === 0 || value === '')
    return undefined;
  if (isMapping(value) && value.size === 0) return undefined;
  if (Array.isArray(value) && value.length === 0) return undefined;
  if (!isMapping(value)) {
    throw new RunnerError(
      'INVENTORY_INVALID',
      'invalid vars file: expected a mapping of variable names to values',
      {
        file,
        line: 1,
      },
    );
  }
  return toPlain(value) as Vars;
}
