import { DescribeInstancesCommand, EC2Client, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/index.js';
import { awsFailure, clientConfig } from '../support.js';

describe('sandbox EC2 DescribeInstances and STS GetCallerIdentity', () => {
  let sb: Sandbox;
  let ec2: EC2Client;
  beforeAll(async () => {
    sb = await startSandbox({ hosts: 12, ec2Share: 0.5 });
    ec2 = new EC2Client(clientConfig(sb));
  });
  afterAll(() => sb.stop());

  const ids = (r: { Reservations?: Array<{ Instances?: Array<{ InstanceId?: string }> }> }) =>
    (r.Reservations ?? []).flatMap((x) => x.Instances ?? []).map((i) => i.InstanceId);

  it('lists exactly the EC2-class hosts, with VPC, addresses and Name tag', async () => {
    const ec2Hosts = sb.hosts.filter((h) => h.class === 'ec2');
    expect(ec2Hosts).toHaveLength(6);
    const all = await ec2.send(new DescribeInstancesCommand({}));
    expect(ids(all).sort()).toEqual(ec2Hosts.map((h) => h.instanceId).sort());
    const first = all.Reservations?.[0]?.Instances?.[0];
    const host = ec2Hosts.find((h) => h.instanceId === first?.InstanceId);
    expect(first).toMatchObject({
      VpcId: sb.vpcId,
      PublicIpAddress: host?.address,
      State: { Name: 'running', Code: 16 },
      Tags: [{ Key: 'Name', Value: host?.name }],
    });
    expect(first?.PrivateIpAddress).toMatch(/^172\.31\./);
  });

  it('filters by vpc-id, tag:Name (with wildcards), state, private and public IP', async () => {
    const target = sb.hosts.filter((h) => h.class === 'ec2')[2];
    const byName = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [target.name] }] }),
    );
    expect(ids(byName)).toEqual([target.instanceId]);
    const byPublic = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'ip-address', Values: [target.address] }] }),
    );
    expect(ids(byPublic)).toEqual([target.instanceId]);
    const privateIp = byName.Reservations?.[0]?.Instances?.[0]?.PrivateIpAddress as string;
    const byPrivate = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'private-ip-address', Values: [privateIp] }] }),
    );
    expect(ids(byPrivate)).toEqual([target.instanceId]);
    const combined = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'vpc-id', Values: [sb.vpcId] },
          { Name: 'instance-state-name', Values: ['running'] },
          { Name: 'tag:Name', Values: ['sandbox-00*'] },
        ],
      }),
    );
    expect(ids(combined)).toHaveLength(4);
    const otherVpc = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'vpc-id', Values: ['vpc-0other'] }] }),
    );
    expect(otherVpc.Reservations).toEqual([]);
  });

  it('paginates with MaxResults and NextToken', async () => {
    const seen: string[] = [];
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 5 }, {})) {
      seen.push(...(ids(page) as string[]));
    }
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
  });

  it('reports unknown and malformed IDs and bad parameter combinations as EC2 does', async () => {
    expect(
      await awsFailure(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] }))),
    ).toMatchObject({
      name: 'InvalidInstanceID.NotFound',
    });
    expect(await awsFailure(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['nope'] })))).toMatchObject(
      {
        name: 'InvalidInstanceID.Malformed',
      },
    );
    const id = sb.hosts.find((h) => h.class === 'ec2')?.instanceId as string;
    expect(
      await awsFailure(ec2.send(new DescribeInstancesCommand({ InstanceIds: [id], MaxResults: 5 }))),
    ).toMatchObject({
      name: 'InvalidParameterCombination',
    });
  });

  it('tells the operator who it is', async () => {
    const who = await new STSClient(clientConfig(sb)).send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({
      Account: sb.accountId,
      Arn: `arn:aws:iam::${sb.accountId}:user/runner-sandbox-operator`,
    });
  });
});
