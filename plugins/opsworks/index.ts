import type { Command } from 'commander';
import { definePlugin } from '../../core/plugin/define-plugin.js';
import type { ModuleDefinition } from '../../core/plugin/types.js';
import { hostnameUniqueCheck, optionsCheck } from './checks.js';
import { afterHost, afterPlay, beforePlay } from './hooks.js';
import { registerJournalCommands } from './journal/cli.js';
import { opsworksAssignLayers } from './modules/assign.js';
import { opsworksInstall } from './modules/install.js';
import { opsworksStack } from './modules/stack.js';
import { opsworksState } from './modules/state.js';
import { opsworksWait } from './modules/wait.js';

/**
 * Flags of `runner play` for the register playbook, each the same as an
 * `-e opsworks_*` var (an explicit -e still wins): the AWS CLI's names, so an
 * operator's muscle memory carries over.
 */
const PLAY_FLAGS = [
  {
    flags: '--stack-id <id>',
    key: 'stackId',
    variable: 'opsworks_stack_id',
    help: 'OpsWorks stack for the register playbook',
  },
  {
    flags: '--region <region>',
    key: 'region',
    variable: 'opsworks_region',
    help: "region of the OpsWorks API (not the stack's)",
  },
  {
    flags: '--endpoint-url <url>',
    key: 'endpointUrl',
    variable: 'opsworks_endpoint_url',
    help: 'endpoint of the OpsWorks API',
  },
  {
    flags: '--profile <name>',
    key: 'profile',
    variable: 'opsworks_profile',
    help: 'named AWS profile for the controller',
  },
] as const;

export function addStackIdOption(program: Command): void {
  const play = program.commands.find((c) => c.name() === 'play');
  if (!play || play.options.some((o) => o.long === '--stack-id')) return;
  for (const flag of PLAY_FLAGS) play.option(flag.flags, `${flag.help} (same as -e ${flag.variable}=…)`);
  play.hook('preAction', (command) => {
    const given: Record<string, string> = {};
    for (const flag of PLAY_FLAGS) {
      const value = command.getOptionValue(flag.key) as string | undefined;
      if (value) given[flag.variable] = value;
    }
    if (Object.keys(given).length === 0) return;
    const extra = (command.getOptionValue('extraVars') as string[] | undefined) ?? [];
    command.setOptionValue('extraVars', [JSON.stringify(given), ...extra]);
  });
}

/** OpsWorks Stacks as a registration service of the `register` playbook, and its own steps. */
export default definePlugin({
  name: 'opsworks',
  description: 'Registration service opsworks: registers hosts with an AWS OpsWorks Stacks stack.',
  modules: {
    opsworks_stack: opsworksStack,
    opsworks_state: opsworksState,
    opsworks_install: opsworksInstall,
    opsworks_wait: opsworksWait,
    opsworks_assign_layers: opsworksAssignLayers,
  } as Record<string, ModuleDefinition<unknown>>,
  checks: [optionsCheck, hostnameUniqueCheck],
  hooks: { beforePlay, afterHost, afterPlay },
  cli: (program) => {
    addStackIdOption(program);
    registerJournalCommands(program);
  },
});
