import { describe, expect, it } from 'vitest';
import { connectionVars } from '../../../core/inventory/index.js';
import { isSecret } from '../../../core/secret.js';

describe('connectionVars', () => {
  it('reads the current names', () => {
    const c = connectionVars({
      ansible_host: '10.0.0.1',
      ansible_port: 2222,
      ansible_user: 'deploy',
      ansible_password: 'hunter22',
      ansible_ssh_private_key_file: '~/.ssh/id',
      ansible_ssh_common_args: '-o ProxyJump=bastion',
      ansible_become: 'yes',
      ansible_become_user: 'admin',
      ansible_become_password: 'sudo-pass',
      ansible_become_flags: '-H',
    });
    expect(c).toMatchObject({
      address: '10.0.0.1',
      port: 2222,
      user: 'deploy',
      privateKeyFile: '~/.ssh/id',
      commonArgs: '-o ProxyJump=bastion',
      connection: 'ssh',
      become: true,
      becomeMethod: 'sudo',
      becomeUser: 'admin',
      becomeFlags: '-H',
    });
    expect(isSecret(c.password) && c.password.reveal()).toBe('hunter22');
    expect(String(c.becomePassword)).toBe('********');
  });

  it('honours the legacy aliases, and the current name wins when both are set', () => {
    expect(
      connectionVars({
        ansible_ssh_host: 'old',
        ansible_ssh_port: '2200',
        ansible_ssh_user: 'olduser',
        ansible_ssh_pass: 'oldpass',
        ansible_private_key_file: 'old.pem',
      }),
    ).toMatchObject({ address: 'old', port: 2200, user: 'olduser', privateKeyFile: 'old.pem' });
    expect(
      connectionVars({
        ansible_ssh_host: 'old',
        ansible_host: 'new',
        ansible_ssh_port: 1,
        ansible_port: 2,
        ansible_private_key_file: 'old.pem',
        ansible_ssh_private_key_file: 'new.pem',
      }),
    ).toMatchObject({ address: 'new', port: 2, privateKeyFile: 'new.pem' });
  });

  it('falls back to the inventory name and has a fixed shape', () => {
    const c = connectionVars({ inventory_hostname: 'web1' });
    expect(Object.keys(c).sort()).toEqual(
      [
        'address',
        'become',
        'becomeFlags',
        'becomeMethod',
        'becomePassword',
        'becomeUser',
        'commonArgs',
        'connection',
        'password',
        'port',
        'privateKeyFile',
        'user',
      ].sort(),
    );
    expect(c.address).toBe('web1');
    expect(c.become).toBe(false);
  });

  it('refuses a port that is not a port', () => {
    expect(() => connectionVars({ ansible_port: 'ssh' })).toThrow(
      expect.objectContaining({ code: 'CONNECTION_OPTIONS_INVALID' }),
    );
  });
});
