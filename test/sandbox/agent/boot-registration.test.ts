import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  DescribeInstancesCommand,
  DescribeStackProvisioningParametersCommand,
  OpsWorksClient,
} from '@aws-sdk/client-opsworks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxHost, startSandbox } from '../../../sandbox/index.js';
import { run } from '../ssh-client.js';
import { clientConfig, eventually } from '../support.js';

/** The preconfig the AWS CLI writes: sorted `:key: <json>` lines. */
function preconfig(values: Record<string, unknown>): string {
  return `${Object.keys(values)
    .sort()
    .map((k) => `:${k}: ${JSON.stringify(values[k])}`)
    .join('\n')}\n`;
}

/**
 * What the register flow runs on a host: no secret in the command line; the
 * preconfig (with the secret key) arrives on stdin and is written 0600.
 */
function installScript(url: string, bucket: string, preconfigMode = '077'): string {
  return [
    'set -e',
    `umask ${preconfigMode}`,
    'd=$(mktemp -d)',
    'trap \'rm -rf "$d"\' EXIT',
    'cd "$d"',
    `curl -fsSL --retry 3 '${url}' -o installer.tgz`,
    'tar xzf installer.tgz',
    'cat > opsworks-agent-installer/preconfig',
    `sudo -n OPSWORKS_ASSETS_DOWNLOAD_BUCKET='${bucket}' "$d/opsworks-agent-installer/boot-registration"`,
  ].join('\n');
}

