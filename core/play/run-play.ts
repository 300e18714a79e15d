import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { registerBuiltins } from '../builtins.js';
import type { RunnerConfig } from '../config/define-config.js';
import { loadConfig } from '../config/load-config.js';
import { DEFAULTS } from '../config/schema.js';
import { HOST_KEY_CHECKING_OFF_WARNING } from '../connection/ssh/host-key-check.js';
import { type HostKeyMode, sshRun } from '../connection/ssh/options.js';
import type { ConnectionRunOptions } from '../connection/types.js';
import { RunnerError } from '../errors.js';
import { expandHome } from '../expand-home.js';
import { loadInventory } from '../inventory/index.js';
import { originText, varOrigin } from '../inventory/origin.js';
import { selectHosts } from '../inventory/patterns.js';
import type { Vars } from '../inventory/types.js';
import { EventHub } from '../output/emitter.js';
import type { Reporter } from '../output/events.js';
import { loadPluginSpec } from '../plugin/loader.js';
import { PluginRegistry } from '../plugin/registry.js';
import type { Plugin } from '../plugin/types.js';
import type { Secret } from '../secret.js';
import { type RunChoices, type RunOutcome, runPlaybook } from './executor.js';
import type { PlaybookDefinition } from './model.js';
import { resolvePlaybook } from './resolve-playbook.js';
import type { RunScope } from './run-scope.js';

export interface RunPlayOptions extends RunChoices {
  /** A plugin's playbook name or a playbook file. */
  playbook: string;
  /** A playbook built in memory (`runner run`'s one-task play); `playbook` then only names it. */
  playbookDefinition?: PlaybookDefinition;
  /** Inventory sources; the config's `inventory` when empty. */
  inventories?: string[];
  cwd?: string;
  /** An explicit config file; else discovered from cwd. */
  configFile?: string;
  /** Run ID, shard (applied after `limit`), journal and API budget. */
  scope?: RunScope;
  forks?: number;
  hostKeyChecking?: HostKeyMode;
  knownHosts?: string[];
  connectTimeoutSeconds?: number;
  /** Connection vars from -u, --private-key, -c, -b, ...: beneath every inventory value, as in Ansible. */
  connectionVars?: Vars;
  /** Asks for a key passphrase (once per key file) when a key needs one. */
  prompt?: ConnectionRunOptions['prompt'];
  /** Asked once for the whole run (--ask-pass / --ask-become-pass). */
  password?: Secret;
  becomePassword?: Secret;
  reporters: Reporter[];
  /** The project `runner play` already loaded (for its reporters): not loaded twice. */
  project?: LoadedProject;
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
  await registerBuiltins(registry); // by manifest: each loads when a play uses it
  for (const spec of loaded.config.plugins ?? []) registry.register(await loadPluginSpec(spec, loaded.dir));
  for (const plugin of options.plugins ?? []) registry.register(plugin);
  return { config: loaded.config, configFile: loaded.file, configDir: loaded.dir, registry };
}

