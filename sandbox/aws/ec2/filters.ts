import type { Ec2Host } from '../context.js';
import { AwsServiceError } from '../service-error.js';

/** EC2 DescribeInstances filters: each filter's values are ORed, filters ANDed; `*` and `?` are wildcards. */
export interface Filter {
  name: string;
  values: string[];
}

export function readFilters(params: Map<string, string>): Filter[] {
  const byIndex = new Map<number, Filter>();
  for (const [key, value] of params) {
    const m = /^Filter\.(\d+)\.(Name|Value\.(\d+))$/.exec(key);
    if (!m) continue;
    const f = byIndex.get(Number(m[1])) ?? { name: '', values: [] };
    if (m[2] === 'Name') f.name = value;
    else f.values[Number(m[3]) - 1] = value;
    byIndex.set(Number(m[1]), f);
  }
  return [...byIndex.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, f]) => ({ name: f.name, values: f.values.filter((v) => v !== undefined) }));
}

function wildcard(pattern: string, value: string): boolean {
  const re = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`).test(value);
}

function attribute(host: Ec2Host, name: string): string[] | undefined {
  switch (name) {
    case 'vpc-id':
      return [host.vpcId];
    case 'subnet-id':
      return [host.subnetId];
    case 'tag:Name':
      return [host.name];
    case 'tag-key':
      return ['Name'];
    case 'instance-state-name':
      return ['running'];
    case 'instance-id':
      return [host.instanceId];
    case 'private-ip-address':
      return [host.privateIp];
    case 'ip-address':
      return [host.publicIp];
    case 'availability-zone':
      return [host.availabilityZone];
    default:
      return undefined;
  }
}

export function matches(host: Ec2Host, filters: Filter[]): boolean {
  return filters.every((f) => {
    const actual = attribute(host, f.name);
    if (actual === undefined) {
      if (f.name.startsWith('tag:')) return false;
      throw new AwsServiceError('InvalidParameterValue', `The filter '${f.name}' is invalid`, 400);
    }
    return f.values.some((v) => actual.some((a) => wildcard(v, a)));
  });
}
