import { opsworksSdk } from '../aws-sdk.js';
import type { RegisterOptions } from '../options.js';
import { type RegistrationWaiter, registrationWaiter } from '../waiter.js';
import type { AwsClients } from './clients.js';

/** One batched registration poller per set of clients: one DescribeInstances per tick for the fleet. */
export class Waiters {
  readonly #waiters = new Map<string, RegistrationWaiter>();

  constructor(private readonly clients: AwsClients) {}

  for(o: RegisterOptions): RegistrationWaiter {
    const c = this.clients.for(o);
    let waiter = this.#waiters.get(c.key);
    if (!waiter) {
      waiter = registrationWaiter({
        describe: async (ids) =>
          (await c.opsworks.send(new (opsworksSdk().DescribeInstancesCommand)({ InstanceIds: ids })))
            .Instances ?? [],
      });
      this.#waiters.set(c.key, waiter);
    }
    return waiter;
  }
}
