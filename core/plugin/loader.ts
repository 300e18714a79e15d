import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { RunnerError } from '../errors.js';
import { importUserModule } from '../import-module.js';
import type { Plugin } from './types.js';

/**
 * Loads a plugin named in the config: a local path (relative to the config's
 * directory; TypeScript loads without a build step because the CLI runs under
 * tsx) or an npm package name resolved from that directory.
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
  let mod: { default?: unknown; plugin?: unknown };
  try {
    mod = (await importUserModule(file)) as typeof mod;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && isPath) {
      throw new RunnerError('PLUGIN_NOT_FOUND', `plugin "${spec}" not found: ${file}`, {
        file,
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
