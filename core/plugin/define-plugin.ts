import type { ModuleDefinition, Plugin } from './types.js';

/** Returns its argument: plugins are plain objects, this only gives them types. */
export function definePlugin(plugin: Plugin): Plugin {
  return plugin;
}

/** Returns its argument, typed by its args schema. */
export function defineModule<Args>(module: ModuleDefinition<Args>): ModuleDefinition<Args> {
  return module;
}
