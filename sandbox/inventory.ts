import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/** The sandbox's hosts as an Ansible YAML inventory, in two groups by infrastructure class. */
export interface InventoryHost {
  name: string;
  address: string;
  port: number;
  user: string;
  privateKeyFile: string;
  class: 'ec2' | 'on-premises';
  instanceId?: string;
}

export function inventoryYaml(
  hosts: InventoryHost[],
  vars: { stackId: string; endpoint: string; region: string; knownHostsFile: string },
): string {
  const group = (cls: InventoryHost['class']) =>
    Object.fromEntries(
      hosts
        .filter((h) => h.class === cls)
        .map((h) => [
          h.name,
          {
            ansible_host: h.address,
            ansible_port: h.port,
            ansible_user: h.user,
            ansible_ssh_private_key_file: h.privateKeyFile,
            opsworks_infrastructure_class: h.class,
            ...(h.instanceId ? { ec2_instance_id: h.instanceId } : {}),
          },
        ]),
    );
  const doc = {
    all: {
      vars: {
        opsworks_stack_id: vars.stackId,
        aws_endpoint_url: vars.endpoint,
        aws_region: vars.region,
        sandbox_known_hosts_file: vars.knownHostsFile,
        // register --service ssm: the agent is a tarball in the sandbox's amazon-ssm-<region> bucket.
        ssm_agent_package: 'tarball',
        ssm_agent_url_base: `${vars.endpoint}/amazon-ssm-${vars.region}/latest`,
      },
      children: {
        on_premises: { hosts: group('on-premises') },
        ec2: { hosts: group('ec2') },
      },
    },
  };
  return `# runner sandbox inventory (generated; test-only hosts on loopback)\n${stringify(doc)}`;
}

export async function writeInventoryFile(path: string, yaml: string): Promise<void> {
  await writeFile(path, yaml, { mode: 0o644 });
}