describe('the agent installer, end to end on sandbox hosts over SSH', () => {
  let sb: Sandbox;
  let params: { AgentInstallerUrl: string; Parameters: Record<string, string> };
  let ow: OpsWorksClient;
  const secrets: string[] = [];

  beforeAll(async () => {
    sb = await startSandbox({ hosts: 4, registrationDelayMs: 100 });
    ow = new OpsWorksClient(clientConfig(sb));
    const p = await ow.send(new DescribeStackProvisioningParametersCommand({ StackId: sb.stackId }));
    params = { AgentInstallerUrl: p.AgentInstallerUrl as string, Parameters: p.Parameters ?? {} };
  });
  afterAll(() => sb.stop());

  async function iamUserFor(host: SandboxHost) {
    const iam = new IAMClient(clientConfig(sb));
    const group = `OpsWorks-${sb.stackId}`;
    await iam
      .send(new CreateGroupCommand({ GroupName: group, Path: '/AWS/OpsWorks/' }))
      .catch(() => undefined);
    const user = `OpsWorks-runner-sandbox-${host.name}`;
    await iam.send(new CreateUserCommand({ UserName: user, Path: '/AWS/OpsWorks/' }));
    await iam.send(new AddUserToGroupCommand({ UserName: user, GroupName: group }));
    await iam.send(
      new AttachUserPolicyCommand({
        UserName: user,
        PolicyArn: 'arn:aws:iam::aws:policy/AWSOpsWorksInstanceRegistration',
      }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
    secrets.push(AccessKey?.SecretAccessKey as string);
    return {
      user,
      accessKeyId: AccessKey?.AccessKeyId as string,
      secret: AccessKey?.SecretAccessKey as string,
    };
  }

  const registered = (id: string) =>
    eventually(async () => {
      const i = (await ow.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Instances?.[0];
      return i?.Status === 'registered' ? i : undefined;
    });

  it('registers an on-premises host with an IAM user key from the preconfig', async () => {
    const host = sb.hosts.find((h) => h.class === 'on-premises') as SandboxHost;
    const key = await iamUserFor(host);
    const result = await run(
      host,
      installScript(params.AgentInstallerUrl, params.Parameters.assets_download_bucket),
      preconfig({
        stack_id: sb.stackId,
        ...params.Parameters,
        access_key_id: key.accessKeyId,
        secret_access_key: key.secret,
        import: false,
      }),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const m = /^Instance successfully registered\. Instance ID: ([0-9a-f-]{36})$/m.exec(result.stdout);
    expect(m).not.toBeNull();
    const instance = await registered(m?.[1] as string);
    expect(instance).toMatchObject({
      Hostname: host.name,
      InfrastructureClass: 'on-premises',
      RegisteredBy: `arn:aws:iam::${sb.accountId}:user/AWS/OpsWorks/${key.user}`,
    });
    const agentYml = join(host.root, 'etc/aws/opsworks/instance-agent.yml');
    expect(statSync(agentYml).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(host.root, 'var/log/aws/opsworks/opsworks-agent.log'), 'utf8')).toContain(
      'preconfig mode 0600',
    );
    expect(readFileSync(agentYml, 'utf8')).toContain(`:instance_id: "${m?.[1]}"`);
    expect(existsSync(join(host.root, 'var/lib/aws/opsworks/rsa_key.pem'))).toBe(true);
    expect(readdirSync(join(host.root, 'tmp'))).toEqual([]);
  });

  it('registers an EC2-class host with its instance role from IMDSv2 and its identity document', async () => {
    const host = sb.hosts.find((h) => h.class === 'ec2') as SandboxHost;
    const result = await run(
      host,
      installScript(params.AgentInstallerUrl, params.Parameters.assets_download_bucket),
      preconfig({ stack_id: sb.stackId, ...params.Parameters, import: true }),
    );
    expect(result.code).toBe(0);
    const id = /Instance ID: (\S+)/.exec(result.stdout)?.[1] as string;
    const instance = await registered(id);
    expect(instance).toMatchObject({
      Hostname: host.name,
      InfrastructureClass: 'ec2',
      Ec2InstanceId: host.instanceId,
      RegisteredBy: `arn:aws:sts::${sb.accountId}:assumed-role/aws-opsworks-ec2-role/${host.instanceId}`,
    });
  });

  it('retries its metadata requests when the service drops them, and registers (metadataDrops)', async () => {
    const host = sb.hosts.filter((h) => h.class === 'ec2')[1] as SandboxHost;
    sb.setFaults({ metadataDrops: 2 });
    try {
      const result = await run(
        host,
        installScript(params.AgentInstallerUrl, params.Parameters.assets_download_bucket),
        preconfig({ stack_id: sb.stackId, ...params.Parameters, import: true }),
      );
      expect(result.stderr).toMatch(/retrying \(1\/3\)/);
      expect(result.code, result.stderr).toBe(0);
      const id = /Instance ID: (\S+)/.exec(result.stdout)?.[1] as string;
      expect(await registered(id)).toMatchObject({ Hostname: host.name, Ec2InstanceId: host.instanceId });
      expect(sb.faults.metadataDrops).toBe(0);
    } finally {
      sb.setFaults({ metadataDrops: 0 });
    }
  });

  it('gives up after four attempts with one line naming the metadata service', async () => {
    const host = sb.hosts.filter((h) => h.class === 'ec2')[1] as SandboxHost;
    sb.setFaults({ metadataDrops: 100 });
    try {
      const result = await run(
        host,
        installScript(params.AgentInstallerUrl, params.Parameters.assets_download_bucket),
        preconfig({ stack_id: sb.stackId, ...params.Parameters, import: true }),
      );
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(
        /^Registration failed: instance metadata service unreachable at http:\/\/\S+: fetch failed$/m,
      );
      expect(sb.faults.metadataDrops).toBe(96);
    } finally {
      sb.setFaults({ metadataDrops: 0 });
    }
  });

  it('reads a preconfig of any mode, as the real agent does (the AWS CLI writes it 0660), and logs the mode', async () => {
    const host = sb.hosts.filter((h) => h.class === 'on-premises')[1];
    const key = await iamUserFor(host);
    const result = await run(
      host,
      installScript(params.AgentInstallerUrl, params.Parameters.assets_download_bucket, '007'),
      preconfig({
        stack_id: sb.stackId,
        ...params.Parameters,
        access_key_id: key.accessKeyId,
        secret_access_key: key.secret,
      }),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Instance successfully registered\. Instance ID: /m);
    const log = readFileSync(join(host.root, 'var/log/aws/opsworks/opsworks-agent.log'), 'utf8');
    expect(log).toContain('preconfig mode 0660');
    expect(result.stdout + result.stderr + log).not.toContain(key.secret);
  });

  it('fails clearly when the endpoint refuses the registration (failRegistration)', async () => {
    const host = sb.hosts.filter((h) => h.class === 'on-premises')[1];
    const key = { accessKeyId: '', secret: '' };
    Object.assign(key, await iamUserFor({ ...host, name: `${host.name}-again` }));
    sb.setFaults({ failRegistration: [host.name] });
    try {
      const result = await run(
        host,
        installScript(params.AgentInstallerUrl, params.Parameters.assets_download_bucket),
        preconfig({
          stack_id: sb.stackId,
          ...params.Parameters,
          access_key_id: key.accessKeyId,
          secret_access_key: key.secret,
        }),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Registration failed: RegisterInstance: ValidationException');
      expect(result.stdout + result.stderr).not.toContain(key.secret);
    } finally {
      sb.setFaults({ failRegistration: [] });
    }
  });

  it('never put a secret key in any command line a host ran', () => {
    const lines = sb.commands().map((c) => c.command);
    expect(lines.length).toBeGreaterThan(4);
    expect(lines.some((l) => l.includes('boot-registration'))).toBe(true);
    for (const secret of secrets) {
      expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    }
  });
});
