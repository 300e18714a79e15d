import { definePlaybook } from '../../core/play/model.js';

/**
 * `runner play register`: registers every host of the inventory with the
 * service its `register_service` names (`--service`; OpsWorks Stacks by
 * default, or AWS Systems Manager hybrid activations). One playbook for every
 * service: each step calls the host's service through the registration seam
 * (core/plugin/registration.ts), and a step only one service has carries a
 * visible `when:`. Each step is a task whose module comes from a plugin, so a
 * user can replace, add or reorder steps (a YAML playbook with the same tasks
 * works the same). Preflight checks run before the first task and post-setup
 * checks after the last, as the engine schedules checks.
 */
export const REGISTER_TASKS = [
  // Per play: the OpsWorks stack, or the SSM activation. Publishes `register_options` (the host's
  // options as parsed once) for the `when:` below.
  { name: 'Registration context', module: 'register_context' },
  {
    name: 'Resolve on-premises target',
    module: 'infra_on_premises',
    when: "register_options.infrastructure_class == 'on-premises'",
  },
  { name: 'Resolve EC2 target', module: 'infra_ec2', when: "register_options.infrastructure_class == 'ec2'" },
  { name: 'Registration state', module: 'register_state', become: true },
  { name: 'Agent credentials', module: 'register_credentials' },
  { name: 'Install agent and register', module: 'register_install', become: true },
  { name: 'Wait until registered', module: 'register_wait' },
  {
    name: 'Assign layers',
    module: 'opsworks_assign_layers',
    when: "register_options.service == 'opsworks' and opsworks_options.layer_ids | length > 0",
  },
] as const;

export const registerPlaybook = definePlaybook({
  name: 'register',
  plays: [
    {
      name: 'Register hosts',
      hosts: 'all',
      gatherFacts: true,
      // Hosts run ahead independently: one slow host never holds the fleet at a step.
      strategy: 'free',
      tasks: REGISTER_TASKS.map((t) => ({ ...t, args: {} })),
    },
  ],
});
