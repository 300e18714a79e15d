import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type InventoryWarning, loadInventory } from '../../../core/inventory/index.js';
import plugin, { awsEc2InventorySource } from '../../../plugins/inventory-aws-ec2/index.js';

const ec2 = mockClient(EC2Client);
let dir: string;

beforeEach(async () => {
  ec2.reset();
  dir = await mkdtemp(join(tmpdir(), 'runner-ec2-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const instance = (id: string, extra: Partial<Instance> = {}): Instance =>
  ({
    InstanceId: id,
    InstanceType: 't3.micro',
    PrivateIpAddress: `10.0.0.${id.slice(-1)}`,
    PrivateDnsName: `ip-10-0-0-${id.slice(-1)}.ec2.internal`,
    Placement: { AvailabilityZone: 'eu-west-1a' },
    State: { Name: 'running', Code: 16 },
    ...extra,
  }) as Instance;

async function load(config: string, name = 'fleet.aws_ec2.yml', warnings: InventoryWarning[] = []) {
  await writeFile(join(dir, name), config);
  return loadInventory([name], {
    cwd: dir,
    plugins: plugin.inventorySources,
    onWarning: (w) => warnings.push(w),
  });
}

describe('aws_ec2 inventory source', () => {
  it('is exported as a plain plugin object', () => {
    expect(plugin.name).toBe('inventory-aws-ec2');
    expect(plugin.inventorySources).toEqual([awsEc2InventorySource]);
  });

  it('accepts only *aws_ec2.yml files whose plugin is aws_ec2', () => {
    expect(awsEc2InventorySource.accepts('/x/prod.aws_ec2.yml', 'plugin: aws_ec2\n')).toBe(true);
    expect(awsEc2InventorySource.accepts('/x/aws_ec2.yaml', "plugin: 'amazon.aws.aws_ec2'\n")).toBe(true);
    expect(awsEc2InventorySource.accepts('/x/hosts.yml', 'plugin: aws_ec2\n')).toBe(false);
    expect(awsEc2InventorySource.accepts('/x/aws_ec2.yml', 'all:\n  hosts: {}\n')).toBe(false);
  });

  it('pages through DescribeInstances, names hosts by preference, composes vars and keys groups', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [
          {
            Instances: [
              instance('i-1', {
                Tags: [
                  { Key: 'Name', Value: 'web-1' },
                  { Key: 'Role', Value: 'web' },
                ],
                PublicIpAddress: '203.0.113.1',
              }),
            ],
          },
        ],
        NextToken: 'page2',
      })
      .resolvesOnce({
        Reservations: [{ Instances: [instance('i-2', { Tags: [{ Key: 'Role', Value: 'db' }] })] }],
      });
    const inv = await load(`plugin: amazon.aws.aws_ec2
regions: [eu-west-1]
filters:
  tag:Env: prod
hostnames:
  - tag:Name
  - private-ip-address
compose:
  ansible_host: public_ip_address | default(private_ip_address)
keyed_groups:
  - key: tags.Role
    prefix: role
  - key: placement.availability_zone
    prefix: az
    separator: '-'
  - key: instance_type
`);
    expect(inv.hostNames()).toEqual(['web-1', '10.0.0.2']);
    expect(inv.hostVars('web-1').ansible_host).toBe('203.0.113.1');
    expect(inv.hostVars('10.0.0.2').ansible_host).toBe('10.0.0.2');
    expect(inv.hostVars('web-1').instance_id).toBe('i-1');
    expect(inv.hostVars('web-1').tags).toEqual({ Name: 'web-1', Role: 'web' });
    expect(inv.groupsOf('web-1')).toEqual(['_t3_micro', 'all', 'aws_ec2', 'az_eu_west_1a', 'role_web']);
    expect(inv.groupsOf('10.0.0.2')).toContain('role_db');

    const calls = ec2.commandCalls(DescribeInstancesCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0].args[0].input.Filters).toEqual([
      { Name: 'tag:Env', Values: ['prod'] },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ]);
    expect(calls[1].args[0].input.NextToken).toBe('page2');
  });

  it("composes with lower, replace and default as Ansible's plugin does (one Jinja engine)", async () => {
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            instance('i-7', { Tags: [{ Key: 'Name', Value: 'Web-Front.7' }] }),
            instance('i-8', { Tags: [{ Key: 'Env', Value: 'Prod' }] }),
          ],
        },
      ],
    });
    const inv = await load(`plugin: aws_ec2
regions: [eu-west-1]
hostnames: [instance-id]
compose:
  short_name: tags.Name | default(instance_id) | lower | replace('.', '-')
  dashed_ip: private_ip_address | replace('.', '-')
  env: (tags.Env | default('dev')) | lower
  ansible_host: public_ip_address | default(private_ip_address)
keyed_groups:
  - key: env
    prefix: env
`);
    // What amazon.aws.aws_ec2 composes for these two instances (Jinja2's lower, replace, default).
    expect(inv.hostVars('i-7')).toMatchObject({
      short_name: 'web-front-7',
      dashed_ip: '10-0-0-7',
      env: 'dev',
      ansible_host: '10.0.0.7',
    });
    expect(inv.hostVars('i-8')).toMatchObject({
      short_name: 'i-8',
      dashed_ip: '10-0-0-8',
      env: 'prod',
      ansible_host: '10.0.0.8',
    });
    expect(inv.groupsOf('i-7')).toContain('env_dev');
    expect(inv.groupsOf('i-8')).toContain('env_prod');
  });

  it('queries every region listed', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-3')] }] });
    const inv = await load('plugin: aws_ec2\nregions: [eu-west-1, us-east-1]\nhostnames: [instance-id]\n');
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(2);
    expect(inv.hostNames()).toEqual(['i-3']);
  });

  it('skips instances with none of the hostnames, with a warning', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-4')] }] });
    const warnings: InventoryWarning[] = [];
    const inv = await load(
      'plugin: aws_ec2\nregions: [eu-west-1]\nhostnames: [dns-name]\n',
      undefined,
      warnings,
    );
    expect(inv.hostNames()).toEqual([]);
    expect(warnings[0].message).toContain('i-4');
  });

  it('reports an AWS failure as AWS_ERROR naming the region', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
    await expect(load('plugin: aws_ec2\nregions: [eu-west-1]\n')).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message: expect.stringContaining('eu-west-1'),
    });
  });

  it('refuses an unknown option with the file named', async () => {
    await expect(load('plugin: aws_ec2\nregions: [eu-west-1]\nhostname: [x]\n')).rejects.toMatchObject({
      code: 'INVENTORY_INVALID',
      file: join(dir, 'fleet.aws_ec2.yml'),
      message: expect.stringContaining('unknown option "hostname"'),
    });
  });

  it('leaves a plugin config that no plugin accepts as an error, not an empty inventory', async () => {
    await writeFile(join(dir, 'ec2.yml'), 'plugin: aws_ec2\nregions: [eu-west-1]\n');
    await expect(
      loadInventory(['ec2.yml'], { cwd: dir, plugins: plugin.inventorySources }),
    ).rejects.toMatchObject({
      code: 'INVENTORY_INVALID',
      message: expect.stringContaining(
        'the aws_ec2 inventory plugin reads only files named *aws_ec2.yml or *aws_ec2.yaml: rename ec2.yml',
      ),
    });
  });
});
