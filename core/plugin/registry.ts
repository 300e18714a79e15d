import type { ConnectionFactory } from '../connection/types.js';
import { pluginError, RunnerError } from '../errors.js';
import type { InventorySourcePlugin } from '../inventory/types.js';
import type { PlaybookDefinition } from '../play/model.js';
import { type LazyPlugin, manifestOf, type PluginManifest } from './manifest.js';
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

/** One registered plugin: loaded, or known by its manifest until something uses it. */
interface Slot {
  plugin?: Plugin;
  lazy?: LazyPlugin;
  loading?: Promise<Plugin>;
  /** Stand-ins for a lazy plugin's inventory sources: its own file test, its code loaded to read a file. */
  sources?: InventorySourcePlugin[];
}

/**
 * Everything the loaded plugins contribute, by name, plus the hook driver.
 * A later plugin's module, playbook, reporter or connection kind replaces an
 * earlier one of the same name, so users can override built-ins.
 *
 * A plugin may be registered lazily (registerLazy: its manifest now, its code
 * when a play uses it). It keeps its place in the order: loaded late, its
 * contributions still lose to a later plugin's of the same name, and its
 * hooks still run in registration order. The maps below hold loaded plugins'
 * contributions; loadFor(playbook) loads what a playbook uses first.
 */
export class PluginRegistry {
  readonly plugins: Plugin[] = [];
  readonly modules = new Map<string, Contribution<ModuleDefinition<unknown>>>();
  readonly playbooks = new Map<string, Contribution<PlaybookDefinition>>();
  readonly reporters = new Map<string, Contribution<ReporterFactory>>();
  readonly connections = new Map<string, Contribution<ConnectionFactory>>();
  readonly inventorySources: Contribution<InventorySourcePlugin>[] = [];
  readonly checks: Contribution<CheckDefinition>[] = [];
  private readonly slots: Slot[] = [];
  /** Called with a lazy plugin's name when its code loads (tests count them; no timing). */
  onLoad?: (name: string) => void;

  register(plugin: Plugin): void {
    checkPlugin(plugin);
    this.slots.push({ plugin });
    this.rebuild();
  }

  /** Registers a plugin by its manifest; its code loads when a play uses one of its contributions. */
  registerLazy(lazy: LazyPlugin): void {
    const slot: Slot = { lazy };
    slot.sources = lazy.manifest.inventorySources.map((s) => {
      const accepts = lazy.accepts?.[s.name];
      if (!accepts) {
        throw new RunnerError(
          'PLUGIN_ERROR',
          `plugin "${lazy.manifest.name}": inventory source "${s.name}" has no accepts() to ask before loading`,
          { plugin: lazy.manifest.name },
        );
      }
      return {
        name: s.name,
        ...(s.fileNames !== undefined ? { fileNames: s.fileNames } : {}),
        accepts,
        load: async (path, into, ctx) => {
          const plugin = await this.loadSlot(slot);
          const real = plugin.inventorySources?.find((r) => r.name === s.name);
          if (!real)
            throw new RunnerError(
              'PLUGIN_ERROR',
              `plugin "${plugin.name}" has no inventory source "${s.name}"`,
            );
          return real.load(path, into, ctx);
        },
      } satisfies InventorySourcePlugin;
    });
    this.slots.push(slot);
    this.rebuild();
  }

  /** The manifest of every registered plugin, loaded or not, in registration order. */
  manifests(): PluginManifest[] {
    return this.slots.map((s) => (s.plugin ? manifestOf(s.plugin) : s.lazy!.manifest));
  }

  /** Loads every lazily registered plugin (`runner doc`, `runner plugins list`). */
  async loadAll(): Promise<void> {
    await Promise.all(this.slots.map((s) => this.loadSlot(s)));
  }

  /**
   * Loads the plugins that contribute a named playbook or reporter. A name
   * no plugin has loads every plugin with one of that kind, so the error that
   * follows lists them all, as before plugins loaded lazily.
   */
  async loadNamed(kind: 'playbooks' | 'reporters', name: string): Promise<void> {
    const has = (m: PluginManifest) => m[kind].includes(name);
    const known = this.slots.some((s) => has(this.manifestOfSlot(s)));
    await this.loadWhere((m) => (known ? has(m) : m[kind].length > 0));
  }

