import type { Instance } from '@aws-sdk/client-opsworks';
import { BatchWaiter, type BatchWaiterOptions } from '../../core/batch-waiter.js';

/**
 * The batched `registered` poller (core/batch-waiter.ts): one DescribeInstances
 * per tick for every pending instance of the play, per API endpoint.
 */
export const FAILED_STATUSES = new Set([
  'setup_failed',
  'shutting_down',
  'stopped',
  'stopping',
  'terminating',
  'terminated',
  'stop_failed',
]);

export type RegistrationWaiter = BatchWaiter<Instance>;

export function registrationWaiter(
  options: Pick<BatchWaiterOptions<Instance>, 'describe' | 'minIntervalMs' | 'maxIntervalMs' | 'now'>,
): RegistrationWaiter {
  return new BatchWaiter<Instance>({
    ...options,
    idOf: (instance) => instance.InstanceId,
    stateOf: (instance) => instance.Status,
    judge: (instance) =>
      instance.Status === 'registered'
        ? { done: true }
        : FAILED_STATUSES.has(instance.Status ?? '')
          ? { failed: `instance ${instance.InstanceId} went to ${instance.Status}` }
          : { pending: true },
    timedOut: (id, last) =>
      `instance ${id} not registered in time (last status: ${last?.Status ?? 'unknown'})`,
  });
}
