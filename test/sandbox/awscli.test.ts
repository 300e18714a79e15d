import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { AWS, awsCli, awsCliPresent } from './aws-cli.js';

/**
 * Interop with Debian's AWS CLI v2.9 (the last line that still has OpsWorks),
 * by its exact path: a newer `aws` earlier on PATH has dropped OpsWorks.
 * Credentials go in the environment, never on the command line.
 */
const present = awsCliPresent('the AWS CLI interop tests');

describe.skipIf(!present)('the sandbox through /usr/bin/aws (CLI v2.9)', () => {
  let sb: Sandbox;
  let home: string;
  beforeAll(async () => {
    sb = await startSandbox({ hosts: 4 });
    home = mkdtempSync(join(tmpdir(), 'runner-awscli-'));
  });
  afterAll(async () => {
    await sb.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const aws = (...args: string[]) => awsCli(sb, home, args);

  it('opsworks describe-stacks and describe-stack-provisioning-parameters', async () => {
    const stacks = await aws('opsworks', 'describe-stacks', '--stack-ids', sb.stackId);
    expect(stacks.stderr).toBe('');
    expect(JSON.parse(stacks.stdout).Stacks[0]).toMatchObject({ StackId: sb.stackId, VpcId: sb.vpcId });
    const params = await aws('opsworks', 'describe-stack-provisioning-parameters', '--stack-id', sb.stackId);
    const parsed = JSON.parse(params.stdout);
    expect(parsed.AgentInstallerUrl).toBe(
      `${sb.endpoint}/opsworks-instance-agent/opsworks-agent-installer.tgz`,
    );
    expect(parsed.Parameters.ops_works_endpoint).toBe('127.0.0.1');
  });

  it('opsworks register-instance, and describe-instances sees it', async () => {
    const out = await aws(
      'opsworks',
      'register-instance',
      '--stack-id',
      sb.stackId,
      '--hostname',
      'from-cli',
    );
    expect(out.code).toBe(0);
    const { InstanceId } = JSON.parse(out.stdout);
    const described = JSON.parse(
      (await aws('opsworks', 'describe-instances', '--instance-ids', InstanceId)).stdout,
    );
    expect(described.Instances[0]).toMatchObject({
      Hostname: 'from-cli',
      InfrastructureClass: 'on-premises',
    });
    const invalid = await aws('opsworks', 'describe-instances');
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('ValidationException');
  });

  it('iam create-user and create-access-key, and EntityAlreadyExists on a second create', async () => {
    const user = JSON.parse(
      (await aws('iam', 'create-user', '--user-name', 'cli-user', '--path', '/AWS/OpsWorks/')).stdout,
    );
    expect(user.User.Arn).toBe(`arn:aws:iam::${sb.accountId}:user/AWS/OpsWorks/cli-user`);
    const key = JSON.parse((await aws('iam', 'create-access-key', '--user-name', 'cli-user')).stdout);
    expect(key.AccessKey.AccessKeyId).toMatch(/^AKIA/);
    const again = await aws('iam', 'create-user', '--user-name', 'cli-user');
    expect(again.stderr).toContain('EntityAlreadyExists');
  });

  it('s3 cp up and down, including the agent installer', async () => {
    const local = join(home, 'upload.txt');
    writeFileSync(local, 'uploaded by the aws cli\n');
    expect((await aws('s3api', 'create-bucket', '--bucket', 'cli-bucket')).code).toBe(0);
    const up = await aws('s3', 'cp', local, 's3://cli-bucket/dir/upload.txt');
    expect(up.code).toBe(0);
    const down = join(home, 'download.txt');
    expect((await aws('s3', 'cp', 's3://cli-bucket/dir/upload.txt', down)).code).toBe(0);
    expect(readFileSync(down, 'utf8')).toBe('uploaded by the aws cli\n');
    const tgz = join(home, 'installer.tgz');
    expect(
      (await aws('s3', 'cp', 's3://opsworks-instance-agent/opsworks-agent-installer.tgz', tgz)).code,
    ).toBe(0);
    expect(readFileSync(tgz).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('ec2 describe-instances with a vpc-id filter', async () => {
    const out = await aws('ec2', 'describe-instances', '--filters', `Name=vpc-id,Values=${sb.vpcId}`);
    expect(out.code).toBe(0);
    const ids = JSON.parse(out.stdout)
      .Reservations.flatMap((r: { Instances: Array<{ InstanceId: string }> }) => r.Instances)
      .map((i: { InstanceId: string }) => i.InstanceId)
      .sort();
    expect(ids).toEqual(
      sb.hosts
        .filter((h) => h.class === 'ec2')
        .map((h) => h.instanceId)
        .sort(),
    );
  });

  it('aws opsworks register installs the agent on a sandbox SSH host and registers it end to end', async () => {
    const host = sb.hosts.find((h) => h.class === 'on-premises') as (typeof sb.hosts)[number];
    // The CLI's own ssh call, with this host's port, key and known_hosts (it has no option for a port).
    const ssh = [
      'ssh',
      `-p ${host.port}`,
      `-i ${host.privateKeyFile}`,
      `-o UserKnownHostsFile=${sb.knownHostsFile}`,
      '-o GlobalKnownHostsFile=/dev/null',
      '-o StrictHostKeyChecking=yes',
      '-o BatchMode=yes',
      `-l ${host.user}`,
      host.address,
    ].join(' ');
    // No --endpoint-url: AWS_ENDPOINT_URL and the sandbox's config file (its plugin) point every
    // client at the sandbox, IAM included, which `register` builds without the global option.
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        AWS,
        [
          'opsworks',
          'register',
          '--stack-id',
          sb.stackId,
          '--infrastructure-class',
          'on-premises',
          '--override-ssh',
          ssh,
          host.name,
        ],
        {
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: home,
            AWS_CONFIG_FILE: sb.awsCliConfigFile,
            AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
            AWS_ACCESS_KEY_ID: sb.credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: sb.credentials.secretAccessKey,
            AWS_ENDPOINT_URL: sb.endpoint,
            AWS_PAGER: '',
          },
          timeout: 300_000,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/Instance successfully registered\. Instance ID: [0-9a-f-]{36}/);
    const userName = `OpsWorks-runner-sandbox-${host.name}`;
    const state = sb.state();
    const user = state.iam.users.find((u) => u.UserName === userName);
    expect(user).toMatchObject({ Path: '/AWS/OpsWorks/', groups: [`OpsWorks-${sb.stackId}`] });
    const instance = state.instances.find((i) => i.Hostname === host.name);
    expect(instance).toMatchObject({
      StackId: sb.stackId,
      InfrastructureClass: 'on-premises',
      RegisteredBy: user?.Arn,
    });
    // Every IAM call reached the sandbox (none went to the real AWS), made by the operator key.
    const iam = sb.calls().filter((c) => c.service === 'iam');
    expect(iam.map((c) => c.operation)).toEqual(
      expect.arrayContaining([
        'CreateGroup',
        'CreateUser',
        'AddUserToGroup',
        'AttachUserPolicy',
        'CreateAccessKey',
      ]),
    );
    // The CLI writes the preconfig under umask 007 (0660), and the agent takes it as the real one does.
    expect(readFileSync(join(host.root, 'var/log/aws/opsworks/opsworks-agent.log'), 'utf8')).toContain(
      'preconfig mode 0660',
    );
  });

  it('a wrong secret is refused by signature', async () => {
    const { secretAccessKey } = sb.credentials;
    sb.credentials.secretAccessKey = 'wrong-secret-wrong-secret-wrong-secret-00';
    try {
      const out = await aws('iam', 'list-users');
      expect(out.code).not.toBe(0);
      expect(out.stderr).toContain('SignatureDoesNotMatch');
    } finally {
      sb.credentials.secretAccessKey = secretAccessKey;
    }
  });
});