/** The whole of `runner play`: config, plugins, inventory, playbook, run, recap. */
export async function runPlay(options: RunPlayOptions): Promise<RunOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const project =
    options.project ?? (await loadProject({ cwd, configFile: options.configFile, plugins: options.plugins }));
  const { config, registry } = project;
  const warn = options.onWarning ?? (() => {});
  const playbook = options.playbookDefinition ?? (await resolvePlaybook(options.playbook, registry, cwd));
  if (options.playbookDefinition) await registry.loadFor(playbook);
  const vouchedKnownHosts: string[] = [];
  const inventory = await loadRunInventory(project, options, playbook, vouchedKnownHosts);
  // Checked before the run: a known_hosts file the user named and that is not there is a typo, not "no keys".
  const knownHostsFiles = [
    ...(config.knownHosts ?? []).map((f) => existingFile(f, project.configDir, 'config "knownHosts"')),
    ...(options.knownHosts ?? []).map((f) => existingFile(f, cwd, '--known-hosts')),
  ];
  // A shared or sharded run journals each host's outcome, for `runner recap` across shards.
  // Its code loads only for such a run: a plain play does not compile the journal at start-up.
  const journal =
    options.scope && (options.scope.id || options.scope.journal || options.scope.attempt)
      ? await loadJournal()
      : undefined;
  const scope: RunScope | undefined =
    journal && options.scope && (options.scope.id || options.scope.journal)
      ? { ...options.scope, attempt: options.scope.attempt ?? journal.newRunId() }
      : options.scope;
  const backend =
    journal && scope?.attempt
      ? journal.journalBackend(scope.journal ?? journal.defaultJournalDir(), {
          group: scope.id,
          shard: scope.shard,
        })
      : undefined;
  const outcomes =
    journal && backend
      ? [
          new journal.OutcomeJournal(
            backend.store,
            scope!.attempt!,
            { group: scope!.id, shard: scope!.shard },
            warn,
          ),
        ]
      : [];
  const hub = new EventHub([...options.reporters, ...outcomes]);
  // Ctrl-C is acknowledged in every view at once, not only when the next task ends.
  const onStop = () => hub.emit({ type: 'run.interrupt', stage: 'stop' });
  const onKill = () => hub.emit({ type: 'run.interrupt', stage: 'kill' });
  options.signal?.addEventListener('abort', onStop, { once: true });
  options.killSignal?.addEventListener('abort', onKill, { once: true });
  const patternWarnings: string[] = [];
  const hostKeyChecking = options.hostKeyChecking ?? config.hostKeyChecking ?? DEFAULTS.hostKeyChecking;
  if (hostKeyChecking === 'off') warn(HOST_KEY_CHECKING_OFF_WARNING);
  try {
    return await runPlaybook({
      playbook,
      registry,
      inventory: {
        hostVars: (name) => ({ ...(options.connectionVars ?? {}), ...inventory.hostVars(name) }),
        magicVars: (name) => inventory.magicVars(name),
      },
      selectHosts: (pattern) =>
        selectHosts(inventory, pattern, { cwd, onWarning: (message) => patternWarnings.push(message) }),
      drainWarnings: () => patternWarnings.splice(0),
      limit: options.limit,
      scope,
      forks: options.forks ?? config.forks ?? DEFAULTS.forks,
      extraVars: { ...(config.vars ?? {}), ...(options.extraVars ?? {}) },
      check: options.check,
      diff: options.diff,
      tags: options.tags,
      skipTags: options.skipTags,
      startAtTask: options.startAtTask,
      connection: sshRun({
        connectTimeoutMs:
          (options.connectTimeoutSeconds ?? config.connectTimeout ?? DEFAULTS.connectTimeout) * 1000,
        maxHandshakes: config.maxHandshakes ?? DEFAULTS.maxHandshakes,
        hostKeyChecking,
        knownHostsFiles: [...knownHostsFiles, ...vouchedKnownHosts],
        signal: options.killSignal,
        prompt: options.prompt,
      }),
      connectionDefaults: { password: options.password, becomePassword: options.becomePassword },
      emit: hub.emit,
      signal: options.signal,
      varOrigin: async (host, key, layers) => {
        const origin = await varOrigin(inventory, host, key, {
          ...layers,
          config: { vars: config.vars ?? {}, file: project.configFile },
          extraVars: options.extraVars ?? {},
        });
        return origin && originText(origin, cwd);
      },
    });
  } finally {
    options.signal?.removeEventListener('abort', onStop);
    options.killSignal?.removeEventListener('abort', onKill);
    await hub.close();
    backend?.close();
  }
}

async function loadJournal() {
  const [{ journalBackend }, { OutcomeJournal }, { newRunId }, { defaultJournalDir }] = await Promise.all([
    import('../journal/backend.js'),
    import('../journal/outcomes.js'),
    import('../journal/run-journal.js'),
    import('../journal/store.js'),
  ]);
  return { journalBackend, OutcomeJournal, newRunId, defaultJournalDir };
}

/** The run's inventory: -i sources, else the config's; group_vars beside the playbook too. */
export async function loadRunInventory(
  project: LoadedProject,
  options: Pick<RunPlayOptions, 'inventories' | 'cwd' | 'onWarning'>,
  playbook: PlaybookDefinition,
  vouchedKnownHosts: string[] = [],
) {
  const cwd = options.cwd ?? process.cwd();
  const sources = options.inventories?.length
    ? options.inventories.map(expandHome)
    : [project.config.inventory ?? []]
        .flat()
        .map((s) => (isAbsolute(expandHome(s)) ? expandHome(s) : `${project.configDir}/${s}`));
  if (sources.length === 0) {
    throw new RunnerError('USAGE', 'no inventory: pass -i <inventory> or set "inventory" in the config');
  }
  const warn = options.onWarning ?? (() => {});
  return loadInventory(sources, {
    cwd,
    plugins: project.registry.inventorySources.map((c) => c.value),
    onWarning: (w) => warn(`${w.file ? `${w.file}${w.line ? `:${w.line}` : ''}: ` : ''}${w.message}`),
    // group_vars/ and host_vars/ beside a playbook file apply too, as in Ansible.
    extraVarsDirs: playbook.file ? [dirname(playbook.file)] : [],
    onKnownHosts: (file) => vouchedKnownHosts.push(file),
  });
}

/** A path the user named: `~` expanded, relative to `base`, and there, else one clear error. */
function existingFile(path: string, base: string, what: string): string {
  const file = resolve(base, expandHome(path));
  if (!existsSync(file)) throw new RunnerError('FILE_NOT_FOUND', `${what}: ${file}: no such file`, { file });
  return file;
}
