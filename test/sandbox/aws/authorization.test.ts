import { EC2Client, DescribeInstancesCommand as Ec2DescribeInstances } from '@aws-sdk/client-ec2';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListUsersCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeInstancesCommand,
  DescribeStackProvisioningParametersCommand,
  DescribeStacksCommand,
  OpsWorksClient,
  RegisterInstanceCommand,
} from '@aws-sdk/client-opsworks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/index.js';
import { awsFailure, clientConfig } from '../support.js';

const REGISTRATION = 'arn:aws:iam::aws:policy/AWSOpsWorksInstanceRegistration';

/** The `%Y-%m-%dT%H:%M:%SZ` the AWS CLI writes in the inline policy's condition. */
const cliTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('what an IAM user key may do (the agent’s credentials)', () => {
  let sb: Sandbox;
  let now = Date.parse('2025-03-01T12:00:00Z');
  let iam: IAMClient;
  let stackArn: string;
  beforeAll(async () => {
    sb = await startSandbox({ hosts: 0, clock: () => now });
    iam = new IAMClient(clientConfig(sb));
    const ow = new OpsWorksClient(clientConfig(sb));
    stackArn = (await ow.send(new DescribeStacksCommand({ StackIds: [sb.stackId] }))).Stacks?.[0]
      ?.Arn as string;
  });
  afterAll(() => sb.stop());

  async function userKey(name: string) {
    await iam.send(new CreateUserCommand({ UserName: name, Path: '/AWS/OpsWorks/' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return {
      accessKeyId: AccessKey?.AccessKeyId as string,
      secretAccessKey: AccessKey?.SecretAccessKey as string,
    };
  }

  it('with no policy: nothing but GetCallerIdentity', async () => {
    const ow = new OpsWorksClient(clientConfig(sb, await userKey('bare')));
    expect(
      await awsFailure(ow.send(new RegisterInstanceCommand({ StackId: sb.stackId, Hostname: 'h0' }))),
    ).toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('with AWSOpsWorksInstanceRegistration: register and describe the stack, nothing else', async () => {
    const creds = await userKey('managed');
    await iam.send(new AttachUserPolicyCommand({ UserName: 'managed', PolicyArn: REGISTRATION }));
    const ow = new OpsWorksClient(clientConfig(sb, creds));
    await ow.send(new DescribeStacksCommand({ StackIds: [sb.stackId] }));
    await ow.send(new DescribeStackProvisioningParametersCommand({ StackId: sb.stackId }));
    const { InstanceId } = await ow.send(
      new RegisterInstanceCommand({ StackId: sb.stackId, Hostname: 'managed-1' }),
    );
    const admin = new OpsWorksClient(clientConfig(sb));
    const instance = (await admin.send(new DescribeInstancesCommand({ InstanceIds: [InstanceId as string] })))
      .Instances?.[0];
    expect(instance?.RegisteredBy).toBe(`arn:aws:iam::${sb.accountId}:user/AWS/OpsWorks/managed`);
    expect(await awsFailure(ow.send(new DescribeInstancesCommand({ StackId: sb.stackId })))).toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(
      await awsFailure(new IAMClient(clientConfig(sb, creds)).send(new ListUsersCommand({}))),
    ).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    expect(
      await awsFailure(new EC2Client(clientConfig(sb, creds)).send(new Ec2DescribeInstances({}))),
    ).toMatchObject({
      name: 'UnauthorizedOperation',
    });
  });

  it('with the inline OpsWorks-Instance policy: RegisterInstance on that stack until the deadline passes', async () => {
    const creds = await userKey('inline');
    const deadline = now + 15 * 60 * 1000;
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'inline',
        PolicyName: 'OpsWorks-Instance',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Action: 'opsworks:RegisterInstance',
              Effect: 'Allow',
              Resource: stackArn,
              Condition: { DateLessThan: { 'aws:CurrentTime': cliTime(deadline) } },
            },
          ],
        }),
      }),
    );
    const ow = new OpsWorksClient(clientConfig(sb, creds));
    now += 14 * 60 * 1000;
    await ow.send(new RegisterInstanceCommand({ StackId: sb.stackId, Hostname: 'inline-1' }));
    now += 2 * 60 * 1000;
    const late = await awsFailure(
      ow.send(new RegisterInstanceCommand({ StackId: sb.stackId, Hostname: 'inline-2' })),
    );
    expect(late.name).toBe('AccessDeniedException');
    expect(late.message).toContain('opsworks:RegisterInstance');
  });

  it('the inline policy names one stack: another stack is refused', async () => {
    const creds = await userKey('onestack');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'onestack',
        PolicyName: 'OpsWorks-Instance',
        PolicyDocument: JSON.stringify({
          Statement: [{ Action: 'opsworks:RegisterInstance', Effect: 'Allow', Resource: `${stackArn}other` }],
        }),
      }),
    );
    const ow = new OpsWorksClient(clientConfig(sb, creds));
    expect(
      await awsFailure(ow.send(new RegisterInstanceCommand({ StackId: sb.stackId, Hostname: 'x1' }))),
    ).toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});
