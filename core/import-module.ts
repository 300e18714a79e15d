import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

/**
 * Imports a user's file: a config, a plugin or a playbook. TypeScript goes
 * through tsx's tsImport, which compiles it as an ES module whatever the
 * user's folder says: a plain `import` would treat a `.ts` file in a folder
 * without `"type": "module"` as CommonJS and fail on its `import` lines.
 */
export async function importUserModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  const mod = (
    /\.[cm]?tsx?$/.test(file) ? await tsImport(url, import.meta.url) : await import(url)
  ) as Record<string, unknown>;
  // A file compiled as CommonJS arrives wrapped once more: { default: { default: value } }
  // (Node 22+ adds a 'module.exports' key beside it).
  const inner = mod.default as Record<string, unknown> | undefined;
  const wrapped = Object.keys(mod).every((key) => key === 'default' || key === 'module.exports');
  if (wrapped && inner && typeof inner === 'object' && 'default' in inner) return inner;
  return mod;
}
