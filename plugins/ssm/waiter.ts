import type { InstanceInformation } from '@aws-sdk/client-ssm';
import { BatchWaiter, type BatchWaiterOptions } from '../../core/batch-waiter.js';

/**
 * The batched `Online` poller (core/batch-waiter.ts): one
 * DescribeInstanceInformation per tick for every pending managed node of the
 * play (50 IDs per call, the InstanceIds filter's limit), per endpoint.
 */
export type NodeWaiter = BatchWaiter<InstanceInformation>;

export function nodeWaiter(
  options: Pick<
    BatchWaiterOptions<InstanceInformation>,
    'describe' | 'minIntervalMs' | 'maxIntervalMs' | 'now'
  >,
): NodeWaiter {
  return new BatchWaiter<InstanceInformation>({
    ...options,
    chunk: 50,
    idOf: (node) => node.InstanceId,
    stateOf: (node) => node.PingStatus,
    judge: (node) => (node.PingStatus === 'Online' ? { done: true } : { pending: true }),
    timedOut: (id, last) =>
      `managed node ${id} not Online in time (last ping status: ${last?.PingStatus ?? 'not listed'})`,
  });
}
