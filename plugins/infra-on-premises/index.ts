import { hostname as localHostname } from 'node:os';
import { definePlugin } from '../../core/plugin/define-plugin.js';
import {
  type RegistrationTarget,
  registrationNames,
  registrationStep,
} from '../../core/plugin/registration.js';
import type { ModuleDefinition } from '../../core/plugin/types.js';

/**
 * Infrastructure class `on-premises`: the target is the host as the
 * inventory gives it (its address, or the inventory name); in local mode, the
 * machine runner runs on. Records the host's target for the later steps (and
 * the `opsworks_target` fact for the user's own tasks): the identity name,
 * the hostname sent to the agent (only when overridden), the IP overrides.
 */
export const infraOnPremises = registrationStep({
  description: 'Resolve an on-premises target: address and identity as the inventory gives them.',
  local: true,
  async run(ctx, { request: r, parts }) {
    if (r.infrastructureClass !== 'on-premises') {
      return { changed: false, skipped: true, msg: `infrastructure class is ${r.infrastructureClass}` };
    }
    const names = registrationNames({
      hostname: r.hostname,
      local: r.local,
      // The inventory name is the fleet's equivalent of the CLI's typed target.
      target: ctx.host,
      localHostname: localHostname(),
    });
    const target: RegistrationTarget = {
      infrastructureClass: 'on-premises',
      address: r.local ? 'localhost' : (r.target ?? ctx.host),
      identityName: names.identityName,
      ...(names.hostnameForAgent ? { hostname: names.hostnameForAgent } : {}),
      ...(r.privateIp ? { privateIp: r.privateIp } : {}),
      ...(r.publicIp ? { publicIp: r.publicIp } : {}),
    };
    parts.targets.set(ctx.host, target);
    return {
      changed: false,
      msg: `on-premises ${target.address}, IAM name ${target.identityName}`,
      data: {
        ansible_facts: {
          opsworks_target: {
            infrastructure_class: 'on-premises',
            address: r.local ? 'localhost' : r.target,
            iam_name: target.identityName,
            hostname: target.hostname ?? null,
            private_ip: target.privateIp ?? null,
            public_ip: target.publicIp ?? null,
            ec2_instance_id: null,
          },
        },
      },
    };
  },
});

export default definePlugin({
  name: 'infra-on-premises',
  description: 'Infrastructure class on-premises: the address and identity as the inventory gives them.',
  modules: { infra_on_premises: infraOnPremises } as Record<string, ModuleDefinition<unknown>>,
});
