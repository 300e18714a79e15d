import { serviceName } from '../../core/plugin/registration.js';
import type { CheckDefinition } from '../../core/plugin/types.js';
import { AGENT_STATE_COMMAND, parseAgentState } from './agent-state.js';
import { playOf } from './play-context.js';
import { optionsOf } from './support.js';
import { hostnameTakenReason } from './validate.js';

/** Every validation rule of the AWS CLI, per host, before anything is made for it (parsed once, kept typed). */
export const optionsCheck: CheckDefinition = {
  name: 'register options',
  phase: 'preflight',
  playbooks: ['register'],
  async run(ctx) {
    if (serviceName(ctx.vars) !== 'opsworks')
      return { level: 'pass', message: 'not registering with OpsWorks' };
    const parsed = optionsOf(ctx);
    if (parsed.ok) return { level: 'pass' };
    // Which file set the refused var: looked up now, only because there is an error to report.
    const where = parsed.key ? await ctx.origin?.(parsed.key) : undefined;
    return { level: 'fail', message: where ? `${where}: ${parsed.reason}` : parsed.reason };
  },
};

/** Flow step 3 of `aws opsworks register`: a hostname override must be free in the stack. */
export const hostnameUniqueCheck: CheckDefinition = {
  name: 'hostname unique in the stack',
  phase: 'preflight',
  playbooks: ['register'],
  async run(ctx) {
    if (serviceName(ctx.vars) !== 'opsworks')
      return { level: 'pass', message: 'not registering with OpsWorks' };
    const parsed = optionsOf(ctx);
    if (!parsed.ok || !parsed.options.hostname) return { level: 'pass' };
    let instances: Awaited<ReturnType<ReturnType<typeof playOf>['aws']['instances']>>;
    try {
      instances = await playOf(ctx.state).aws.instances(parsed.options);
    } catch {
      return { level: 'pass', message: 'stack not available: reported by the stack step' };
    }
    // A host whose agent is already installed may hold the name itself: the state step decides (it reads the agent config with become).
    const agent = parseAgentState(
      (await ctx.connection.exec(AGENT_STATE_COMMAND, { timeoutMs: 60_000 })).stdout,
    );
    if (agent.present)
      return { level: 'pass', message: 'agent present: checked by the registration state step' };
    const reason = hostnameTakenReason(parsed.options.hostname, instances);
    return reason ? { level: 'fail', message: reason } : { level: 'pass' };
  },
};