  /**
   * Loads what a playbook uses before it is checked and run: the plugins of
   * its modules (and `setup` when a play gathers facts), of the checks that
   * apply to it, and then:
   * - when a module or check comes from a plugin that is not self-contained,
   *   every plugin with hooks (the registration services bind themselves in
   *   beforePlay, for the steps and checks of any playbook that uses them);
   * - when a task is not controller-only, or a check applies, the connection kinds.
   * A module no plugin has loads them all, so its error suggests from every name.
   */
  async loadFor(playbook: PlaybookDefinition): Promise<void> {
    const named = new Set<string>();
    for (const play of playbook.plays) {
      if (play.gatherFacts !== false) named.add('setup');
      for (const task of play.tasks) named.add(task.module);
    }
    const applies = (c: { playbooks?: string[] }) => !c.playbooks || c.playbooks.includes(playbook.name);
    const manifests = this.slots.map((s) => this.manifestOfSlot(s));
    const unknown = [...named].some(
      (n) => n !== 'setup' && !this.modules.has(n) && !manifests.some((m) => m.modules.includes(n)),
    );
    if (unknown) return this.loadAll();
    await this.loadWhere((m) => m.modules.some((n) => named.has(n)) || m.checks.some(applies));
    const checked = this.checks.some((c) => applies(c.value));
    const owners = [...named].flatMap((n) => {
      const owner = this.modules.get(n);
      return owner ? [owner] : [];
    });
    const selfContained = new Set(
      this.slots.filter((s) => s.lazy?.selfContained).map((s) => s.lazy!.manifest.name),
    );
    if (checked || owners.some((o) => !selfContained.has(o.plugin))) {
      await this.loadWhere((m) => m.hooks.length > 0);
    }
    if (checked || owners.some((o) => !o.value.local)) await this.loadWhere((m) => m.connections.length > 0);
  }

  private manifestOfSlot(slot: Slot): PluginManifest {
    return slot.plugin ? manifestOf(slot.plugin) : slot.lazy!.manifest;
  }

  private async loadWhere(wanted: (manifest: PluginManifest) => boolean): Promise<void> {
    await Promise.all(
      this.slots.filter((s) => !s.plugin && wanted(s.lazy!.manifest)).map((s) => this.loadSlot(s)),
    );
  }

  private loadSlot(slot: Slot): Promise<Plugin> {
    if (slot.plugin) return Promise.resolve(slot.plugin);
    const lazy = slot.lazy!;
    slot.loading ??= lazy.load().then((plugin) => {
      checkPlugin(plugin);
      if (plugin.name !== lazy.manifest.name) {
        throw new RunnerError(
          'PLUGIN_ERROR',
          `plugin "${lazy.manifest.name}" loaded as "${plugin.name}": its manifest is out of date`,
          { plugin: lazy.manifest.name },
        );
      }
      slot.plugin = plugin;
      this.rebuild();
      this.onLoad?.(plugin.name);
      return plugin;
    });
    return slot.loading;
  }

  /** The maps and lists above, from the slots in registration order (a later name wins). */
  private rebuild(): void {
    this.plugins.length = 0;
    this.modules.clear();
    this.playbooks.clear();
    this.reporters.clear();
    this.connections.clear();
    this.inventorySources.length = 0;
    this.checks.length = 0;
    for (const slot of this.slots) {
      const plugin = slot.plugin;
      if (!plugin) {
        const from = slot.lazy!.manifest.name;
        for (const value of slot.sources ?? [])
          this.inventorySources.push({ plugin: from, name: value.name, value });
        continue;
      }
      this.plugins.push(plugin);
      const from = plugin.name;
      for (const [name, value] of Object.entries(plugin.modules ?? {})) {
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
        this.modules.set(checkModuleName(value), {
          plugin: from,
          name: value.name,
          value: checkModule(value),
        });
      }
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

function checkPlugin(plugin: Plugin): void {
  if (!plugin || typeof plugin !== 'object' || typeof plugin.name !== 'string' || plugin.name === '') {
    throw new RunnerError('PLUGIN_ERROR', 'a plugin must be an object with a non-empty "name"');
  }
  const from = plugin.name;
  for (const [name, value] of Object.entries(plugin.modules ?? {})) {
    if (typeof value?.run !== 'function') {
      throw new RunnerError('PLUGIN_ERROR', `plugin "${from}": module "${name}" has no run() function`, {
        plugin: from,
      });
    }
  }
}
