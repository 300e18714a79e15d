import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFacts } from '../../../plugins/core-modules/facts-command.js';

// Recorded outputs of FACTS_SCRIPT, trimmed to what the parser reads.
const debian = `@@hostname
web01
@@fqdn
web01.example.com
@@uname
Linux
6.1.0-18-amd64
x86_64
@@os-release
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION_CODENAME=bookworm
ID=debian
@@ipv4
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\\       valid_lft forever preferred_lft forever
@@pkg
apt-get
@@user
root
@@end
`;

const amazon = `@@hostname
ip-10-0-1-20.ec2.internal
@@fqdn
ip-10-0-1-20.ec2.internal
@@uname
Linux
4.14.355-275.570.amzn2.x86_64
x86_64
@@os-release
NAME="Amazon Linux"
VERSION="2"
ID="amzn"
ID_LIKE="centos rhel fedora"
VERSION_ID="2"
@@ipv4
10.0.1.20
@@pkg
yum
@@user
ec2-user
@@end
`;

const unknownLike = `@@hostname
box
@@uname
Linux
5.15
aarch64
@@os-release
ID=pop
ID_LIKE="ubuntu debian"
VERSION_ID="22.04"
@@pkg
apt-get
@@end
`;

describe('facts parser', () => {
  it('reads a Debian host', () => {
    expect(parseFacts(debian)).toMatchObject({
      ansible_hostname: 'web01',
      ansible_fqdn: 'web01.example.com',
      ansible_system: 'Linux',
      ansible_architecture: 'x86_64',
      ansible_os_family: 'Debian',
      ansible_distribution: 'Debian',
      ansible_distribution_version: '12',
      ansible_distribution_major_version: '12',
      ansible_distribution_release: 'bookworm',
      ansible_all_ipv4_addresses: ['10.0.0.5'],
      ansible_pkg_mgr: 'apt',
      ansible_user_id: 'root',
    });
  });

  it('reads Amazon Linux as the RedHat family with yum', () => {
    expect(parseFacts(amazon)).toMatchObject({
      ansible_hostname: 'ip-10-0-1-20',
      ansible_os_family: 'RedHat',
      ansible_distribution: 'Amazon',
      ansible_distribution_version: '2',
      ansible_all_ipv4_addresses: ['10.0.1.20'],
      ansible_pkg_mgr: 'yum',
    });
  });

  it('falls back to ID_LIKE for the family of a derivative', () => {
    expect(parseFacts(unknownLike)).toMatchObject({
      ansible_os_family: 'Debian',
      ansible_architecture: 'aarch64',
      ansible_fqdn: 'box',
    });
  });
});

// One recorded FACTS_SCRIPT output per distribution (facts/<name>.txt) and the
// facts Ansible reports for that host (facts/<name>.json, the keys we set).
const RECORDED = fileURLToPath(new URL('./facts/', import.meta.url));
const recorded = readdirSync(RECORDED)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.slice(0, -4))
  .sort();

describe('facts parser on recorded distributions', () => {
  it('has the distributions we promise', () => {
    expect(recorded).toEqual([
      'alpine-3.19',
      'amazon-2023',
      'centos-7',
      'opensuse-leap-15',
      'rhel-8',
      'rhel-9',
      'sles-15',
      'ubuntu-22.04',
    ]);
  });

  it.each(recorded)('reads %s as Ansible names it', (name) => {
    const output = readFileSync(`${RECORDED}${name}.txt`, 'utf8');
    const expected = JSON.parse(readFileSync(`${RECORDED}${name}.json`, 'utf8')) as Record<string, unknown>;
    expect(parseFacts(output)).toMatchObject(expected);
  });
});
