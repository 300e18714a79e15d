import { describe, expect, it } from 'vitest';
import { registrationNames } from '../../../core/plugin/registration.js';
import { regionMismatchReason } from '../../../plugins/infra-ec2/index.js';
import {
  hostnameTakenReason,
  type RegisterArgs,
  validateRegisterArgs,
} from '../../../plugins/opsworks/validate.js';

const base: RegisterArgs = {
  target: 'web01',
  local: false,
  infrastructureClass: 'on-premises',
  useInstanceProfile: false,
  platform: 'linux',
};
const v = (over: Partial<RegisterArgs>) => validateRegisterArgs({ ...base, ...over });

describe('validation, in the AWS CLI order', () => {
  it('accepts a plain on-premises target', () => {
    expect(v({})).toBeUndefined();
  });
  it('1. neither target nor local; both', () => {
    expect(v({ target: undefined })).toBe('One of target or --local is required.');
    expect(v({ local: true })).toBe('Argument --local is mutually exclusive with target.');
  });
  it('2. local on a non-Linux machine', () => {
    expect(v({ target: undefined, local: true, platform: 'darwin' })).toBe(
      'Non-Linux instances are not supported by AWS OpsWorks.',
    );
    expect(v({ target: undefined, local: true })).toBeUndefined();
  });
  it('3. a whole ssh command with a username or key', () => {
    const msg = 'Argument --override-ssh cannot be used together with --ssh-username or --ssh-private-key.';
    expect(v({ overrideSsh: 'ssh -J b h', sshUsername: 'u' })).toBe(msg);
    expect(v({ overrideSsh: 'ssh -J b h', sshPrivateKey: '/k' })).toBe(msg);
    expect(v({ overrideSsh: 'ssh -J b h' })).toBeUndefined();
  });
  it('4. ec2 with an IP override', () => {
    expect(v({ infrastructureClass: 'ec2', privateIp: '10.0.0.1' })).toBe(
      '--override-private-ip is not supported for EC2.',
    );
    expect(v({ infrastructureClass: 'ec2', publicIp: '1.2.3.4' })).toBe(
      '--override-public-ip is not supported for EC2.',
    );
    expect(v({ privateIp: '10.0.0.1', publicIp: '1.2.3.4' })).toBeUndefined();
  });
  it('5. on-premises with the instance profile', () => {
    expect(v({ useInstanceProfile: true })).toBe('--use-instance-profile is only supported for EC2.');
    expect(v({ infrastructureClass: 'ec2', useInstanceProfile: true })).toBeUndefined();
  });
  it('6. hostname override pattern', () => {
    for (const ok of ['web01', 'WEB-01', 'a', 'x'.repeat(63), '0-0'])
      expect(v({ hostname: ok })).toBeUndefined();
    for (const bad of ['f.q.d.n', '-web', 'web-', 'x'.repeat(64), 'web_01', '']) {
      expect(v({ hostname: bad })).toBe(
        `Invalid hostname: '${bad}'. Hostnames must consist of letters, digits and dashes only and must not start or end with a dash.`,
      );
    }
  });
  it('reports the first failing rule when several fail', () => {
    expect(v({ local: true, platform: 'win32', useInstanceProfile: true, hostname: 'a.b' })).toBe(
      'Argument --local is mutually exclusive with target.',
    );
    expect(v({ infrastructureClass: 'ec2', privateIp: '1.1.1.1', hostname: 'a.b' })).toBe(
      '--override-private-ip is not supported for EC2.',
    );
    expect(v({ useInstanceProfile: true, hostname: 'a.b' })).toBe(
      '--use-instance-profile is only supported for EC2.',
    );
  });
});

describe('flow rules', () => {
  it('hostname must be unique in the stack, compared lower-cased', () => {
    const existing = [{ Hostname: 'Web01' }, { Hostname: 'db1' }];
    expect(hostnameTakenReason('web01', existing)).toBe(
      "Invalid hostname: 'web01'. Hostnames must be unique within a stack.",
    );
    expect(hostnameTakenReason('web02', existing)).toBeUndefined();
  });
  it('local ec2: the instance region must be the stack region', () => {
    expect(regionMismatchReason('us-east-1', 'us-east-1')).toBeUndefined();
    expect(regionMismatchReason('eu-west-1', 'us-east-1')).toBe(
      "The stack's and the instance's region must match.",
    );
  });
  it('names: override > local hostname > target; hostname sent only when overridden', () => {
    expect(registrationNames({ hostname: 'h1', local: false, target: 't', localHostname: 'me' })).toEqual({
      identityName: 'h1',
      hostnameForAgent: 'h1',
    });
    expect(registrationNames({ local: true, localHostname: 'me' })).toEqual({ identityName: 'me' });
    expect(registrationNames({ local: false, target: '10.0.0.5', localHostname: 'me' })).toEqual({
      identityName: '10.0.0.5',
    });
  });
});
