import { describe, expect, it } from 'vitest';
import { customHostsEntries, reservedMounts } from '../../../plugins/checks/host-files.js';
import { osSupport } from '../../../plugins/checks/index.js';
import { parseUpdates, reminderNotice, updatesNotice } from '../../../plugins/checks/os-updates.js';

describe('OS updates', () => {
  it('apt (recorded apt-get -s upgrade lines)', () => {
    const out = `@@apt
Inst libssl3 [3.0.11-1~deb12u1] (3.0.13-1~deb12u1 Debian-Security:12/stable-security [amd64])
Inst openssl [3.0.11-1~deb12u1] (3.0.13-1~deb12u1 Debian-Security:12/stable-security [amd64])
Inst tzdata [2024a-0+deb12u1] (2024b-0+deb12u1 Debian:12.7/stable [all])
`;
    const counts = parseUpdates(out);
    expect(counts).toEqual({ manager: 'apt', total: 3, security: 2 });
    expect(updatesNotice(counts)).toBe(
      '3 OS updates pending (2 security: sudo unattended-upgrade); OpsWorks setup does not update the OS: apply them with sudo apt-get update && sudo apt-get upgrade',
    );
  });
  it('dnf and yum', () => {
    const out = `@@dnf

kernel.x86_64                 5.14.0-427.el9          baseos
openssl.x86_64                1:3.0.7-27.el9          baseos
Obsoleting Packages
grub2-tools.x86_64            1:2.06-77.el9           baseos
@@security
RHSA-2024:1234 Important/Sec. kernel-5.14.0-427.el9.x86_64
`;
    expect(parseUpdates(out)).toEqual({ manager: 'dnf', total: 2, security: 1 });
  });
  it('zypper', () => {
    const out = `@@zypper
S | Repository | Name    | Current | Available | Arch
--+------------+---------+---------+-----------+-------
v | Update     | openssl | 3.0.1   | 3.0.2     | x86_64
@@security
Repository | Name             | Category | Severity  | Interactive | Status | Summary
-----------+------------------+----------+-----------+-------------+--------+--------
Update     | SUSE-2024-1      | security | important | ---         | needed | openssl
`;
    expect(parseUpdates(out)).toEqual({ manager: 'zypper', total: 1, security: 1 });
  });
  it('nothing pending, no manager, and the reminder', () => {
    expect(updatesNotice(parseUpdates('@@apt\n'))).toBeUndefined();
    expect(parseUpdates('@@none\n')).toEqual({ total: 0, security: 0 });
    expect(reminderNotice('dnf')).toBe(
      'OpsWorks setup does not update the OS: apply pending security updates: sudo dnf upgrade',
    );
  });
});

describe('post-setup host files', () => {
  it('reserved mount points', () => {
    const mounts =
      '/dev/nvme0n1p1 / ext4 rw 0 0\n/dev/xvdf /var/www ext4 rw 0 0\n/dev/xvdg /srv/data ext4 rw 0 0\n';
    expect(reservedMounts(mounts)).toEqual(['/var/www']);
  });
  it('custom /etc/hosts entries', () => {
    const hosts = '127.0.0.1 localhost\n::1 localhost ip6-localhost\n# comment\n10.0.0.9 db.internal\n';
    expect(customHostsEntries(hosts)).toEqual(['10.0.0.9 db.internal']);
  });
  it('supported OS list', () => {
    expect(osSupport('Ubuntu', '18.04')).toBe('supported');
    expect(osSupport('Amazon', '2')).toBe('supported');
    expect(osSupport('CentOS', '7.9')).toBe('supported');
    expect(osSupport('Debian', '12')).toBe('unsupported');
    expect(osSupport('Ubuntu', '22.04')).toBe('unsupported');
  });
});
