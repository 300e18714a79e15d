import type { Command } from 'commander';
import { BUILTIN_MANIFESTS } from './builtins-manifest.js';
import type { LazyPlugin, PluginManifest } from './plugin/manifest.js';
import type { PluginRegistry } from './plugin/registry.js';
import type { Plugin } from './plugin/types.js';

/**
 * The plugins that ship with runner, registered like user plugins (users can
 * replace any module or playbook they contribute by name), but lazily: each
 * is known by its manifest (core/builtins-manifest.ts, generated from the
 * plugins by `npx tsx .ci/builtins-manifest.ts`, checked by
 * test/core/builtins.test.ts) and its code loads when a play uses one of its
 * contributions. A one-task `debug` play loads core-modules, not OpsWorks.
 *
 * What only the CLI needs (flags, subcommands) and what every inventory file
 * is asked (an inventory source's file test) live in light files of their
 * own, loaded without the plugin.
 */
interface Builtin {
  load: () => Promise<{ default: Plugin }>;
  cli?: () => Promise<(program: Command) => void>;
  accepts?: () => Promise<LazyPlugin['accepts']>;
  selfContained?: boolean;
}

/** By plugin name, in registration order (BUILTIN_MANIFESTS keeps the same order). */
const BUILTINS: Record<string, Builtin> = {
  'core-modules': { load: () => import('../plugins/core-modules/index.js'), selfContained: true },
  connections: { load: () => import('../plugins/connections/index.js'), selfContained: true },
  'inventory-aws-ec2': {
    load: () => import('../plugins/inventory-aws-ec2/index.js'),
    accepts: async () => ({
      aws_ec2: (await import('../plugins/inventory-aws-ec2/accepts.js')).acceptsAwsEc2Inventory,
    }),
  },
  registration: {
    load: () => import('../plugins/registration/index.js'),
    cli: async () => (await import('../plugins/registration/flags.js')).addServiceOptions,
  },
  opsworks: {
    load: () => import('../plugins/opsworks/index.js'),
    cli: async () => (await import('../plugins/opsworks/cli.js')).opsworksCli,
  },
  ssm: { load: () => import('../plugins/ssm/index.js') },
  'infra-on-premises': { load: () => import('../plugins/infra-on-premises/index.js') },
  'infra-ec2': { load: () => import('../plugins/infra-ec2/index.js') },
  credentials: { load: () => import('../plugins/credentials/index.js') },
  checks: { load: () => import('../plugins/checks/index.js') },
  sandbox: {
    load: () => import('../plugins/sandbox/index.js'),
    cli: async () => (await import('../plugins/sandbox/cli.js')).sandboxCli,
    accepts: async () => ({
      runner_sandbox: (await import('../plugins/sandbox/accepts.js')).acceptsSandboxInventory,
    }),
  },
};

/** Every built-in plugin's manifest, in registration order. */
export function builtinManifests(): readonly PluginManifest[] {
  return BUILTIN_MANIFESTS;
}

function builtinOf(manifest: PluginManifest): Builtin {
  const builtin = BUILTINS[manifest.name];
  if (!builtin)
    throw new Error(
      `core/builtins-manifest.ts names "${manifest.name}", which core/builtins.ts does not load`,
    );
  return builtin;
}

/** Registers every built-in plugin by its manifest; each loads when used. */
export async function registerBuiltins(registry: PluginRegistry): Promise<void> {
  const lazies = await Promise.all(
    BUILTIN_MANIFESTS.map(async (manifest): Promise<LazyPlugin> => {
      const builtin = builtinOf(manifest);
      return {
        manifest,
        load: async () => (await builtin.load()).default,
        ...(builtin.accepts ? { accepts: await builtin.accepts() } : {}),
        ...(builtin.selfContained ? { selfContained: true } : {}),
      };
    }),
  );
  for (const lazy of lazies) registry.registerLazy(lazy);
}

/** What the built-in plugins add to the CLI, without loading them. */
export async function builtinCli(): Promise<((program: Command) => void)[]> {
  const withCli = BUILTIN_MANIFESTS.filter((m) => m.cli).map((m) => builtinOf(m).cli);
  return Promise.all(
    withCli.map((cli) => {
      if (!cli) throw new Error('a built-in plugin with a CLI has no light cli file in core/builtins.ts');
      return cli();
    }),
  );
}

/** Every built-in plugin, loaded (tests, benches, and the manifest's generator). */
export async function builtinPlugins(): Promise<Plugin[]> {
  return Promise.all(Object.values(BUILTINS).map(async (b) => (await b.load()).default));
}

/** The light parts core/builtins.ts loads without a plugin, for the drift test to compare with the plugin's own. */
export async function builtinLightParts(name: string): Promise<{
  cli?: (program: Command) => void;
  accepts?: LazyPlugin['accepts'];
}> {
  const builtin = BUILTINS[name];
  return {
    ...(builtin?.cli ? { cli: await builtin.cli() } : {}),
    ...(builtin?.accepts ? { accepts: await builtin.accepts() } : {}),
  };
}
