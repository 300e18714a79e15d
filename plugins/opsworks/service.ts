import type { PlayState } from '../../core/plugin/play-state.js';
import {
  bindService as bindInPlay,
  type RegistrationRequest,
  type RegistrationService,
} from '../../core/plugin/registration.js';
import type { ModuleContext } from '../../core/plugin/types.js';
import { createAgentCredentials } from './credentials/agent-credentials.js';
import { opsworksInstall } from './modules/install.js';
import { opsworksState } from './modules/state.js';
import { opsworksWait } from './modules/wait.js';
import type { RegisterOptions } from './options.js';
import { playOf, type StackInfo } from './play-context.js';
import { stackStep } from './stack-step.js';
import {
  alreadyRegistered,
  awsMessage,
  optionsOf,
  registerStep,
  releaseWhenSettled,
  rollbackHost,
  stackOrFailure,
} from './support.js';

/** The host's parsed options, by its request (parsed once per host and play, see optionsOf). */
function options(ctx: Pick<ModuleContext, 'host' | 'state'>): RegisterOptions {
  const parsed = playOf(ctx.state).options.get(ctx.host);
  if (!parsed?.ok) throw new Error(`no register options parsed for ${ctx.host}`);
  return parsed.options;
}

/**
 * OpsWorks Stacks as the registration service: a stack is where hosts
 * register, an IAM user (or the instance profile) is what the agent registers
 * with, boot-registration installs and registers, DescribeInstances confirms.
 * Stateless itself: every value lives in the play's state.
 */
/** Step 1 as the service runs it: through the seam the service is bound already. */
const prepareStack = registerStep(stackStep);

export const opsworksService: RegistrationService = {
  name: 'opsworks',
  request(ctx) {
    const parsed = optionsOf(ctx);
    if (!parsed.ok) return { ok: false, reason: parsed.reason };
    return { ok: true, value: toRequest(ctx.host, parsed.options) };
  },
  async context(ctx) {
    const o = options(ctx);
    let stack: StackInfo;
    try {
      stack = await playOf(ctx.state).aws.stack(o);
    } catch (error) {
      throw new Error(`DescribeStacks ${o.stackId}: ${awsMessage(error)}`);
    }
    return {
      id: stack.stackId,
      name: stack.name,
      region: stack.region,
      ...(stack.vpcId ? { vpcId: stack.vpcId } : {}),
      installerUrl: stack.agentInstallerUrl,
    };
  },
  // The playbook's steps call these through the seam; each is OpsWorks' own module.
  prepare: (ctx) => prepareStack.run(ctx, {}),
  state: (ctx) => opsworksState.run(ctx, {}),
  controller(ctx, request) {
    const c = playOf(ctx.state).clients.for(options({ host: request.host, state: ctx.state }));
    return {
      ...(c.credentials ? { credentials: c.credentials } : {}),
      ...(c.profile ? { profile: c.profile } : {}),
    };
  },
  registered(ctx) {
    return playOf(ctx.state).ledger.host(ctx.host).already !== undefined;
  },
  async createCredentials(ctx, _request, target) {
    const o = options(ctx);
    const play = playOf(ctx.state);
    const fetched = await stackOrFailure(play, o);
    if ('failure' in fetched) return fetched.failure;
    return createAgentCredentials(ctx, play, o, target);
  },
  install: (ctx) => opsworksInstall.run(ctx, {}),
  wait: (ctx) => opsworksWait.run(ctx, {}),
  async rollback(ctx) {
    const play = playOf(ctx.state);
    return rollbackHost(play, options(ctx), play.ledger.host(ctx.host), { deregister: true });
  },
  async settled(ctx, _request, result) {
    await releaseWhenSettled(ctx, playOf(ctx.state), options(ctx), result);
  },
};

function toRequest(host: string, o: RegisterOptions): RegistrationRequest {
  return {
    host,
    infrastructureClass: o.infrastructureClass,
    local: o.local,
    ...(o.target ? { target: o.target } : {}),
    ...(o.hostname ? { hostname: o.hostname } : {}),
    ...(o.privateIp ? { privateIp: o.privateIp } : {}),
    ...(o.publicIp ? { publicIp: o.publicIp } : {}),
    ...(o.ec2InstanceId ? { ec2InstanceId: o.ec2InstanceId } : {}),
    agentCredentials: o.agentCredentials,
    agentSource: o.agentSource,
  };
}

/** Binds OpsWorks in the play, for hosts whose `register_service` is opsworks (the default). */
export function bindService(state: PlayState): void {
  bindInPlay(state, opsworksService);
}

export { alreadyRegistered };
