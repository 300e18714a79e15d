/** Pure parsers for the post-setup checks: /proc/mounts and /etc/hosts. */

/** Mount points OpsWorks uses on EC2 instances: a registered EBS volume must not sit on one. */
export const RESERVED_MOUNT_POINTS = [
  '/var/www',
  '/srv/www',
  '/var/lib/aws',
  '/var/log/aws',
  '/opt/aws',
  '/etc/aws',
];

export function reservedMounts(procMounts: string): string[] {
  const points = procMounts
    .split('\n')
    .map((l) => l.split(/\s+/)[1])
    .filter((p): p is string => Boolean(p));
  return [
    ...new Set(points.filter((p) => RESERVED_MOUNT_POINTS.some((r) => p === r || p.startsWith(`${r}/`)))),
  ];
}

const STANDARD_HOSTS =
  /^(127\.0\.0\.1\s+localhost|127\.0\.1\.1\s|::1\s|fe00::|ff0[0-2]::|255\.255\.255\.255\s+broadcasthost)/;

/** Entries of /etc/hosts beyond the standard localhost ones: lost when setup overwrites the file. */
export function customHostsEntries(etcHosts: string): string[] {
  return etcHosts
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l && !STANDARD_HOSTS.test(l));
}
