import { hostname as localHostname } from 'node:os';
import { definePlugin } from '../../core/plugin/define-plugin.js';
import type { ModuleDefinition } from '../../core/plugin/types.js';
import { registerStep } from '../opsworks/support.js';
import { registrationNames } from '../opsworks/validate.js';

/**
 * Infrastructure class `on-premises`: the target is the host as the
 * inventory gives it (its address, or the inventory name); in local mode, the
 * machine runner runs on. Sets the `opsworks_target` fact the later register
 * steps read: the IAM name, the hostname sent to the agent (only when
 * overridden), and the IP overrides.
 */
export const infraOnPremises = registerStep({
  description: 'Resolve an on-premises target: address and identity as the inventory gives them.',
  local: true,
  async run(ctx, { options: o }) {
    if (o.infrastructureClass !== 'on-premises') {
      return { changed: false, skipped: true, msg: `infrastructure class is ${o.infrastructureClass}` };
    }
    const names = registrationNames({
      hostname: o.hostname,
      local: o.local,
      // The inventory name is the fleet's equivalent of the CLI's typed target.
      target: ctx.host,
      localHostname: localHostname(),
    });
    const target = {
      infrastructure_class: 'on-premises',
      address: o.local ? 'localhost' : o.target,
      iam_name: names.iamName,
      hostname: names.hostnameForAgent ?? null,
      private_ip: o.privateIp ?? null,
      public_ip: o.publicIp ?? null,
      ec2_instance_id: null,
    };
    return {
      changed: false,
      msg: `on-premises ${target.address}, IAM name ${target.iam_name}`,
      data: { ansible_facts: { opsworks_target: target } },
    };
  },
});

export default definePlugin({
  name: 'infra-on-premises',
  description: 'Infrastructure class on-premises: the address and identity as the inventory gives them.',
  modules: { infra_on_premises: infraOnPremises } as Record<string, ModuleDefinition<unknown>>,
});
