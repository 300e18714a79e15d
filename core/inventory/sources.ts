import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileNotFound, isRunnerError, pluginError, RunnerError } from '../errors.js';
import { addHost } from './data.js';
import { parseAddress } from './host-range.js';
import { readIniInventory } from './source-ini.js';
import { readYamlInventory } from './source-yaml.js';
import type { InventoryData, InventorySourceContext, InventorySourcePlugin } from './types.js';
import { isMapping, loadYamlOrJson } from './yaml-load.js';

/**
 * Decides how one `-i` source is read, in the order ansible-core tries its
 * inventory plugins: a comma list of hosts, a plugin config, YAML/JSON (by
 * extension, or a file without one that parses as a YAML mapping), else INI.
 * A directory is every entry in it, in ASCII order, minus what Ansible skips.
 */

/** Ansible's IGNORED: hidden entries, vars dirs, and INVENTORY_IGNORE_EXTS. */
const IGNORED_NAMES = /^\.|^host_vars$|^group_vars$|^vars_plugins$/;
const IGNORED_EXTS = [
  '.pyc',
  '.pyo',
  '.swp',
  '.bak',
  '~',
  '.rpm',
  '.md',
  '.txt',
  '.rst',
  '.orig',
  '.ini',
  '.cfg',
  '.retry',
];

export function isIgnoredInDirectory(name: string): boolean {
  return IGNORED_NAMES.test(name) || IGNORED_EXTS.some((ext) => name.endsWith(ext));
}

const YAML_EXTS = new Set(['.yml', '.yaml', '.json']);
const HEAD_BYTES = 4096;

export interface SourceReader {
  data: InventoryData;
  ctx: InventorySourceContext;
  plugins: InventorySourcePlugin[];
}

/**
 * Reads one `-i` source into `r.data`. Returns the directory whose
 * `group_vars/` and `host_vars/` apply to it (the source itself when it is a
 * directory, else the file's directory), or undefined for a host list.
 */
export async function readSource(source: string, r: SourceReader): Promise<string | undefined> {
  const full = resolve(r.ctx.cwd, source);
  const info = await stat(full).catch(() => undefined);
  if (!info) {
    if (source.includes(',')) {
      readHostList(source, r.data);
      return undefined;
    }
    throw fileNotFound(full, 'inventory source');
  }
  if (info.isDirectory()) {
    await readDirectory(full, r);
    return full;
  }
  await readFileSource(full, r);
  return dirname(full);
}

/** `-i web1,web2:2222,` : Ansible's host_list plugin. Hosts go to ungrouped. */
function readHostList(list: string, data: InventoryData): void {
  for (const part of list.split(',')) {
    const h = part.trim();
    if (!h) continue;
    const parsed = parseAddress(h);
    const host = parsed && !parsed.host.includes('[') ? parsed.host : h;
    const port = parsed && !parsed.host.includes('[') ? parsed.port : undefined;
    if (!data.hosts.has(host)) addHost(data, host, 'ungrouped', port);
  }
}

async function readDirectory(dir: string, r: SourceReader): Promise<void> {
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    if (isIgnoredInDirectory(name)) continue;
    const full = join(dir, name);
    const info = await stat(full).catch(() => undefined);
    if (!info) continue;
    if (info.isDirectory()) await readDirectory(full, r);
    else await readFileSource(full, r);
  }
}

async function readFileSource(file: string, r: SourceReader): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new RunnerError('FILE_NOT_FOUND', `cannot read inventory source ${file}: ${(e as Error).message}`, {
      file,
      cause: e,
    });
  }
  r.data.sourceFiles ??= [];
  r.data.sourceFiles.push(file);
  const head = text.slice(0, HEAD_BYTES);
  const plugin = r.plugins.find((p) => safeAccepts(p, file, head));
  if (plugin) {
    try {
      await plugin.load(file, r.data, r.ctx);
    } catch (e) {
      if (isRunnerError(e)) throw e;
      throw pluginError(plugin.name, 'inventory load', e);
    }
    return;
  }
  const ext = extname(file).toLowerCase();
  if (YAML_EXTS.has(ext)) {
    const loaded = loadYamlOrJson(text, file);
    refusePluginConfig(loaded.value, file, r.plugins);
    readYamlInventory(loaded, file, r.data, r.ctx);
    return;
  }
  if (ext === '') {
    // ansible-core tries its yaml plugin before the ini one for files without an extension.
    const yaml = tryYamlMapping(text, file);
    if (yaml) {
      refusePluginConfig(yaml.value, file, r.plugins);
      readYamlInventory(yaml, file, r.data, r.ctx);
      return;
    }
  }
  readIniInventory(text, file, r.data, r.ctx);
}

function safeAccepts(plugin: InventorySourcePlugin, file: string, head: string): boolean {
  try {
    return plugin.accepts(file, head);
  } catch {
    return false; // Ansible treats a failing verify_file() as "does not want it".
  }
}

function tryYamlMapping(text: string, file: string): ReturnType<typeof loadYamlOrJson> | undefined {
  try {
    const loaded = loadYamlOrJson(text, file);
    return isMapping(loaded.value) && loaded.value.size > 0 ? loaded : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A `plugin:` config that no loaded plugin accepted: either the plugin is
 * known and the file is misnamed (Ansible's verify_file rule), or no loaded
 * plugin has that name. The line says which, and what to do.
 */
function refusePluginConfig(value: unknown, file: string, plugins: readonly InventorySourcePlugin[]): void {
  if (!isMapping(value)) return;
  const name = value.get('plugin');
  if (name === undefined || name === null || name === false || name === '') return;
  const wanted = String(name);
  const plugin = plugins.find((p) => p.name === wanted || wanted.endsWith(`.${p.name}`));
  const reason = plugin
    ? `the ${plugin.name} inventory plugin reads only files named ${plugin.fileNames ?? 'as it requires'}: rename ${basename(file)}`
    : `no loaded inventory plugin is named "${wanted}" (loaded: ${plugins.map((p) => p.name).join(', ') || 'none'})`;
  throw new RunnerError('INVENTORY_INVALID', `inventory plugin config "plugin: ${wanted}": ${reason}`, {
    file,
    line: 1,
  });
}
