import type { Plugin } from './plugin/types.js';

/**
 * The plugins that ship with runner, registered exactly like user plugins
 * (users can replace any module or playbook they contribute by name). Loaded
 * lazily so `runner --version` stays fast.
 */
export async function builtinPlugins(): Promise<Plugin[]> {
  const modules = await Promise.all([
    import('../plugins/core-modules/index.js'),
    import('../plugins/connections/index.js'),
  ]);
  return modules.map((m) => m.default);
}
