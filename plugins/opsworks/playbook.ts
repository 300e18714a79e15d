import { definePlaybook } from '../../core/play/model.js';

/**
 * `runner play register`: what `aws opsworks register` does for one host,
 * for every host of the inventory at once. Each step is a task whose module
 * comes from a plugin, so a user can replace, add or reorder steps (a YAML
 * playbook with the same tasks works the same). Preflight checks (plugins
 * contribute them with `phase: 'preflight'`) run before the first task and
 * post-setup checks after the last, as the engine schedules checks.
 */
export const REGISTER_TASKS = [
  { name: 'Stack and provisioning parameters', module: 'opsworks_stack' },
  // Which infrastructure class resolves the target is the playbook's choice, visible here, from the
  // options the first step parsed (the `opsworks_options` fact).
  {
    name: 'Resolve on-premises target',
    module: 'infra_on_premises',
    when: "opsworks_options.infrastructure_class == 'on-premises'",
  },
  { name: 'Resolve EC2 target', module: 'infra_ec2', when: "opsworks_options.infrastructure_class == 'ec2'" },
  { name: 'Registration state', module: 'opsworks_state', become: true },
  { name: 'Agent credentials', module: 'opsworks_agent_credentials' },
  { name: 'Install agent and register', module: 'opsworks_install', become: true },
  { name: 'Wait until registered', module: 'opsworks_wait' },
  {
    name: 'Assign layers',
    module: 'opsworks_assign_layers',
    when: 'opsworks_options.layer_ids | length > 0',
  },
] as const;

export const registerPlaybook = definePlaybook({
  name: 'register',
  plays: [
    {
      name: 'Register with AWS OpsWorks Stacks',
      hosts: 'all',
      gatherFacts: true,
      // Hosts run ahead independently: one slow host never holds the fleet at a step.
      strategy: 'free',
      tasks: REGISTER_TASKS.map((t) => ({ ...t, args: {} })),
    },
  ],
});
