import { definePlugin } from '../../core/plugin/define-plugin.js';
import type { ModuleDefinition } from '../../core/plugin/types.js';
import { agentCredentials } from './module.js';

/**
 * Credentials: the controller's (credential modes for the SDK clients, in
 * controller.ts) and the agent's (`opsworks_agent_credentials`: iam-user or
 * instance-profile), with IAM calls rate-limited across the fleet.
 */
export default definePlugin({
  name: 'credentials',
  description: 'Agent credentials for register: an IAM user per host, or the instance profile.',
  modules: { opsworks_agent_credentials: agentCredentials } as Record<string, ModuleDefinition<unknown>>,
});
