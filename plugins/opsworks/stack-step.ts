import { awsMessage, type RegisterStep } from './support.js';

/**
 * Flow step 1: the stack and its provisioning parameters, fetched once per
 * play and shared by every host; a host whose options are invalid is refused
 * here with the CLI's reason, before anything is made. The service's
 * `prepare` runs it, and so does the `opsworks_stack` module
 * (modules/stack.ts), which also binds the service. It lives apart from both
 * so that neither imports the other.
 */
export const stackStep: RegisterStep = {
  description: 'Validate the register options and fetch the OpsWorks stack (once per play).',
  local: true,
  async run(_ctx, { options, play }) {
    try {
      const stack = await play.aws.stack(options);
      return {
        changed: false,
        msg: `stack ${stack.name} (${stack.stackId}) in ${stack.region}${stack.vpcId ? `, ${stack.vpcId}` : ''}`,
        data: {
          ansible_facts: {
            // The host's options as parsed once (no secrets among them): the playbook's `when:` reads them.
            opsworks_options: {
              stack_id: options.stackId,
              infrastructure_class: options.infrastructureClass,
              agent_credentials: options.agentCredentials,
              agent_source: options.agentSource,
              layer_ids: options.layerIds,
              wait: options.wait,
              local: options.local,
            },
            opsworks_stack: {
              stack_id: stack.stackId,
              name: stack.name,
              arn: stack.arn,
              region: stack.region,
              vpc_id: stack.vpcId ?? null,
              agent_installer_url: stack.agentInstallerUrl,
            },
          },
        },
      };
    } catch (error) {
      return {
        changed: false,
        failed: true,
        msg: `DescribeStacks ${options.stackId}: ${awsMessage(error)}`,
      };
    }
  },
};
