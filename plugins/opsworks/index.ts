import { definePlugin } from '../../core/plugin/define-plugin.js';
import type { ModuleDefinition } from '../../core/plugin/types.js';
import { hostnameUniqueCheck, optionsCheck } from './checks.js';
import { opsworksCli } from './cli.js';
import { afterHost, afterPlay, beforePlay } from './hooks.js';
import { opsworksAssignLayers } from './modules/assign.js';
import { opsworksInstall } from './modules/install.js';
import { opsworksStack } from './modules/stack.js';
import { opsworksState } from './modules/state.js';
import { opsworksWait } from './modules/wait.js';

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
  cli: opsworksCli,
});

export { addStackIdOption } from './cli.js';
