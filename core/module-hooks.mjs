// Node's module hooks for users' files (configs, plugins, playbooks). They run
// on Node's loader thread, registered by core/self-alias.ts after tsx's (so
// they run first), and get their data through `initialize`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** specifier -> URL of this runner's own file. */
let aliases = {};
/** Whether the load hook below is on (it is registered beneath tsx's hooks, the aliases above them). */
let detectEsm = false;

export function initialize(data) {
  aliases = data.aliases;
  detectEsm = data.detectEsm;
}

/**
 * A specifier in the alias table resolves to this runner's file; everything
 * else as usual. Resolving before tsx keeps tsx's per-import namespace off
 * that URL: the plugin gets the very module instances the CLI runs.
 */
export function resolve(specifier, context, next) {
  const url = aliases[specifier];
  return url ? { url, shortCircuit: true } : next(specifier, context);
}

// ES module syntax at the start of a line, and the TypeScript forms that mean CommonJS.
const ESM = /^[ \t]*(import[ \t]*[\w{*'"]|export[ \t]+(?!=)|export[ \t]*[{*])/m;
const CJS = /^[ \t]*(import[ \t]+\w+[ \t]*=[ \t]*require\(|export[ \t]*=)/m;

/**
 * A TypeScript file written with `import`/`export` loads as an ES module even
 * in a folder without `"type": "module"`, as Node's own syntax detection does
 * for `.js`. Compiled as CommonJS (tsx's choice there, which reaches this hook
 * as `commonjs`), its imports would become require() calls, which the resolve
 * hook above cannot see on Node 20. Beneath tsx, this hook hands tsx the file
 * as `module-typescript`, which tsx compiles as ESM.
 */
export async function load(url, context, next) {
  const loaded = await next(url, context);
  if (!detectEsm || (loaded.format !== 'commonjs' && loaded.format !== 'commonjs-typescript')) return loaded;
  if (!/^file:[^?#]*\.tsx?([?#]|$)/.test(url)) return loaded;
  const source = String(loaded.source ?? readFileSync(fileURLToPath(url.replace(/[?#].*/, '')), 'utf8'));
  if (!ESM.test(source) || CJS.test(source)) return loaded;
  return { ...loaded, format: 'module-typescript', source };
}
