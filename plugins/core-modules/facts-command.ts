/**
 * The facts runner gathers, in one round trip per host: one POSIX sh script
 * printing marked sections, and a pure parser for its output (tested on
 * recorded outputs from several distributions, no SSH needed).
 */
export const FACTS_SCRIPT = [
  "echo '@@hostname'; hostname 2>/dev/null || uname -n",
  "echo '@@fqdn'; hostname -f 2>/dev/null || hostname 2>/dev/null",
  "echo '@@uname'; uname -s; uname -r; uname -m",
  "echo '@@os-release'; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null",
  // The full RedHat-family version and codename live here (CentOS 7: "release 7.9.2009 (Core)").
  "echo '@@redhat-release'; cat /etc/redhat-release 2>/dev/null",
  // busybox ip (Alpine) may lack -o; the parser reads both layouts.
  "echo '@@ipv4'; ip -4 -o addr show 2>/dev/null || ip -4 addr show 2>/dev/null || hostname -I 2>/dev/null",
  "echo '@@pkg'; for p in apt-get dnf yum zypper apk pacman; do if command -v $p >/dev/null 2>&1; then echo $p; break; fi; done",
  "echo '@@user'; id -un 2>/dev/null",
  "echo '@@end'",
].join('; ');

export interface Facts {
  ansible_hostname: string;
  ansible_nodename: string;
  ansible_fqdn: string;
  ansible_system: string;
  ansible_kernel: string;
  ansible_architecture: string;
  ansible_os_family: string;
  ansible_distribution: string;
  ansible_distribution_version: string;
  ansible_distribution_major_version: string;
  ansible_distribution_release: string;
  ansible_all_ipv4_addresses: string[];
  ansible_default_ipv4: { address?: string };
  ansible_pkg_mgr: string;
  ansible_user_id: string;
}

function sections(output: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of output.split('\n')) {
    const marker = /^@@([a-z0-9-]+)$/.exec(line.trim());
    if (marker) {
      current = [];
      map.set(marker[1]!, current);
    } else if (current && line.trim() !== '') current.push(line.replace(/\r$/, ''));
  }
  return map;
}

export function parseOsRelease(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let value = m[2]!;
    if (/^".*"$|^'.*'$/.test(value)) value = value.slice(1, -1).replace(/\\(["$`\\])/g, '$1');
    out[m[1]!] = value;
  }
  return out;
}

// Ansible's names for distribution IDs and their families.
const DISTRIBUTIONS: Record<string, [name: string, family: string]> = {
  debian: ['Debian', 'Debian'],
  ubuntu: ['Ubuntu', 'Debian'],
  linuxmint: ['Linux Mint', 'Debian'],
  raspbian: ['Debian', 'Debian'],
  rhel: ['RedHat', 'RedHat'],
  centos: ['CentOS', 'RedHat'],
  fedora: ['Fedora', 'RedHat'],
  amzn: ['Amazon', 'RedHat'],
  rocky: ['Rocky', 'RedHat'],
  almalinux: ['AlmaLinux', 'RedHat'],
  ol: ['OracleLinux', 'RedHat'],
  sles: ['SLES', 'Suse'],
  'opensuse-leap': ['openSUSE Leap', 'Suse'],
  opensuse: ['openSUSE', 'Suse'],
  alpine: ['Alpine', 'Alpine'],
  arch: ['Archlinux', 'Archlinux'],
};

function familyFromLike(like: string): string | undefined {
  for (const id of like.split(/\s+/)) {
    const known = DISTRIBUTIONS[id];
    if (known) return known[1];
    if (id === 'suse') return 'Suse';
  }
  return undefined;
}

export function parseFacts(output: string): Facts {
  const s = sections(output);
  const first = (name: string) => s.get(name)?.[0]?.trim() ?? '';
  const uname = s.get('uname') ?? [];
  const os = parseOsRelease(s.get('os-release') ?? []);
  const id = (os.ID ?? '').toLowerCase();
  const known = DISTRIBUTIONS[id];
  const family = known?.[1] ?? familyFromLike((os.ID_LIKE ?? '').toLowerCase());
  let version = os.VERSION_ID ?? '';
  let release = os.VERSION_CODENAME ?? '';
  // Ansible's distribution facts (module_utils/facts/system/distribution.py), for what
  // os-release alone does not say.
  const redhat = /release\s+(\d+(?:\.\d+)*)\s*(?:\(([^)]*)\))?/.exec(first('redhat-release'));
  if (family === 'RedHat' && redhat && id !== 'amzn') {
    // CentOS 7 says VERSION_ID="7"; Ansible reports 7.9 from "release 7.9.2009 (Core)".
    if (redhat[1]!.startsWith(version)) version = redhat[1]!.split('.').slice(0, 2).join('.');
    release ||= redhat[2] ?? '';
  }
  // SUSE: the release is the service pack, the part after the dot (15.5 -> 5).
  if (family === 'Suse') release = version.split('.')[1] ?? '0';
  const addresses: string[] = [];
  for (const line of s.get('ipv4') ?? []) {
    const inet = /\binet\s+(\d+\.\d+\.\d+\.\d+)/.exec(line);
    const candidates = inet ? [inet[1]!] : line.trim().split(/\s+/);
    for (const a of candidates) {
      if (/^\d+\.\d+\.\d+\.\d+$/.test(a) && !a.startsWith('127.') && !addresses.includes(a))
        addresses.push(a);
    }
  }
  const hostname = first('hostname');
  const system = uname[0]?.trim() ?? '';
  return {
    ansible_hostname: hostname.split('.')[0] ?? hostname,
    ansible_nodename: hostname,
    ansible_fqdn: first('fqdn') || hostname,
    ansible_system: system,
    ansible_kernel: uname[1]?.trim() ?? '',
    ansible_architecture: uname[2]?.trim() ?? '',
    ansible_os_family: family ?? (system || 'unknown'),
    ansible_distribution: known?.[0] ?? (os.NAME || system || 'unknown'),
    ansible_distribution_version: version,
    ansible_distribution_major_version: version.split('.')[0] ?? '',
    ansible_distribution_release: release,
    ansible_all_ipv4_addresses: addresses,
    ansible_default_ipv4: addresses[0] ? { address: addresses[0] } : {},
    ansible_pkg_mgr: (first('pkg') || 'unknown').replace(/-get$/, ''),
    ansible_user_id: first('user'),
  };
}
