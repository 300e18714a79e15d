import { hostname as localHostname } from 'node:os';
import { definePlugin } from '../../core/plugin/define-plugin.js';
import {
  type RegistrationTarget,
  registrationNames,
  registrationStep,
} from '../../core/plugin/registration.js';
import type { ModuleDefinition } from '../../core/plugin/types.js';
import { EC2_CLIENTS, ec2Client } from './clients.js';
import { identityDocument } from './imds.js';
import { ANY_NETWORK, addressOf, findInstance } from './lookup.js';

/**
 * Infrastructure class `ec2`: the target (the inventory's `ec2_instance_id`,
 * else its address or name) must be exactly one EC2 instance in the stack's
 * VPC, looked up in the stack's region; in local mode, the instance runner
 * runs on (IMDSv2), in the stack's region. The address is the instance's
 * public IP, else its private IP (with a warning). runner connects where the
 * inventory says; a different address is reported, not silently used.
 */
export const infraEc2 = registrationStep({
  description: 'Resolve an EC2 target to exactly one instance in the stack VPC.',
  local: true,
  async run(ctx, { service, request: o, parts }) {
    if (o.infrastructureClass !== 'ec2') {
      return { changed: false, skipped: true, msg: `infrastructure class is ${o.infrastructureClass}` };
    }
    let stack: Awaited<ReturnType<typeof service.context>>;
    try {
      stack = await service.context(ctx, o);
    } catch (error) {
      return { changed: false, failed: true, msg: oneLine(error) };
    }
    let lookupTarget = o.ec2InstanceId ?? o.target;
    if (o.local) {
      try {
        const doc = await identityDocument();
        const mismatch = regionMismatchReason(doc.region, stack.region);
        if (mismatch) return { changed: false, failed: true, msg: mismatch };
        lookupTarget = doc.instanceId;
      } catch (error) {
        return { changed: false, failed: true, msg: `local ec2: ${(error as Error).message}` };
      }
    }
    if (!lookupTarget) return { changed: false, failed: true, msg: 'no EC2 target for this host' };
    let found: Awaited<ReturnType<typeof findInstance>>;
    try {
      const client = ec2Client(ctx.state.get(EC2_CLIENTS), stack.region, service.controller(ctx, o));
      found = await findInstance(client, lookupTarget, stack.anyNetwork ? ANY_NETWORK : stack.vpcId);
    } catch (error) {
      return { changed: false, failed: true, msg: `EC2 DescribeInstances: ${oneLine(error)}` };
    }
    if (!found.ok) return { changed: false, failed: true, msg: found.reason };
    const instance = found.instance;
    const { address, warning } = addressOf(instance);
    if (warning && !o.local) ctx.warn(warning);
    const connectAddress = String(ctx.vars.ansible_host ?? ctx.host);
    if (!o.local && address && address !== connectAddress) {
      ctx.warn(
        `${instance.InstanceId}'s address is ${address}; connecting to ${connectAddress} as the inventory says`,
      );
    }
    const names = registrationNames({
      hostname: o.hostname,
      local: o.local,
      // The inventory name is the fleet's equivalent of the CLI's typed target.
      target: ctx.host,
      localHostname: localHostname(),
    });
    const target: RegistrationTarget = {
      infrastructureClass: 'ec2',
      address: o.local ? 'localhost' : (address ?? connectAddress),
      identityName: names.identityName,
      ...(names.hostnameForAgent ? { hostname: names.hostnameForAgent } : {}),
      ...(instance.InstanceId ? { ec2InstanceId: instance.InstanceId } : {}),
      ...(instance.PrivateIpAddress ? { ec2PrivateIp: instance.PrivateIpAddress } : {}),
      ...(instance.PublicIpAddress ? { ec2PublicIp: instance.PublicIpAddress } : {}),
    };
    parts.targets.set(ctx.host, target);
    return {
      changed: false,
      msg: `EC2 ${instance.InstanceId} at ${target.address}`,
      data: {
        ansible_facts: {
          opsworks_target: {
            infrastructure_class: 'ec2',
            address: target.address,
            iam_name: target.identityName,
            hostname: target.hostname ?? null,
            private_ip: null,
            public_ip: null,
            ec2_instance_id: instance.InstanceId ?? null,
            ec2_private_ip: instance.PrivateIpAddress ?? null,
            ec2_public_ip: instance.PublicIpAddress ?? null,
          },
        },
      },
    };
  },
});

/** Flow step 4: ec2 with local mode: the instance's region must be the stack's. */
export function regionMismatchReason(instanceRegion: string, stackRegion: string): string | undefined {
  return instanceRegion === stackRegion ? undefined : "The stack's and the instance's region must match.";
}

/** `Name: message`, one line. */
function oneLine(error: unknown): string {
  const e = error as { name?: string; message?: string };
  return `${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(error)}`.replace(
    /\s*\n\s*/g,
    ' ',
  );
}

export default definePlugin({
  name: 'infra-ec2',
  description: 'Infrastructure class ec2: finds the EC2 instance behind a target.',
  modules: { infra_ec2: infraEc2 } as Record<string, ModuleDefinition<unknown>>,
});
