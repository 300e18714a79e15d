import { hostname as localHostname } from 'node:os';
import { definePlugin } from '../../core/plugin/define-plugin.js';
import type { ModuleDefinition } from '../../core/plugin/types.js';
import { awsMessage, registerStep, stackOrFailure } from '../opsworks/support.js';
import { regionMismatchReason, registrationNames } from '../opsworks/validate.js';
import { identityDocument } from './imds.js';
import { addressOf, findInstance } from './lookup.js';

/**
 * Infrastructure class `ec2`: the target (the inventory's `ec2_instance_id`,
 * else its address or name) must be exactly one EC2 instance in the stack's
 * VPC, looked up in the stack's region; in local mode, the instance runner
 * runs on (IMDSv2), in the stack's region. The address is the instance's
 * public IP, else its private IP (with a warning). runner connects where the
 * inventory says; a different address is reported, not silently used.
 */
export const infraEc2 = registerStep({
  description: 'Resolve an EC2 target to exactly one instance in the stack VPC.',
  local: true,
  async run(ctx, { options: o, play }) {
    if (o.infrastructureClass !== 'ec2') {
      return { changed: false, skipped: true, msg: `infrastructure class is ${o.infrastructureClass}` };
    }
    const fetched = await stackOrFailure(play, o);
    if ('failure' in fetched) return fetched.failure;
    const { stack } = fetched;
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
      play.count('ec2:DescribeInstances');
      found = await findInstance(play.clients(o).ec2(stack.region), lookupTarget, stack.vpcId);
    } catch (error) {
      return { changed: false, failed: true, msg: `EC2 DescribeInstances: ${awsMessage(error)}` };
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
    const target = {
      infrastructure_class: 'ec2',
      address: o.local ? 'localhost' : (address ?? connectAddress),
      iam_name: names.iamName,
      hostname: names.hostnameForAgent ?? null,
      private_ip: null,
      public_ip: null,
      ec2_instance_id: instance.InstanceId ?? null,
      ec2_private_ip: instance.PrivateIpAddress ?? null,
      ec2_public_ip: instance.PublicIpAddress ?? null,
    };
    return {
      changed: false,
      msg: `EC2 ${instance.InstanceId} at ${target.address}`,
      data: { ansible_facts: { opsworks_target: target } },
    };
  },
});

export default definePlugin({
  name: 'infra-ec2',
  description: 'Infrastructure class ec2: finds the EC2 instance behind a target.',
  modules: { infra_ec2: infraEc2 } as Record<string, ModuleDefinition<unknown>>,
});
