import { describe, expect, it } from 'vitest';
import { Secret } from '../../../core/secret.js';
import { preconfigText, pyJson } from '../../../plugins/opsworks/preconfig.js';

const parameters = {
  assets_download_bucket: 'opsworks-instance-assets-us-east-1.s3.amazonaws.com',
  agent_installer_base_url: 'opsworks-instance-agent-us-east-1.s3.amazonaws.com',
  agent_installer_tgz: 'opsworks-agent-installer.tgz',
  charlie_public_key: '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----',
  instance_service_endpoint: 'opsworks-instance-service.us-east-1.amazonaws.com',
  instance_service_port: '443',
  ops_works_endpoint: 'opsworks.us-east-1.amazonaws.com',
  verbose: 'false',
  wait_between_runs: '30',
};

describe('preconfig (":key: <json>" lines, keys sorted)', () => {
  it('minimal: stack_id, parameters and import only (ec2 with the instance profile)', () => {
    expect(preconfigText({ stackId: 'stack-1', parameters: {}, infrastructureClass: 'ec2' })).toBe(
      [':import: true', ':stack_id: "stack-1"'].join('\n'),
    );
    expect(
      preconfigText({ stackId: 's', parameters: { verbose: 'false' }, infrastructureClass: 'on-premises' }),
    ).toBe([':import: false', ':stack_id: "s"', ':verbose: "false"'].join('\n'));
  });
  it('full: keys, hostname, both IPs, every parameter, in sorted order', () => {
    const text = preconfigText({
      stackId: 'stack-1',
      parameters,
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: new Secret('se/cr$et`key"x'),
      hostname: 'web01',
      privateIp: '10.0.0.1',
      publicIp: '203.0.113.1',
      infrastructureClass: 'on-premises',
    });
    expect(text.split('\n')).toEqual([
      ':access_key_id: "AKIAEXAMPLE"',
      ':agent_installer_base_url: "opsworks-instance-agent-us-east-1.s3.amazonaws.com"',
      ':agent_installer_tgz: "opsworks-agent-installer.tgz"',
      ':assets_download_bucket: "opsworks-instance-assets-us-east-1.s3.amazonaws.com"',
      ':charlie_public_key: "-----BEGIN PUBLIC KEY-----\\nMIIB\\n-----END PUBLIC KEY-----"',
      ':hostname: "web01"',
      ':import: false',
      ':instance_service_endpoint: "opsworks-instance-service.us-east-1.amazonaws.com"',
      ':instance_service_port: "443"',
      ':ops_works_endpoint: "opsworks.us-east-1.amazonaws.com"',
      ':private_ip: "10.0.0.1"',
      ':public_ip: "203.0.113.1"',
      ':secret_access_key: "se/cr$et`key\\"x"',
      ':stack_id: "stack-1"',
      ':verbose: "false"',
      ':wait_between_runs: "30"',
    ]);
  });
  it('a parameter named stack_id never overrides the stack', () => {
    expect(
      preconfigText({ stackId: 'real', parameters: { stack_id: 'fake' }, infrastructureClass: 'ec2' }),
    ).toContain(':stack_id: "real"');
  });
  it('JSON like Python json.dumps (ensure_ascii)', () => {
    expect(pyJson('héllo ✓')).toBe('"h\\u00e9llo \\u2713"');
    expect(pyJson(true)).toBe('true');
  });
});
