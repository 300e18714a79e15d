import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { importFailure } from './import-failure.js';
import { installSelfAliases } from './self-alias.js';

/**
 * Imports a user's file: a config, a plugin or a playbook. TypeScript goes
 * through tsx's tsImport, which compiles it as an ES module whatever the
 * user's folder says: a plain `import` would treat a `.ts` file in a folder
 * without `"type": "module"` as CommonJS and fail on its `import` lines. tsx
 * is loaded only then: runner itself is compiled JavaScript.
 *
 * A failure becomes a RunnerError naming the file and, when an import inside
 * it failed, the specifier and the file that imported it.
 */
export async function importUserModule(file: string): Promise<Record<string, unknown>> {
  installSelfAliases();
  const url = pathToFileURL(file).href;
  let mod: Record<string, unknown>;
  try {
    if (/\.[cm]?tsx?$/.test(file)) {
      const { register } = await import('tsx/esm/api');
      mod = (await register({ namespace: randomUUID() }).import(url, import.meta.url)) as Record<
        string,
        unknown
      >;
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
