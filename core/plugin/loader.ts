import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { isRunnerError, RunnerError } from '../errors.js';
import { importUserModule } from '../import-module.js';
import type { Plugin } from './types.js';

/**
 * Loads a plugin named in the config: a local path (relative to the config's
 * directory; TypeScript loads as it is, compiled on the fly) or an npm package
 * name resolved from that directory. The plugin imports the API from this
 * runner (by its package name, or `runner`) with no runner installed beside it.
 */
export async function loadPluginSpec(spec: string | Plugin, baseDir: string): Promise<Plugin> {
  if (typeof spec !== 'string') return spec;
  const isPath = spec.startsWith('.') || isAbsolute(spec);
  let file: string;
  try {
    file = isPath ? resolve(baseDir, spec) : createRequire(join(baseDir, 'package.json')).resolve(spec);
  } catch (error) {
    throw new RunnerError('PLUGIN_NOT_FOUND', `plugin "${spec}" not found from ${baseDir}`, { cause: error });
  }
  if (!existsSync(file)) {
    throw new RunnerError('PLUGIN_NOT_FOUND', `plugin "${spec}" not found: ${file}`, { file });
  }
  let mod: { default?: unknown; plugin?: unknown };
  try {
    mod = (await importUserModule(file)) as typeof mod;
  } catch (error) {
    // An import inside the plugin failed: the message names what and where.
    if (isRunnerError(error)) {
      throw new RunnerError(error.code, `plugin "${spec}" failed to load: ${error.message}`, {
        plugin: spec,
        hook: 'load',
        cause: error,
      });
    }
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new RunnerError('PLUGIN_ERROR', `plugin "${spec}" failed to load: ${reason}`, {
      file,
      plugin: spec,
      hook: 'load',
      cause: error,
    });
  }
  const plugin = (mod.default ?? mod.plugin) as Plugin | undefined;
  if (!plugin || typeof plugin !== 'object' || typeof plugin.name !== 'string') {
    throw new RunnerError('PLUGIN_ERROR', `plugin "${spec}" does not export a plugin object as default`, {
      file,
      plugin: spec,
    });
  }
  return plugin;
}
