import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { importFailure } from './import-failure.js';
import { installUserModuleHooks } from './self-alias.js';

type TsxApi = { import: (specifier: string, parent: string) => Promise<unknown> };
let loader: Promise<TsxApi> | undefined;

/**
 * tsx's hooks with runner's own around them (core/self-alias.ts). Node's
 * hooks are process-wide and stack, hence one process-wide loader, made on
 * the first user file: commands that load none never load tsx.
 */
function userModuleLoader(): Promise<TsxApi> {
  loader ??= import('tsx/esm/api').then(({ register }) =>
    installUserModuleHooks(() => register({ namespace: randomUUID() })),
  );
  return loader;
}

/**
 * Imports a user's file: a config, a plugin or a playbook. TypeScript goes
 * through tsx, and loads as an ES module when written as one, whatever the
 * user's folder says (core/module-hooks.mjs). runner itself is compiled
 * JavaScript: tsx is there for users' files only.
 *
 * A failure becomes a RunnerError naming the file and, when an import inside
 * it failed, the specifier and the file that imported it.
 */
export async function importUserModule(file: string): Promise<Record<string, unknown>> {
  const tsx = await userModuleLoader();
  const url = pathToFileURL(file).href;
  let mod: Record<string, unknown>;
  try {
    if (/\.[cm]?tsx?$/.test(file)) {
      mod = (await tsx.import(url, import.meta.url)) as Record<string, unknown>;
    } else {
      mod = (await import(url)) as Record<string, unknown>;
    }
  } catch (error) {
    throw importFailure(error, file);
  }
  // A file compiled as CommonJS arrives wrapped once more: { default: { default: value } }
  // (Node 22+ adds a 'module.exports' key beside it).
  const inner = mod.default as Record<string, unknown> | undefined;
  const wrapped = Object.keys(mod).every((key) => key === 'default' || key === 'module.exports');
  if (wrapped && inner && typeof inner === 'object' && 'default' in inner) return inner;
  return mod;
}
