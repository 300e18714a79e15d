import { definePlayState } from '../../core/plugin/play-state.js';
import { registrationStep } from '../../core/plugin/registration.js';
import { type ControllerCredentials, shadowFacts, shadowWarning } from './controller.js';

/** Warned once per play, not per host. */
const WARNED = definePlayState('credentials warned', () => new Set<string>());

/**
 * `opsworks_agent_credentials`: what the agent registers with, per the agent
 * credential mode (`iam-user`: an IAM user and access key for this host;
 * `instance-profile` on EC2: nothing to make), made by the play's
 * registration service for the target the infrastructure class resolved.
 */
export const agentCredentials = registrationStep({
  description: 'Make the IAM user and access key the agent registers with (or use the instance profile).',
  local: true,
  async run(ctx, { service, request, parts }) {
    const warned = ctx.state.get(WARNED);
    const mode = String(ctx.vars.opsworks_controller_credentials ?? 'default');
    if (!warned.has('controller')) {
      warned.add('controller');
      const shadow = shadowWarning(mode as ControllerCredentials, shadowFacts());
      if (shadow) ctx.warn(shadow);
    }
    if (service.registered(ctx)) return { changed: false, msg: 'already registered: no credentials made' };
    const target = parts.targets.get(ctx.host);
    if (!target)
      return {
        changed: false,
        failed: true,
        msg: 'no target for this host: resolve the infrastructure class first',
      };
    return service.createCredentials(ctx, request, target);
  },
});
