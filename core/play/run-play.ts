import { dirname } from 'node:path';
import { builtinPlugins } from '../builtins.js';
import type { RunnerConfig } from '../config/define-config.js';
import { loadConfig } from '../config/load-config.js';
import { DEFAULTS } from '../config/schema.js';
import { HOST_KEY_CHECKING_OFF_WARNING } from '../connection/ssh/host-key-check.js';
import { type HostKeyMode, sshRun } from '../connection/ssh/options.js';
import type { ConnectionRunOptions } from '../connection/types.js';
import { RunnerError } from '../errors.js';
import { loadInventory } from '../inventory/index.js';
import { selectHosts } from '../inventory/patterns.js';
import type { Vars } from '../inventory/types.js';
import { EventHub } from '../output/emitter.js';
import type { Reporter } from '../output/events.js';
import { loadPluginSpec } from '../plugin/loader.js';
import { PluginRegistry } from '../plugin/registry.js';
import type { Plugin } from '../plugin/types.js';
import type { Secret } from '../secret.js';
import { type RunOutcome, runPlaybook } from './executor.js';
import { resolvePlaybook } from './resolve-playbook.js';

export interface RunPlayOptions {
  /** A plugin's playbook name or a playbook file. */
  playbook: string;
  /** Inventory sources; the config's `inventory` when empty. */
  inventories?: string[];
  cwd?: string;
  /** An explicit config file; else discovered from cwd. */
  configFile?: string;
  limit?: string;
  forks?: number;
  extraVars?: Vars;
  check?: boolean;
  tags?: string[];
  skipTags?: string[];
  startAtTask?: string;
  hostKeyChecking?: HostKeyMode;
  knownHosts?: string[];
  connectTimeoutSeconds?: number;
  /** Asks for a key passphrase (once per key file) when a key needs one. */
  prompt?: ConnectionRunOptions['prompt'];
  /** Asked once for the whole run (--ask-pass / --ask-become-pass). */
  password?: Secret;
  becomePassword?: Secret;
  reporters: Reporter[];
  /** Extra plugin objects (programmatic use and tests). */
  plugins?: Plugin[];
  /** Stops new work (first Ctrl-C). */
  signal?: AbortSignal;
  /** Kills running commands (second Ctrl-C). */
  killSignal?: AbortSignal;
  /** Warnings found before the run starts (config, inventory). */
  onWarning?: (message: string) => void;
}

export interface LoadedProject {
  config: RunnerConfig;
  configFile?: string;
  configDir: string;
  registry: PluginRegistry;
}

/** Finds the config and loads the built-in and configured plugins. */
export async function loadProject(options: {
  cwd: string;
  configFile?: string;
  plugins?: Plugin[];
}): Promise<LoadedProject> {
  const loaded = await loadConfig({ cwd: options.cwd, file: options.configFile });
  const registry = new PluginRegistry();
  for (const plugin of await builtinPlugins()) registry.register(plugin);
  for (const spec of loaded.config.plugins ?? []) registry.register(await loadPluginSpec(spec, loaded.dir));
  for (const plugin of options.plugins ?? []) registry.register(plugin);
  return { config: loaded.config, configFile: loaded.file, configDir: loaded.dir, registry };
}

/** The whole of `runner play`: config, plugins, inventory, playbook, run, recap. */
export async function runPlay(options: RunPlayOptions): Promise<RunOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const project = await loadProject({ cwd, configFile: options.configFile, plugins: options.plugins });
  const { config, registry } = project;
  const sources = options.inventories?.length
    ? options.inventories
    : [config.inventory ?? []].flat().map((s) => (s.startsWith('/') ? s : `${project.configDir}/${s}`));
  if (sources.length === 0) {
    throw new RunnerError('USAGE', 'no inventory: pass -i <inventory> or set "inventory" in the config');
  }
  const warn = options.onWarning ?? (() => {});
  const playbook = await resolvePlaybook(options.playbook, registry, cwd);
  const vouchedKnownHosts: string[] = [];
  const inventory = await loadInventory(sources, {
    cwd,
    plugins: registry.inventorySources.map((c) => c.value),
    onWarning: (w) => warn(`${w.file ? `${w.file}${w.line ? `:${w.line}` : ''}: ` : ''}${w.message}`),
    // group_vars/ and host_vars/ beside a playbook file apply too, as in Ansible.
    extraVarsDirs: playbook.file ? [dirname(playbook.file)] : [],
    onKnownHosts: (file) => vouchedKnownHosts.push(file),
  });
  const hub = new EventHub(options.reporters);
  const patternWarnings: string[] = [];
  const hostKeyChecking = options.hostKeyChecking ?? config.hostKeyChecking ?? DEFAULTS.hostKeyChecking;
  if (hostKeyChecking === 'off') warn(HOST_KEY_CHECKING_OFF_WARNING);
  try {
    return await runPlaybook({
      playbook,
      registry,
      inventory,
      selectHosts: (pattern) =>
        selectHosts(inventory, pattern, { cwd, onWarning: (message) => patternWarnings.push(message) }),
      drainWarnings: () => patternWarnings.splice(0),
      limit: options.limit,
      forks: options.forks ?? config.forks ?? DEFAULTS.forks,
      extraVars: { ...(config.vars ?? {}), ...(options.extraVars ?? {}) },
      check: options.check,
      tags: options.tags,
      skipTags: options.skipTags,
      startAtTask: options.startAtTask,
      connection: sshRun({
        connectTimeoutMs:
          (options.connectTimeoutSeconds ?? config.connectTimeout ?? DEFAULTS.connectTimeout) * 1000,
        maxHandshakes: config.maxHandshakes ?? DEFAULTS.maxHandshakes,
        hostKeyChecking,
        knownHostsFiles: [...(config.knownHosts ?? []), ...(options.knownHosts ?? []), ...vouchedKnownHosts],
        signal: options.killSignal,
        prompt: options.prompt,
      }),
      connectionDefaults: { password: options.password, becomePassword: options.becomePassword },
      emit: hub.emit,
      signal: options.signal,
    });
  } finally {
    await hub.close();
  }
}
