import { definePlugin } from '../../core/plugin/define-plugin.js';
import { registrationParts } from '../../core/plugin/registration.js';
import type { ModuleDefinition } from '../../core/plugin/types.js';
import { type ControllerCredentials, credentialProvider } from './controller.js';
import { agentCredentials } from './module.js';

/**
 * Credentials: the controller's (credential modes for the registration
 * service's SDK clients, bound in each play) and the agent's
 * (`opsworks_agent_credentials`: the step that has the service make them).
 */
export default definePlugin({
  name: 'credentials',
  description:
    'Credential modes: the controller identity (default, profile, env, instance-role) and the agent credentials step.',
  modules: {
    // register_credentials in the register playbook; opsworks_agent_credentials, its older name, still works.
    register_credentials: agentCredentials,
    opsworks_agent_credentials: agentCredentials,
  } as Record<string, ModuleDefinition<unknown>>,
  hooks: {
    beforePlay(ctx) {
      registrationParts(ctx.state).controllerCredentials ??= (mode, profile) =>
        credentialProvider(mode as ControllerCredentials, profile);
    },
  },
});
