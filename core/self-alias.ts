import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { packageInfo } from './package-info.js';

/** This file's sibling `rel` (a `.js` path): the built file, or its TypeScript source in a clone. */
function own(rel: string): string {
  const built = new URL(rel, import.meta.url);
  return existsSync(fileURLToPath(built)) ? built.href : built.href.replace(/\.js$/, '.ts');
}

/**
 * The specifiers a plugin, config or playbook may import runner by: the
 * package name, and `runner`, the name before it was published.
 */
export function selfAliases(): Record<string, string> {
  const api = own('./index.js');
  const testing = own('./testing/index.js');
  const aliases: Record<string, string> = {};
  for (const name of new Set([packageInfo().name, 'runner'])) {
    aliases[name] = api;
    aliases[`${name}/testing`] = testing;
  }
  return aliases;
}

let installed = false;

/**
 * Installs core/module-hooks.mjs, which makes users' files import the runner
 * that loads them: a plugin in a folder
 * of its own, with no runner installed beside it, gets this very instance
 * (one `Secret` class, one registry), whether runner runs from a global
 * install, a local one or a clone. Node's hooks are process-wide, hence the
 * one process-wide flag: they are installed once, on the first user file, so
 * commands that load none never pay for them.
 */
export function installSelfAliases(): void {
  if (installed) return;
  installed = true;
  register(new URL('./module-hooks.mjs', import.meta.url), { data: { aliases: selfAliases() } });
}
