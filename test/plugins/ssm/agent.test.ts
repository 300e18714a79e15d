import { describe, expect, it } from 'vitest';
import { foldJournal } from '../../../plugins/ssm/activation.js';
import {
  archFor,
  decide,
  packageFor,
  packageUrl,
  parseAgentState,
  parseManagedInstanceId,
  registerScript,
} from '../../../plugins/ssm/agent.js';
import { parseTags, readSsmOptions } from '../../../plugins/ssm/options.js';

/** The SSM agent's facts and decisions as pure functions, on recorded output. */
describe('the agent state fact', () => {
  it('reads an installed, registered agent under systemd', () => {
    const s = parseAgentState(
      '@@agent\n@@registration\n{"ManagedInstanceID":"mi-0123456789abcdef0","Region":"eu-west-1"}\n@@init systemd\n',
    );
    expect(s).toEqual({
      installed: true,
      registration: { instanceId: 'mi-0123456789abcdef0', region: 'eu-west-1' },
      init: 'systemd',
    });
  });
  it('reads a bare host, and takes an unreadable registration file as none', () => {
    expect(parseAgentState('@@init other\n')).toEqual({ installed: false, init: 'other' });
    expect(parseAgentState('@@agent\n@@registration\n{not json\n@@init upstart\n')).toEqual({
      installed: true,
      init: 'upstart',
    });
  });
});

describe('what to do with a host', () => {
  const registered = parseAgentState(
    '@@agent\n@@registration\n{"ManagedInstanceID":"mi-1","Region":"eu-west-1"}\n',
  );
  it('registered here and listed: leave it', () => {
    expect(decide(registered, 'eu-west-1', () => true, false)).toEqual({
      kind: 'registered',
      instanceId: 'mi-1',
    });
  });
  it('same region, but not a node of this account: refused unless reregister', () => {
    expect(decide(registered, 'eu-west-1', () => false, false)).toMatchObject({
      kind: 'elsewhere',
      reason:
        'the agent is registered as mi-1 (not a node of this account in eu-west-1); set ssm_reregister: true to register it here',
    });
    expect(decide(registered, 'eu-west-1', () => false, true)).toEqual({ kind: 'register' });
  });
  it('not registered: register', () => {
    expect(decide(parseAgentState(''), 'eu-west-1', () => true, false)).toEqual({ kind: 'register' });
  });
});

describe('the package for a host', () => {
  it('follows the package manager unless the option names one', () => {
    expect(packageFor('auto', 'apt')).toBe('deb');
    expect(packageFor('auto', 'dnf')).toBe('rpm');
    expect(packageFor('auto', 'zypper')).toBe('rpm');
    expect(packageFor('auto', 'pacman')).toBeUndefined();
    expect(packageFor('snap', 'apt')).toBe('snap');
  });
  it("uses AWS's regional paths and architecture names", () => {
    const base = 'https://s3.eu-west-1.amazonaws.com/amazon-ssm-eu-west-1/latest';
    expect(packageUrl(base, 'deb', archFor('x86_64')!)).toBe(`${base}/debian_amd64/amazon-ssm-agent.deb`);
    expect(packageUrl(base, 'rpm', archFor('aarch64')!)).toBe(`${base}/linux_arm64/amazon-ssm-agent.rpm`);
    expect(archFor('i686')).toBeUndefined();
  });
  it('reads the node ID from the agent and quotes what the script passes it', () => {
    expect(
      parseManagedInstanceId(
        'Successfully registered the instance with AWS SSM using Managed instance-id: mi-0123456789abcdef0\n',
      ),
    ).toBe('mi-0123456789abcdef0');
    expect(registerScript({ id: 'a', code: "c'd", region: 'r' })).toContain(
      "-code 'c'\\''d' -id a -region r -y",
    );
  });
});

describe('options', () => {
  it('reads tags as a mapping or Key=Value pairs, and refuses reserved or malformed ones', () => {
    expect(parseTags({ Env: 'prod', Tier: 1 })).toEqual([
      { Key: 'Env', Value: 'prod' },
      { Key: 'Tier', Value: '1' },
    ]);
    expect(parseTags('Env=prod, Team=ops')).toEqual([
      { Key: 'Env', Value: 'prod' },
      { Key: 'Team', Value: 'ops' },
    ]);
    expect(() => parseTags('aws:x=1')).toThrow('ssm_tags: "aws:x": the aws: prefix is reserved');
    expect(() => parseTags('novalue')).toThrow('ssm_tags: "novalue" is not Key=Value');
  });
  it('needs the service role, and says so in one line', () => {
    expect(readSsmOptions({}, 'h', {})).toEqual({
      ok: false,
      reason:
        'ssm_iam_role is required: the IAM service role the activation gives its nodes (--iam-role <role>)',
      // The var the reason is about, so the preflight line can name the file that set it.
      key: 'ssm_iam_role',
    });
    expect(readSsmOptions({ ssm_iam_role: 'R', ssm_reregister: 'maybe' }, 'h', {})).toEqual({
      ok: false,
      reason: 'ssm_reregister must be true or false (got "maybe")',
      key: 'ssm_reregister',
    });
  });
  it('shares the --region flag and the infrastructure class with OpsWorks', () => {
    const r = readSsmOptions(
      { ssm_iam_role: 'R', opsworks_region: 'ap-south-1', opsworks_infrastructure_class: 'ec2' },
      'h',
      {},
    );
    expect(r.ok && r.options.region).toBe('ap-south-1');
    expect(r.ok && r.options.request.infrastructureClass).toBe('ec2');
    expect(r.ok && r.options.agentUrlBase).toBe(
      'https://s3.ap-south-1.amazonaws.com/amazon-ssm-ap-south-1/latest',
    );
  });
});

describe("an earlier run's journal", () => {
  const header = { type: 'run', v: 1, run: 'r1', stack: 'ssm-x', pid: 1, machine: 'm', at: 't' } as const;
  it('leaves the activations it made and did not delete', () => {
    const left = foldJournal([
      header,
      { type: 'intent', host: '*', op: 'ssm.activation', at: 't' },
      { type: 'done', host: '*', op: 'ssm.activation', activationId: 'a1', at: 't' },
      { type: 'intent', host: '*', op: 'ssm.activation', at: 't' },
      { type: 'done', host: '*', op: 'ssm.activation', activationId: 'a2', at: 't' },
      { type: 'done', host: '*', op: 'ssm.activation-deleted', activationId: 'a1', at: 't' },
    ]);
    expect(left).toMatchObject({ ended: false, activations: ['a2'], unknown: 0 });
  });
  it('counts a CreateActivation with no outcome (found later by its run tag), and nothing once reconciled', () => {
    const records = [header, { type: 'intent', host: '*', op: 'ssm.activation', at: 't' } as const];
    expect(foldJournal(records)).toMatchObject({ activations: [], unknown: 1 });
    expect(
      foldJournal([...records, { type: 'host', host: '*', state: 'reconciled', by: 'r2', at: 't' }]),
    ).toMatchObject({ ended: true, unknown: 0 });
  });
});
