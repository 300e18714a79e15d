import {
  AssignInstanceCommand,
  CreateLayerCommand,
  CreateStackCommand,
  DeregisterInstanceCommand,
  DescribeInstancesCommand,
  DescribeLayersCommand,
  DescribeStackProvisioningParametersCommand,
  DescribeStacksCommand,
  OpsWorksClient,
  RegisterInstanceCommand,
  UnassignInstanceCommand,
} from '@aws-sdk/client-opsworks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/index.js';
import { awsFailure, clientConfig } from '../support.js';

describe('sandbox OpsWorks API (JSON 1.1) through @aws-sdk/client-opsworks', () => {
  let sb: Sandbox;
  let now = Date.parse('2025-01-01T00:00:00Z');
  let ow: OpsWorksClient;
  beforeAll(async () => {
    sb = await startSandbox({ hosts: 0, clock: () => now, registrationDelayMs: 1000 });
    ow = new OpsWorksClient(clientConfig(sb));
  });
  afterAll(() => sb.stop());

  it('has a default VPC stack and describes it', async () => {
    const { Stacks } = await ow.send(new DescribeStacksCommand({ StackIds: [sb.stackId] }));
    expect(Stacks).toHaveLength(1);
    expect(Stacks?.[0]).toMatchObject({
      StackId: sb.stackId,
      Name: 'runner-sandbox',
      Region: sb.region,
      VpcId: sb.vpcId,
      Arn: `arn:aws:opsworks:${sb.region}:${sb.accountId}:stack/${sb.stackId}/`,
    });
  });

  it('reports an unknown stack as ResourceNotFoundException', async () => {
    const failure = await awsFailure(ow.send(new DescribeStacksCommand({ StackIds: ['nope'] })));
    expect(failure).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    expect(failure.message).toContain('nope');
  });

  it('points the provisioning parameters at the sandbox itself', async () => {
    const p = await ow.send(new DescribeStackProvisioningParametersCommand({ StackId: sb.stackId }));
    expect(p.AgentInstallerUrl).toBe(`${sb.endpoint}/opsworks-instance-agent/opsworks-agent-installer.tgz`);
    const host = new URL(sb.endpoint);
    expect(p.Parameters).toMatchObject({
      agent_installer_tgz: 'opsworks-agent-installer.tgz',
      ops_works_endpoint: host.hostname,
      ops_works_port: host.port,
      ops_works_region: sb.region,
      ops_works_use_ssl: 'false',
      instance_service_endpoint: host.hostname,
      instance_service_port: host.port,
      verbose: 'false',
      wait_between_runs: '30',
    });
    for (const key of [
      'assets_download_bucket',
      'agent_installer_base_url',
      'charlie_public_key',
      'instance_service_region',
      'instance_service_ssl_verify_peer',
      'instance_service_use_ssl',
      'ops_works_ssl_verify_peer',
    ]) {
      expect(p.Parameters).toHaveProperty(key);
    }
    expect(p.Parameters?.charlie_public_key).toContain('BEGIN PUBLIC KEY');
  });

  it('requires exactly one of StackId, LayerId, InstanceIds in DescribeInstances', async () => {
    for (const input of [{}, { StackId: sb.stackId, LayerId: sb.layerId }]) {
      expect(await awsFailure(ow.send(new DescribeInstancesCommand(input)))).toMatchObject({
        name: 'ValidationException',
      });
    }
    const { Instances } = await ow.send(new DescribeInstancesCommand({ StackId: sb.stackId }));
    expect(Instances).toEqual([]);
  });

  it('registers an instance: registering, then registered after the delay on the sandbox clock', async () => {
    const { InstanceId } = await ow.send(
      new RegisterInstanceCommand({ StackId: sb.stackId, Hostname: 'web-1', PrivateIp: '10.0.0.5' }),
    );
    expect(InstanceId).toMatch(/^[0-9a-f-]{36}$/);
    const read = async () =>
      (await ow.send(new DescribeInstancesCommand({ InstanceIds: [InstanceId as string] }))).Instances?.[0];
    expect(await read()).toMatchObject({
      Hostname: 'web-1',
      Status: 'registering',
      InfrastructureClass: 'on-premises',
      PrivateIp: '10.0.0.5',
      RegisteredBy: `arn:aws:iam::${sb.accountId}:user/runner-sandbox-operator`,
      LayerIds: [],
    });
    now += 600;
    expect((await read())?.Status).toBe('running_setup');
    now += 600;
    expect((await read())?.Status).toBe('registered');
  });

  it('refuses bad and duplicate hostnames with ValidationException', async () => {
    for (const Hostname of ['-bad', 'f.q.d.n', 'x'.repeat(64), 'web-1']) {
      expect(
        await awsFailure(ow.send(new RegisterInstanceCommand({ StackId: sb.stackId, Hostname }))),
      ).toMatchObject({
        name: 'ValidationException',
      });
    }
    expect(
      await awsFailure(ow.send(new RegisterInstanceCommand({ StackId: 'missing', Hostname: 'ok' }))),
    ).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('creates stacks and layers, assigns, unassigns and deregisters', async () => {
    const { StackId } = await ow.send(
      new CreateStackCommand({
        Name: 'second',
        Region: sb.region,
        ServiceRoleArn: 'arn:aws:iam::123456789012:role/svc',
        DefaultInstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/ip',
      }),
    );
    const stack = (await ow.send(new DescribeStacksCommand({ StackIds: [StackId as string] }))).Stacks?.[0];
    expect(stack?.VpcId).toBeUndefined();
    const { LayerId } = await ow.send(
      new CreateLayerCommand({ StackId, Type: 'custom', Name: 'App', Shortname: 'app' }),
    );
    const layers = (await ow.send(new DescribeLayersCommand({ StackId }))).Layers ?? [];
    expect(layers.map((l) => l.Shortname)).toEqual(['app']);
    const { InstanceId } = await ow.send(new RegisterInstanceCommand({ StackId, Hostname: 'db-1' }));
    const id = InstanceId as string;
    expect(
      await awsFailure(ow.send(new AssignInstanceCommand({ InstanceId: id, LayerIds: [LayerId as string] }))),
    ).toMatchObject({ name: 'ValidationException' });
    now += 2000;
    await ow.send(new AssignInstanceCommand({ InstanceId: id, LayerIds: [LayerId as string] }));
    const status = async () =>
      (await ow.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Instances?.[0]?.Status;
    expect(await status()).toBe('assigning');
    now += 2000;
    expect(await status()).toBe('online');
    const inLayer = await ow.send(new DescribeInstancesCommand({ LayerId }));
    expect(inLayer.Instances?.map((i) => i.InstanceId)).toEqual([id]);
    await ow.send(new UnassignInstanceCommand({ InstanceId: id }));
    expect(await status()).toBe('registered');
    await ow.send(new DeregisterInstanceCommand({ InstanceId: id }));
    expect(await awsFailure(ow.send(new DescribeInstancesCommand({ InstanceIds: [id] })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('drives an instance to a status through the API', async () => {
    const { InstanceId } = await ow.send(
      new RegisterInstanceCommand({ StackId: sb.stackId, Hostname: 'lost-1' }),
    );
    sb.setInstanceStatus(InstanceId as string, 'connection_lost');
    const i = (await ow.send(new DescribeInstancesCommand({ InstanceIds: [InstanceId as string] })))
      .Instances?.[0];
    expect(i?.Status).toBe('connection_lost');
  });
});
