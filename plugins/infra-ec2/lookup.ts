import type { EC2Client, Filter, Instance } from '@aws-sdk/client-ec2';
import { ec2Sdk } from './aws-sdk.js';

/**
 * How `aws opsworks register --infrastructure-class ec2 <target>` finds the
 * one EC2 instance behind a target: an `i-…` ID by ID, a dotted quad by
 * private then public IP, anything else by its Name tag; within the stack's
 * VPC (a `vpc-id` filter), or, for a stack without a VPC, only instances
 * without one. None or several: refused, naming the target and the IDs.
 */
export const INSTANCE_ID_RE = /^i-[0-9a-f]+$/;
export const IP_ADDRESS_RE = /^\d+\.\d+\.\d+\.\d+$/;

export type TargetKind = 'instance-id' | 'ip' | 'name-tag';

export function targetKind(target: string): TargetKind {
  if (INSTANCE_ID_RE.test(target)) return 'instance-id';
  if (IP_ADDRESS_RE.test(target)) return 'ip';
  return 'name-tag';
}

/** The DescribeInstances requests to try, in order, until one finds something. */
export function lookupRequests(
  target: string,
  stackVpcId: string | undefined,
): { InstanceIds?: string[]; Filters?: Filter[] }[] {
  const vpc: Filter[] =
    stackVpcId && stackVpcId !== ANY_NETWORK ? [{ Name: 'vpc-id', Values: [stackVpcId] }] : [];
  switch (targetKind(target)) {
    case 'instance-id':
      return [{ InstanceIds: [target], ...(vpc.length ? { Filters: vpc } : {}) }];
    case 'ip':
      return [
        { Filters: [...vpc, { Name: 'private-ip-address', Values: [target] }] },
        { Filters: [...vpc, { Name: 'ip-address', Values: [target] }] },
      ];
    default:
      return [{ Filters: [...vpc, { Name: 'tag:Name', Values: [target] }] }];
  }
}

/** Keeps what the CLI keeps: with no stack VPC, only instances outside any VPC. */
/** A service that ties hosts to no network (SSM): every instance the lookup finds is a candidate. */
export const ANY_NETWORK = 'any';

export function inStackNetwork(instances: Instance[], stackVpcId: string | undefined): Instance[] {
  if (stackVpcId === ANY_NETWORK) return instances;
  return stackVpcId ? instances.filter((i) => i.VpcId === stackVpcId) : instances.filter((i) => !i.VpcId);
}

export type PickResult = { ok: true; instance: Instance } | { ok: false; reason: string };

export function pickOne(target: string, instances: Instance[]): PickResult {
  if (instances.length === 0) return { ok: false, reason: `Did not find any instance matching ${target}.` };
  if (instances.length > 1) {
    return {
      ok: false,
      reason: `Found multiple instances matching ${target}: ${instances.map((i) => i.InstanceId).join(', ')}.`,
    };
  }
  return { ok: true, instance: instances[0]! };
}

/** Public IP, else private with a warning (flow step 5). */
export function addressOf(instance: Instance): { address?: string; warning?: string } {
  if (instance.PublicIpAddress) return { address: instance.PublicIpAddress };
  return {
    address: instance.PrivateIpAddress,
    warning: `Instance ${instance.InstanceId} does not have a public IP address. Trying to use the private address to connect.`,
  };
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string; Code?: string })?.name ?? '';
  return /InvalidInstanceID\.(NotFound|Malformed)/.test(name);
}

/** Finds exactly one instance for the target, with the real SDK (paginated). */
export async function findInstance(
  client: EC2Client,
  target: string,
  stackVpcId: string | undefined,
): Promise<PickResult> {
  for (const request of lookupRequests(target, stackVpcId)) {
    const found: Instance[] = [];
    try {
      let token: string | undefined;
      for (let page = 0; page < 100; page++) {
        const out = await client.send(
          new (ec2Sdk().DescribeInstancesCommand)({
            ...request,
            ...(request.InstanceIds ? {} : { MaxResults: 1000 }),
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const reservation of out.Reservations ?? []) found.push(...(reservation.Instances ?? []));
        token = out.NextToken;
        if (!token) break;
      }
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }
    const kept = inStackNetwork(found, stackVpcId);
    if (kept.length > 0) return pickOne(target, kept);
  }
  return pickOne(target, []);
}
