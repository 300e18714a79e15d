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

/**
 * Installs core/module-hooks.mjs around tsx's hooks (`registerTsx`), which
 * makes users' files import the runner that loads them: a plugin in a folder
 * of its own, with no runner installed beside it, gets this very instance
 * (one `Secret` class, one registry), whether runner runs from a global
 * install, a local one or a clone. Hooks registered later run first: the ESM
 * detection goes beneath tsx (it changes what tsx is handed), the aliases
 * above it (so tsx never gives runner's files a namespace of their own, which
 * would load a second instance). Node's hooks are process-wide and stack:
 * call it once per process.
 */
export function installUserModuleHooks<T>(registerTsx: () => T): T {
  // Two instances of the hooks module (a module is one instance per URL, whence the queries).
  register(new URL('./module-hooks.mjs?beneath-tsx', import.meta.url), {
    data: { aliases: {}, detectEsm: true },
  });
  const tsx = registerTsx();
  register(new URL('./module-hooks.mjs?above-tsx', import.meta.url), {
    data: { aliases: selfAliases(), detectEsm: false },
  });
  return tsx;
}
