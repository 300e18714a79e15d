import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddTagsToResourceCommand,
  CreateActivationCommand,
  DeleteActivationCommand,
  DeregisterManagedInstanceCommand,
  DescribeActivationsCommand,
  DescribeInstanceInformationCommand,
  type InstanceInformation,
  ListTagsForResourceCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxHost, startSandbox } from '../../../sandbox/index.js';
import { registerManagedInstance } from '../aws/ssm/register.js';
import { run } from '../ssh-client.js';
import { clientConfig, eventually } from '../support.js';

/**
 * The fake amazon-ssm-agent on sandbox hosts over SSH: fetched from the
 * sandbox's `amazon-ssm-<region>` bucket with curl, installed, registered with
 * an activation as `amazon-ssm-agent -register -code … -id … -region … -y`,
 * then seen through DescribeInstanceInformation, tagged, and deregistered.
 */
/** A port that was free a moment ago: listened on, then closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const REGISTRATION = 'var/lib/amazon/ssm/registration';
const VAULT = 'var/lib/amazon/ssm/Vault/Store/RegistrationKey';

describe('the fake amazon-ssm-agent, end to end on sandbox hosts over SSH', () => {
  let sb: Sandbox;
  let ssm: SSMClient;
  let hosts: SandboxHost[];
  const codes: string[] = [];

  let dir: string;

  beforeAll(async () => {
    // A directory of its own, so the state file is written and can be searched for codes.
    dir = mkdtempSync(join(tmpdir(), 'runner-ssm-agent-'));
    sb = await startSandbox({ hosts: 3, dir });
    ssm = new SSMClient(clientConfig(sb));
    hosts = sb.hosts;
  });
  afterAll(async () => {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function activation(limit: number, tags: Array<{ Key: string; Value: string }> = []) {
    const a = await ssm.send(
      new CreateActivationCommand({
        IamRole: 'SSMServiceRole',
        RegistrationLimit: limit,
        DefaultInstanceName: 'sandbox-node',
        Tags: tags,
      }),
    );
    codes.push(a.ActivationCode as string);
    return { id: a.ActivationId as string, code: a.ActivationCode as string };
  }

  const registerCommand = (a: { id: string; code: string }, extra = '-y') =>
    `sudo -n amazon-ssm-agent -register -code '${a.code}' -id '${a.id}' -region '${sb.region}' ${extra}`.trim();

  const registeredId = (host: SandboxHost): string | undefined => {
    try {
      return JSON.parse(readFileSync(join(host.root, REGISTRATION), 'utf8')).ManagedInstanceID;
    } catch {
      return undefined;
    }
  };

  async function nodes(): Promise<InstanceInformation[]> {
    return (await ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList ?? [];
  }

  it('installs from the regional bucket with curl, as on a real host', async () => {
    const url = `${sb.endpoint}/amazon-ssm-${sb.region}/latest/linux_amd64/amazon-ssm-agent.tar.gz`;
    for (const host of hosts) {
      const r = await run(
        host,
        [
          'set -e',
          'cd "$TMPDIR"',
          `curl -fsSL '${url}' -o amazon-ssm-agent.tar.gz`,
          'tar xzf amazon-ssm-agent.tar.gz',
          'sudo -n ./amazon-ssm-agent/install',
          'amazon-ssm-agent -version',
        ].join('\n'),
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('SSM Agent version: 3.3.1142.0');
    }
  });

  it('registers each host: key pair in its vault, registration file, node Online with its name and address', async () => {
    const a = await activation(2, [{ Key: 'runner:run', Value: 'e2e' }]);
    const ids: string[] = [];
    for (const host of hosts.slice(0, 2)) {
      const r = await run(host, registerCommand(a));
      expect(r.code).toBe(0);
      const m =
        /Successfully registered the instance with AWS SSM using Managed instance-id: (mi-[0-9a-f]{17})/.exec(
          r.stdout,
        );
      expect(m).not.toBeNull();
      ids.push(m?.[1] as string);
      expect(registeredId(host)).toBe(m?.[1]);
      const vault = JSON.parse(readFileSync(join(host.root, VAULT), 'utf8'));
      expect(vault).toMatchObject({ instanceID: m?.[1], region: sb.region, privateKeyType: 'Rsa' });
      expect(statSync(join(host.root, VAULT)).mode & 0o777).toBe(0o600);
      expect(r.stdout + r.stderr).not.toContain(a.code);
    }
    const listed = await nodes();
    expect(listed.map((n) => n.InstanceId)).toEqual(ids);
    for (const [i, n] of listed.entries()) {
      expect(n).toMatchObject({
        PingStatus: 'Online',
        ActivationId: a.id,
        ComputerName: hosts[i].name,
        IPAddress: hosts[i].address,
        Name: 'sandbox-node',
        ResourceType: 'ManagedInstance',
      });
    }
    const { ActivationList } = await ssm.send(
      new DescribeActivationsCommand({ Filters: [{ FilterKey: 'ActivationIds', FilterValues: [a.id] }] }),
    );
    expect(ActivationList?.[0].RegistrationsCount).toBe(2);
  });

  it('enforces the registration limit on the third host; the agent exits 1 and never prints the code', async () => {
    const [a] = (await ssm.send(new DescribeActivationsCommand({}))).ActivationList ?? [];
    const code = codes[0];
    const r = await run(hosts[2], registerCommand({ id: a.ActivationId as string, code }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'Registration failed due to error registering the instance with AWS SSM. InvalidActivation',
    );
    expect(r.stderr).toContain('Registration limit of 2 reached');
    expect(r.stdout + r.stderr).not.toContain(code);
    expect(registeredId(hosts[2])).toBeUndefined();
  });

  it('tags a node; reports ConnectionLost while its host is down, Online again when it is back', async () => {
    const [first] = await nodes();
    const target = { ResourceType: 'ManagedInstance' as const, ResourceId: first.InstanceId as string };
    await ssm.send(new AddTagsToResourceCommand({ ...target, Tags: [{ Key: 'role', Value: 'web' }] }));
    expect((await ssm.send(new ListTagsForResourceCommand(target))).TagList).toEqual([
      { Key: 'runner:run', Value: 'e2e' },
      { Key: 'role', Value: 'web' },
    ]);
    sb.setFaults({ hostsDown: [hosts[0].name] });
    await eventually(async () => (sb.state().hosts[0].up ? undefined : true));
    expect((await nodes()).map((n) => n.PingStatus)).toEqual(['ConnectionLost', 'Online']);
    sb.setFaults({ hostsDown: [] });
    await eventually(async () => (sb.state().hosts[0].up ? true : undefined));
    expect((await nodes()).map((n) => n.PingStatus)).toEqual(['Online', 'Online']);
  });

  it('asks before replacing a registration: no answer (stdin closed) fails, "yes" registers anew and the old node loses its agent', async () => {
    const a = await activation(5);
    const before = registeredId(hosts[1]) as string;
    const unanswered = await run(hosts[1], registerCommand(a, ''));
    expect(unanswered.code).toBe(1);
    expect(unanswered.stdout).toContain('Instance already registered. Would you like to override existing');
    expect(unanswered.stderr).toContain('Registration failed due to EOF');
    expect(registeredId(hosts[1])).toBe(before);
    const answered = await run(hosts[1], registerCommand(a, ''), 'yes\n');
    expect(answered.code).toBe(0);
    const after = registeredId(hosts[1]) as string;
    expect(after).toMatch(/^mi-/);
    expect(after).not.toBe(before);
    const status = Object.fromEntries((await nodes()).map((n) => [n.InstanceId, n.PingStatus]));
    expect(status[before]).toBe('ConnectionLost');
    expect(status[after]).toBe('Online');
  });

  it('follows the fault knobs on a real registration: expired activation, one host refused, throttled once', async () => {
    const a = await activation(5);
    sb.setFaults({ ssmExpireActivations: [a.id] });
    const expired = await run(hosts[2], registerCommand(a));
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain(`InvalidActivation: Activation ${a.id} has expired`);
    sb.setFaults({ ssmExpireActivations: [], ssmRefuseRegistration: [hosts[2].name] });
    const refused = await run(hosts[2], registerCommand(a));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Registration of ${hosts[2].name} refused`);
    // Throttled once (the 2nd matching call; the 1st is this test's own): the agent retries and registers.
    sb.setFaults({
      ssmRefuseRegistration: [],
      throttle: { ssm: { everyNth: 2, operations: ['RegisterManagedInstance'] } },
    });
    expect((await registerManagedInstance(sb, { ActivationId: a.id, ActivationCode: a.code })).status).toBe(
      200,
    );
    const ok = await run(hosts[2], registerCommand(a));
    sb.setFaults({ throttle: {} });
    expect(ok.stdout).toContain('RegisterManagedInstance: ThrottlingException; retrying (1/3)');
    expect(ok.code).toBe(0);
    expect(registeredId(hosts[2])).toMatch(/^mi-/);
  });

  it('retries a refused connection as the SDK does (4 attempts), then fails without the code', async () => {
    const a = await activation(1);
    const config = join(hosts[0].root, 'etc/amazon/ssm/amazon-ssm-agent.json');
    const saved = readFileSync(config, 'utf8');
    // A loopback port nothing listens on any more: every attempt is refused before it leaves.
    const port = await closedPort();
    writeFileSync(config, JSON.stringify({ Ssm: { Endpoint: `http://127.0.0.1:${port}` } }));
    try {
      const r = await run(hosts[0], registerCommand(a));
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('retrying (3/3)');
      expect(r.stderr).toContain('RequestError: send request failed: ECONNREFUSED');
      expect(r.stdout + r.stderr).not.toContain(a.code);
    } finally {
      writeFileSync(config, saved);
    }
    await ssm.send(new DeleteActivationCommand({ ActivationId: a.id }));
  });

  it('-clear removes the registration from the host; the node is then ConnectionLost until deregistered', async () => {
    const id = registeredId(hosts[2]) as string;
    const r = await run(hosts[2], 'sudo -n amazon-ssm-agent -register -clear');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Registration information has been removed from the instance.');
    expect(registeredId(hosts[2])).toBeUndefined();
    const node = (await nodes()).find((n) => n.InstanceId === id);
    expect(node?.PingStatus).toBe('ConnectionLost');
    await ssm.send(new DeregisterManagedInstanceCommand({ InstanceId: id }));
    expect((await nodes()).map((n) => n.InstanceId)).not.toContain(id);
  });

  it('leaves no activation code in what the hosts ran, except the agent registration command lines', () => {
    expect(codes.length).toBeGreaterThan(0);
    for (const c of sb.commands()) {
      const isRegistration = /amazon-ssm-agent -register -code /.test(c.command);
      for (const code of codes) {
        if (c.command.includes(code)) expect(isRegistration).toBe(true);
      }
    }
    const state = readFileSync(join(dir, 'state.json'), 'utf8');
    for (const code of codes) {
      expect(JSON.stringify(sb.state())).not.toContain(code);
      expect(state).not.toContain(code);
      for (const host of hosts) {
        const log = readFileSync(join(host.root, 'var/log/amazon/ssm/amazon-ssm-agent.log'), 'utf8');
        expect(log).not.toContain(code);
      }
    }
  });
});
