import { definePlugin } from '../../core/plugin/define-plugin.js';
import type { ModuleDefinition } from '../../core/plugin/types.js';
import { addServiceOptions } from './flags.js';
import { registerPlaybook } from './playbook.js';
import { registerContext, registerInstall, registerState, registerWait } from './steps.js';

/**
 * The `register` playbook and its service-neutral steps. The services
 * (opsworks, ssm), infrastructure classes, credential modes and checks are
 * plugins of their own; they meet in the core's registration seam.
 */
export default definePlugin({
  name: 'registration',
  description:
    'The register playbook: bulk-registers hosts with a registration service (OpsWorks Stacks or SSM).',
  modules: {
    register_context: registerContext,
    register_state: registerState,
    register_install: registerInstall,
    register_wait: registerWait,
  } as Record<string, ModuleDefinition<unknown>>,
  playbooks: { register: registerPlaybook },
  cli: addServiceOptions,
});
