import type { InventorySourcePlugin } from '../inventory/types.js';
import type { CheckDefinition, Plugin } from './types.js';

/**
 * What a plugin contributes, by name only: enough to answer "which plugin
 * has module X / playbook Y / inventory source Z" and to list it, without
 * loading the plugin's code. Built-in plugins ship one each
 * (core/builtins-manifest.ts, generated from the plugins themselves by
 * `npx tsx .ci/builtins-manifest.ts`; a test fails when it drifts), so a
 * play loads only the plugins it uses.
 */
export interface PluginManifest {
  name: string;
  version?: string;
  description?: string;
  modules: string[];
  playbooks: string[];
  connections: string[];
  inventorySources: { name: string; fileNames?: string }[];
  reporters: string[];
  checks: { name: string; phase: CheckDefinition['phase']; playbooks?: string[] }[];
  hooks: string[];
  /** Whether it adds to the CLI (its `cli` function then lives in a light file of its own). */
  cli: boolean;
}

/** The manifest of a loaded plugin: the one source the generated file and its drift test share. */
export function manifestOf(plugin: Plugin): PluginManifest {
  return {
    name: plugin.name,
    ...(plugin.version !== undefined ? { version: plugin.version } : {}),
    ...(plugin.description !== undefined ? { description: plugin.description } : {}),
    modules: Object.keys(plugin.modules ?? {}),
    playbooks: Object.keys(plugin.playbooks ?? {}),
    connections: (plugin.connections ?? []).map((c) => c.kind),
    inventorySources: (plugin.inventorySources ?? []).map((s) => ({
      name: s.name,
      ...(s.fileNames !== undefined ? { fileNames: s.fileNames } : {}),
    })),
    reporters: Object.keys(plugin.reporters ?? {}),
    checks: (plugin.checks ?? []).map((c) => ({
      name: c.name,
      phase: c.phase,
      ...(c.playbooks ? { playbooks: [...c.playbooks] } : {}),
    })),
    hooks: Object.keys(plugin.hooks ?? {}).filter(
      (k) => typeof plugin.hooks?.[k as 'beforePlay'] === 'function',
    ),
    cli: typeof plugin.cli === 'function',
  };
}

/**
 * A plugin known by its manifest, its code loaded on first use. `accepts`
 * holds each of its inventory sources' file test, from a light file: the
 * inventory asks every source about every file, synchronously, before any
 * plugin code would be worth loading.
 */
export interface LazyPlugin {
  manifest: PluginManifest;
  load(): Promise<Plugin>;
  accepts?: Record<string, InventorySourcePlugin['accepts']>;
  /**
   * Its modules read nothing other plugins' hooks set up (core-modules): a
   * play that uses only such plugins' modules does not load the built-in
   * plugins whose hooks serve the others (the registration services').
   */
  selfContained?: boolean;
}
