import { hostname as localHostname } from 'node:os';
import { type RegistrationTarget, registrationParts } from '../../../core/plugin/registration.js';
import type { ModuleContext } from '../../../core/plugin/types.js';
import { matchExisting } from '../agent-state.js';
import { readAgentState } from '../agent-state-read.js';
import { opsworksSdk } from '../aws-sdk.js';
import { type Claim, claimHost } from '../claim.js';
import type { RegisterOptions } from '../options.js';
import type { RegisterPlay } from '../play-context.js';
import { awsMessage, registerStep } from '../support.js';

/** The host's own hostname, as the agent would register it. */
export function hostHostname(vars: Record<string, unknown>, options: RegisterOptions): string | undefined {
  if (options.hostname) return options.hostname;
  if (options.local) return localHostname();
  const fact = vars.ansible_nodename ?? vars.ansible_hostname;
  return typeof fact === 'string' && fact ? fact : undefined;
}

export function hostAddresses(vars: Record<string, unknown>, target?: RegistrationTarget): string[] {
  const all = vars.ansible_all_ipv4_addresses;
  return [
    ...(Array.isArray(all) ? all.map(String) : []),
    String(vars.ansible_host ?? ''),
    target?.address ?? '',
    target?.ec2PrivateIp ?? '',
    target?.ec2PublicIp ?? '',
  ].filter(Boolean);
}

export async function existingFor(
  ctx: Pick<ModuleContext, 'connection' | 'become' | 'signal' | 'vars' | 'host' | 'state'>,
  play: RegisterPlay,
  o: RegisterOptions,
  fresh = false,
) {
  const agent = await readAgentState(ctx);
  const instances = await play.aws.instances(o, fresh);
  const target = registrationParts(ctx.state).targets.get(ctx.host);
  return matchExisting(
    {
      stackId: o.stackId,
      agent,
      hostname: hostHostname(ctx.vars, o),
      hostnameOverridden: Boolean(o.hostname),
      ec2InstanceId: target?.ec2InstanceId ?? o.ec2InstanceId,
      addresses: hostAddresses(ctx.vars, target),
    },
    instances,
  );
}

/**
 * `opsworks_state`: is this host already registered with the stack? Seen on
 * the host (the agent's config) and in the stack's instances (listed once per
 * play: by the agent's instance ID, the EC2 instance ID, or hostname and
 * address). A registered host is reported ok and every later step leaves it
 * alone; its own instance in a failed state is deregistered so it can be
 * registered again; someone else's instance with its hostname refuses it.
 */
export const opsworksState = registerStep({
  description: 'Find whether the host is already registered with the stack.',
  async run(ctx, { options: o, play }) {
    let match: Awaited<ReturnType<typeof existingFor>>;
    let fresh = false;
    if (!ctx.check) {
      let claim: Claim;
      try {
        claim = await claimHost(ctx, play, o);
      } catch (error) {
        return { changed: false, failed: true, msg: `journal: ${awsMessage(error)}` };
      }
      if (!claim.ok) return { changed: false, failed: true, msg: claim.reason };
      if (claim.waitedFor) ctx.warn(`waited for ${claim.waitedFor}, which owned this host`);
      for (const line of claim.reconciled) ctx.warn(line);
      // Another run or a reconciliation may have changed the stack's instances since the play listed them.
      fresh = Boolean(claim.waitedFor) || claim.reconciled.length > 0;
    }
    try {
      match = await existingFor(ctx, play, o, fresh);
    } catch (error) {
      return { changed: false, failed: true, msg: awsMessage(error) };
    }
    switch (match.kind) {
      case 'conflict':
        return { changed: false, failed: true, msg: match.reason };
      case 'registered': {
        const i = match.instance;
        play.ledger.host(ctx.host).already = i.InstanceId ?? '';
        return {
          changed: false,
          msg: `already registered as ${i.InstanceId} (${i.Status}), found by ${match.by}`,
          data: {
            ansible_facts: {
              opsworks_registration: { instance_id: i.InstanceId, status: i.Status, already: true },
            },
          },
        };
      }
      case 'failed': {
        const i = match.instance;
        if (ctx.check)
          return { changed: true, msg: `would deregister ${i.InstanceId} (${i.Status}) and register again` };
        try {
          await play.clients
            .for(o)
            .opsworks.send(new (opsworksSdk().DeregisterInstanceCommand)({ InstanceId: i.InstanceId }));
        } catch (error) {
          return {
            changed: false,
            failed: true,
            msg: `DeregisterInstance ${i.InstanceId}: ${awsMessage(error)}`,
          };
        }
        return {
          changed: true,
          msg: `deregistered this host's failed instance ${i.InstanceId} (${i.Status}); registering again`,
          data: { ansible_facts: { opsworks_registration: null } },
        };
      }
      default:
        return {
          changed: false,
          msg: 'not registered yet',
          data: { ansible_facts: { opsworks_registration: null } },
        };
    }
  },
});
