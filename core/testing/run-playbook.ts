import { builtinPlugins } from '../builtins.js';
import { addChild, addGroup, addHost, createInventoryData, setGroupVar } from '../inventory/data.js';
import { loadInventory } from '../inventory/index.js';
import { Inventory } from '../inventory/model.js';
import { selectHosts } from '../inventory/patterns.js';
import type { Vars } from '../inventory/types.js';
import { EventHub } from '../output/emitter.js';
import type { Recap, RunEvent } from '../output/events.js';
import { recordingReporter } from '../output/reporters/recording.js';
import { runPlaybook } from '../play/executor.js';
import type { PlaybookDefinition } from '../play/model.js';
import { resolvePlaybook } from '../play/resolve-playbook.js';
import { PluginRegistry } from '../plugin/registry.js';
import type { Plugin } from '../plugin/types.js';
import { type MemoryRecord, memoryConnection, type Responder } from './memory-connection.js';

export interface TestPlaybookOptions {
  /** A definePlaybook() object, a playbook file (YAML or TypeScript), or a plugin playbook's name. */
  playbook: PlaybookDefinition | string;
  /** The plugins under test; the built-in ones are always there. */
  plugins?: Plugin[];
  /**
   * In-memory hosts (group "all", `ansible_connection: memory`), or inventory
   * sources (files) as `-i` takes them: a sandbox's inventory, a local one.
   */
  hosts?: string[];
  inventory?: string[];
  /** Answers the in-memory hosts' commands (default: success, no output). */
  respond?: Responder;
  /** In-memory hosts that refuse connections. */
  unreachable?: string[];
  /** Vars for every in-memory host. */
  vars?: Vars;
  extraVars?: Vars;
  check?: boolean;
  forks?: number;
  /** Where relative paths (playbook, inventory) resolve; default the process's cwd. */
  cwd?: string;
}

export interface TestPlaybookRun extends MemoryRecord {
  exitCode: number;
  recap: Recap;
  /** Every event, redacted exactly as reporters get them. */
  events: RunEvent[];
}

function memoryInventory(hosts: string[], vars: Vars): Inventory {
  const data = createInventoryData();
  addGroup(data, 'tested');
  addChild(data, 'all', 'tested');
  for (const host of hosts) addHost(data, host, 'tested');
  for (const [key, value] of Object.entries({ ansible_connection: 'memory', ...vars })) {
    setGroupVar(data, 'tested', key, value);
  }
  return new Inventory(data);
}

/**
 * Runs a whole playbook with the plugins under test, through the same engine
 * as `runner play`: on in-memory hosts (`hosts`), or on the hosts of
 * inventory files (`inventory`: a local one, or the embedded sandbox's).
 */
export async function runTestPlaybook(options: TestPlaybookOptions): Promise<TestPlaybookRun> {
  const cwd = options.cwd ?? process.cwd();
  const memory = memoryConnection({ respond: options.respond, unreachable: options.unreachable });
  const registry = new PluginRegistry();
  for (const plugin of await builtinPlugins()) registry.register(plugin);
  registry.register({ name: 'testing', connections: [memory.factory] });
  for (const plugin of options.plugins ?? []) registry.register(plugin);
  const playbook =
    typeof options.playbook === 'string'
      ? await resolvePlaybook(options.playbook, registry, cwd)
      : options.playbook;
  const inventory = options.inventory?.length
    ? await loadInventory(options.inventory, { cwd, plugins: registry.inventorySources.map((c) => c.value) })
    : memoryInventory(options.hosts ?? ['test-host'], options.vars ?? {});
  const recording = recordingReporter();
  const hub = new EventHub([recording]);
  try {
    const outcome = await runPlaybook({
      playbook,
      registry,
      inventory,
      selectHosts: (pattern) => selectHosts(inventory, pattern, { cwd }),
      forks: options.forks ?? 50,
      extraVars: options.extraVars,
      check: options.check,
      connection: {},
      emit: hub.emit,
    });
    return { exitCode: outcome.exitCode, recap: outcome.recap, events: recording.events, ...memory };
  } finally {
    await hub.close();
  }
}
