import type { ConnectionFactory } from '../connection/types.js';
import { pluginError, RunnerError } from '../errors.js';
import type { InventorySourcePlugin } from '../inventory/types.js';
import type { PlaybookDefinition } from '../play/model.js';
import {
  type CheckDefinition,
  HOOK_KINDS,
  type ModuleDefinition,
  type Plugin,
  type PluginHooks,
  type ReporterFactory,
} from './types.js';

/** The module a check runs as: `check:<phase>:<name>`. */
export function checkModuleName(check: CheckDefinition): string {
  return `check:${check.phase}:${check.name}`;
}

function checkModule(check: CheckDefinition): ModuleDefinition<unknown> {
  return {
    description: `${check.phase} check ${check.name}`,
    supportsCheck: true,
    async run(ctx) {
      const result = await check.run({
        host: ctx.host,
        vars: ctx.vars,
        connection: ctx.connection,
        state: ctx.state,
        ...(ctx.origin ? { origin: ctx.origin } : {}),
      });
      if (result.level === 'fail')
        return { changed: false, failed: true, msg: result.message ?? `${check.name} failed` };
      if (result.level === 'notice') return { changed: false, msg: result.message, notice: result.message };
      return { changed: false, msg: result.message };
    },
  };
}

export interface Contribution<T> {
  plugin: string;
  name: string;
  value: T;
}

/**
 * Everything the loaded plugins contribute, by name, plus the hook driver.
 * A later plugin's module, playbook, reporter or connection kind replaces an
 * earlier one of the same name, so users can override built-ins.
 */
export class PluginRegistry {
  readonly plugins: Plugin[] = [];
  readonly modules = new Map<string, Contribution<ModuleDefinition<unknown>>>();
  readonly playbooks = new Map<string, Contribution<PlaybookDefinition>>();
  readonly reporters = new Map<string, Contribution<ReporterFactory>>();
  readonly connections = new Map<string, Contribution<ConnectionFactory>>();
  readonly inventorySources: Contribution<InventorySourcePlugin>[] = [];
  readonly checks: Contribution<CheckDefinition>[] = [];

  register(plugin: Plugin): void {
    if (!plugin || typeof plugin !== 'object' || typeof plugin.name !== 'string' || plugin.name === '') {
      throw new RunnerError('PLUGIN_ERROR', 'a plugin must be an object with a non-empty "name"');
    }
    this.plugins.push(plugin);
    const from = plugin.name;
    for (const [name, value] of Object.entries(plugin.modules ?? {})) {
      if (typeof value?.run !== 'function') {
        throw new RunnerError('PLUGIN_ERROR', `plugin "${from}": module "${name}" has no run() function`, {
          plugin: from,
        });
      }
      this.modules.set(name, { plugin: from, name, value: value as ModuleDefinition<unknown> });
    }
    for (const [name, value] of Object.entries(plugin.playbooks ?? {})) {
      this.playbooks.set(name, { plugin: from, name, value });
    }
    for (const [name, value] of Object.entries(plugin.reporters ?? {})) {
      this.reporters.set(name, { plugin: from, name, value });
    }
    for (const value of plugin.connections ?? []) {
      this.connections.set(value.kind, { plugin: from, name: value.kind, value });
    }
    for (const value of plugin.inventorySources ?? []) {
      this.inventorySources.push({ plugin: from, name: value.name, value });
    }
    for (const value of plugin.checks ?? []) {
      this.checks.push({ plugin: from, name: value.name, value });
      this.modules.set(checkModuleName(value), { plugin: from, name: value.name, value: checkModule(value) });
    }
  }

  /**
   * Runs a hook across plugins by its declared kind: `sequential` one after
   * another in load order, `parallel` all at once, `first` until one returns
   * something other than undefined. A throw is wrapped as PLUGIN_ERROR naming
   * the plugin and hook.
   */
  async runHook<K extends keyof PluginHooks>(hook: K, ctx: Parameters<PluginHooks[K]>[0]): Promise<unknown> {
    const withHook = this.plugins.filter((p) => typeof p.hooks?.[hook] === 'function');
    const call = async (plugin: Plugin) => {
      try {
        const fn = plugin.hooks![hook] as (c: typeof ctx) => unknown;
        return await fn(ctx);
      } catch (error) {
        throw pluginError(plugin.name, hook, error);
      }
    };
    switch (HOOK_KINDS[hook]) {
      case 'parallel':
        await Promise.all(withHook.map(call));
        return undefined;
      case 'first':
        for (const plugin of withHook) {
          const value = await call(plugin);
          if (value !== undefined) return value;
        }
        return undefined;
      default:
        for (const plugin of withHook) await call(plugin);
        return undefined;
    }
  }
}
