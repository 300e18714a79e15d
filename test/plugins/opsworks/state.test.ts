import { describe, expect, it } from 'vitest';
import { matchExisting, parseAgentState } from '../../../plugins/opsworks/agent-state.js';
import {
  bootRegistrationCommand,
  downloadCommand,
  isOurTempDir,
  parseInstanceId,
} from '../../../plugins/opsworks/install-script.js';
import { readRegisterOptions } from '../../../plugins/opsworks/options.js';
import { s3Location } from '../../../plugins/opsworks/play-context.js';
import { registrationWaiter } from '../../../plugins/opsworks/waiter.js';

describe('agent state', () => {
  it('parses the agent config lines it reads', () => {
    expect(parseAgentState('@@absent\n')).toEqual({ present: false });
    expect(parseAgentState('@@present\n:instance_id: "i-1"\n:stack_id: "s-1"\n')).toEqual({
      present: true,
      instanceId: 'i-1',
      stackId: 's-1',
    });
  });
  const base = {
    stackId: 's',
    agent: { present: false },
    addresses: ['10.0.0.5'],
    hostnameOverridden: false,
  };
  it('matches by agent config, EC2 ID, or hostname with address', () => {
    const instances = [
      { InstanceId: 'a', Hostname: 'web1', Status: 'registered', PrivateIp: '10.0.0.5' },
      { InstanceId: 'b', Hostname: 'web2', Status: 'setup_failed', Ec2InstanceId: 'i-2' },
    ];
    expect(
      matchExisting({ ...base, agent: { present: true, stackId: 's', instanceId: 'a' } }, instances),
    ).toMatchObject({
      kind: 'registered',
    });
    expect(matchExisting({ ...base, ec2InstanceId: 'i-2' }, instances)).toMatchObject({ kind: 'failed' });
    expect(matchExisting({ ...base, hostname: 'WEB1' }, instances)).toMatchObject({ kind: 'registered' });
    expect(matchExisting({ ...base, hostname: 'web9' }, instances)).toEqual({ kind: 'none' });
    expect(matchExisting({ ...base, hostname: 'web2', hostnameOverridden: true }, instances)).toEqual({
      kind: 'conflict',
      reason: "Invalid hostname: 'web2'. Hostnames must be unique within a stack.",
    });
  });
});

describe('install commands carry no secret and quote what they carry', () => {
  it('download and boot commands', () => {
    expect(downloadCommand('/tmp/opsworks-register.abcdEFGH', "https://x/y?a=1&b='2'")).toContain(
      `'https://x/y?a=1&b='\\''2'\\'''`,
    );
    const boot = bootRegistrationCommand('/tmp/opsworks-register.abcdEFGH', 'bucket$(x)');
    expect(boot).toContain("OPSWORKS_ASSETS_DOWNLOAD_BUCKET='bucket$(x)'");
    expect(boot).toContain("trap 'rm -rf -- ");
    expect(isOurTempDir('/tmp/opsworks-register.abcdEFGH')).toBe(true);
    expect(isOurTempDir('/')).toBe(false);
    expect(isOurTempDir('/tmp/x; rm -rf ~/opsworks-register.abcdEFGH')).toBe(false);
    expect(parseInstanceId('...\nInstance successfully registered. Instance ID: 4d6d1710-ded9\n')).toBe(
      '4d6d1710-ded9',
    );
  });
  it('S3 locations of the installer URL', () => {
    expect(
      s3Location('https://opsworks-instance-agent.s3.amazonaws.com/ID/opsworks-agent-installer.tgz'),
    ).toEqual({
      bucket: 'opsworks-instance-agent',
      key: 'ID/opsworks-agent-installer.tgz',
    });
    expect(s3Location('https://s3.eu-west-1.amazonaws.com/b/k.tgz')).toEqual({
      bucket: 'b',
      key: 'k.tgz',
      region: 'eu-west-1',
    });
    expect(s3Location('http://127.0.0.1:4000/b/k.tgz')).toEqual({ bucket: 'b', key: 'k.tgz' });
  });
});

describe('options from vars', () => {
  it('defaults, templating, and the first failing rule', () => {
    const ok = readRegisterOptions(
      { opsworks_stack_id: 's', opsworks_hostname: '{{ inventory_hostname }}-x' },
      'web1',
      'linux',
    );
    expect(ok).toMatchObject({
      ok: true,
      options: {
        infrastructureClass: 'on-premises',
        agentCredentials: 'iam-user',
        agentSource: 'url',
        wait: true,
        hostname: 'web1-x',
        target: 'web1',
      },
    });
    expect(readRegisterOptions({}, 'h')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/opsworks_stack_id is required/),
    });
    expect(
      readRegisterOptions({ opsworks_stack_id: 's', opsworks_infrastructure_class: 'gcp' }, 'h'),
    ).toMatchObject({
      ok: false,
      reason: 'opsworks_infrastructure_class must be one of on-premises, ec2 (got "gcp")',
    });
    expect(
      readRegisterOptions({ opsworks_stack_id: 's', opsworks_agent_credentials: 'instance-profile' }, 'h'),
    ).toEqual({
      ok: false,
      reason: '--use-instance-profile is only supported for EC2.',
      // The var that broke the rule, so the preflight line can name the file that set it.
      key: 'opsworks_agent_credentials',
    });
    expect(
      readRegisterOptions({ opsworks_stack_id: 's', ansible_connection: 'local' }, 'h', 'darwin'),
    ).toEqual({
      ok: false,
      reason: 'Non-Linux instances are not supported by AWS OpsWorks.',
    });
    expect(readRegisterOptions({ opsworks_stack_id: 's', opsworks_layer_ids: 'a, b' }, 'h')).toMatchObject({
      options: { layerIds: ['a', 'b'] },
    });
  });
});

describe('batched waiter', () => {
  it('one DescribeInstances per tick for every pending instance', async () => {
    const seen: string[][] = [];
    let tick = 0;
    const waiter = registrationWaiter({
      minIntervalMs: 1,
      maxIntervalMs: 2,
      describe: async (ids) => {
        seen.push([...ids].sort());
        tick++;
        return ids.map((id) => ({
          InstanceId: id,
          Status: id === 'bad' ? 'setup_failed' : tick >= 3 ? 'registered' : 'registering',
        }));
      },
    });
    const results = await Promise.all(['a', 'b', 'bad'].map((id) => waiter.wait(id, 60_000)));
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2]).toMatchObject({ reason: 'instance bad went to setup_failed' });
    expect(seen[0]).toEqual(['a', 'b', 'bad']);
    expect(waiter.polls).toBe(3);
  });
  it('times out, bounded', async () => {
    const waiter = registrationWaiter({
      minIntervalMs: 1,
      maxIntervalMs: 2,
      describe: async (ids) => ids.map((id) => ({ InstanceId: id, Status: 'registering' })),
    });
    expect(await waiter.wait('a', 20)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not registered in time/),
    });
  });
});
