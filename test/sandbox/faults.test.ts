import { EC2Client, DescribeInstancesCommand as Ec2DescribeInstances } from '@aws-sdk/client-ec2';
import { AttachUserPolicyCommand, CreateUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import {
  DescribeInstancesCommand,
  DescribeStacksCommand,
  OpsWorksClient,
  RegisterInstanceCommand,
} from '@aws-sdk/client-opsworks';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultController } from '../../sandbox/faults.js';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { awsFailure, clientConfig } from './support.js';

describe('fault knobs', () => {
  let sb: Sandbox;
  let now = Date.parse('2025-05-01T00:00:00Z');
  beforeAll(async () => {
    sb = await startSandbox({ hosts: 0, clock: () => now, registrationDelayMs: 100 });
  });
  afterAll(() => sb.stop());
  beforeEach(() => {
    sb.faults = {} as Sandbox['faults'];
  });

  it('throttles each service with its real throttling error (the SDK retries set to 1)', async () => {
    sb.setFaults({
      throttle: {
        opsworks: { everyNth: 1 },
        iam: { everyNth: 1 },
        s3: { everyNth: 1 },
        ec2: { everyNth: 1 },
        sts: { everyNth: 1 },
      },
    });
    const cfg = clientConfig(sb);
    expect(await awsFailure(new OpsWorksClient(cfg).send(new DescribeStacksCommand({})))).toMatchObject({
      name: 'ThrottlingException',
      status: 400,
    });
    expect(await awsFailure(new IAMClient(cfg).send(new ListUsersCommand({})))).toMatchObject({
      name: 'Throttling',
      status: 400,
    });
    expect(
      await awsFailure(new S3Client({ ...cfg, forcePathStyle: true }).send(new ListBucketsCommand({}))),
    ).toMatchObject({ name: 'SlowDown', status: 503 });
    expect(await awsFailure(new EC2Client(cfg).send(new Ec2DescribeInstances({})))).toMatchObject({
      name: 'RequestLimitExceeded',
      status: 503,
    });
    expect(await awsFailure(new STSClient(cfg).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'Throttling',
    });
  });

  it('throttles every Nth call of the named operations only, and the SDK’s own retries get through', async () => {
    sb.setFaults({ throttle: { opsworks: { everyNth: 2, operations: ['DescribeStacks'] } } });
    const once = new OpsWorksClient(clientConfig(sb));
    const results: string[] = [];
    for (let i = 0; i < 5; i++) {
      results.push(
        await once.send(new DescribeStacksCommand({})).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
      );
    }
    expect(results).toEqual(['ok', 'ThrottlingException', 'ok', 'ThrottlingException', 'ok']);
    await once.send(new DescribeInstancesCommand({ StackId: sb.stackId }));
    const retrying = new OpsWorksClient({ ...clientConfig(sb), maxAttempts: 3 });
    // The 6th DescribeStacks is throttled, the SDK's retry (the 7th) is not.
    const out = await retrying.send(new DescribeStacksCommand({}));
    expect(out.$metadata.attempts).toBe(2);
  });

  it('makes a seeded throttling rate reproducible', () => {
    const pattern = () => {
      const f = new FaultController({ throttle: { iam: { rate: 0.5, seed: 42 } } });
      return Array.from({ length: 20 }, () => f.shouldThrottle('iam', 'ListUsers'));
    };
    const first = pattern();
    expect(pattern()).toEqual(first);
    expect(first.filter(Boolean).length).toBeGreaterThan(2);
    expect(first.filter(Boolean).length).toBeLessThan(18);
  });

  it('adds latency (the reply comes no sooner than the knob says)', async () => {
    sb.setFaults({ latencyMs: { sts: 300 } });
    const started = performance.now();
    await new STSClient(clientConfig(sb)).send(new GetCallerIdentityCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('denies AttachUserPolicy with AccessDenied', async () => {
    const iam = new IAMClient(clientConfig(sb));
    await iam.send(new CreateUserCommand({ UserName: 'denied' }));
    sb.setFaults({ denyAttachUserPolicy: true });
    const failure = await awsFailure(
      iam.send(
        new AttachUserPolicyCommand({
          UserName: 'denied',
          PolicyArn: 'arn:aws:iam::aws:policy/AWSOpsWorksInstanceRegistration',
        }),
      ),
    );
    expect(failure).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(failure.message).toContain('iam:AttachUserPolicy');
  });

  it('fails a named host’s registration, and drives another to setup_failed', async () => {
    sb.setFaults({ failRegistration: ['doomed'], setupFailed: ['flaky'] });
    const ow = new OpsWorksClient(clientConfig(sb));
    expect(
      await awsFailure(ow.send(new RegisterInstanceCommand({ StackId: sb.stackId, Hostname: 'doomed' }))),
    ).toMatchObject({ name: 'ValidationException' });
    const { InstanceId } = await ow.send(
      new RegisterInstanceCommand({ StackId: sb.stackId, Hostname: 'flaky' }),
    );
    now += 200;
    const i = (await ow.send(new DescribeInstancesCommand({ InstanceIds: [InstanceId as string] })))
      .Instances?.[0];
    expect(i?.Status).toBe('setup_failed');
  });

  it('changes knobs at run time through the admin route, and rejects unknown ones', async () => {
    const put = await fetch(`${sb.endpoint}/__sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ throttle: { sts: { everyNth: 1 } } }),
    });
    expect(put.status).toBe(200);
    expect(sb.faults.throttle.sts).toEqual({ everyNth: 1 });
    expect(
      await awsFailure(new STSClient(clientConfig(sb)).send(new GetCallerIdentityCommand({}))),
    ).toMatchObject({
      name: 'Throttling',
    });
    const bad = await fetch(`${sb.endpoint}/__sandbox/faults`, {
      method: 'PUT',
      body: JSON.stringify({ nonsense: 1 }),
    });
    expect(bad.status).toBe(400);
    const got = (await (await fetch(`${sb.endpoint}/__sandbox/faults`)).json()) as { throttle: object };
    expect(got.throttle).toEqual({ sts: { everyNth: 1 } });
  });

  it('fails the agent installer fetch the next N times, or always', async () => {
    const url = `${sb.endpoint}/opsworks-instance-agent/opsworks-agent-installer.tgz`;
    const statuses = async (n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await fetch(url)).status);
      return out;
    };
    sb.setFaults({ installerFetchFailures: 1 });
    expect(await statuses(3)).toEqual([500, 200, 200]);
    sb.setFaults({ installerFetchFailures: 'always' });
    expect(await statuses(3)).toEqual([500, 500, 500]);
    const body = await (await fetch(url)).text();
    expect(body).toContain('<Code>InternalError</Code>');
    sb.setFaults({ installerFetchFailures: 0 });
    expect(await statuses(1)).toEqual([200]);
  });

  it('takes fault knobs at start', async () => {
    const other = await startSandbox({ hosts: 0, faults: { throttle: { ec2: { everyNth: 1 } } } });
    try {
      expect(
        await awsFailure(new EC2Client(clientConfig(other)).send(new Ec2DescribeInstances({}))),
      ).toMatchObject({
        name: 'RequestLimitExceeded',
      });
    } finally {
      await other.stop();
    }
  });
});
