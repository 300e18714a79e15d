import type { EC2Client } from '@aws-sdk/client-ec2';
import { definePlayState } from '../../core/plugin/play-state.js';
import type { ControllerAccess } from '../../core/plugin/registration.js';
import { withRetries } from '../../core/retry.js';
import { ec2Sdk } from './aws-sdk.js';

/** The play's EC2 clients, one per region and controller identity; destroyed when the play ends. */
export const EC2_CLIENTS = definePlayState(
  'infra-ec2 clients',
  () => new Map<string, EC2Client>(),
  (clients) => {
    for (const c of clients.values()) c.destroy();
  },
);

export function ec2Client(
  clients: Map<string, EC2Client>,
  region: string,
  access: ControllerAccess,
): EC2Client {
  const key = JSON.stringify([region, access.profile ?? '']);
  let client = clients.get(key);
  if (!client) {
    // Retries are core/retry.ts's (transient and throttling, backoff, said so): one SDK attempt each.
    client = withRetries(
      new (ec2Sdk().EC2Client)({
        region,
        ...(access.credentials ? { credentials: access.credentials } : {}),
        ...(access.profile ? { profile: access.profile } : {}),
        maxAttempts: 1,
      }),
      'EC2',
    );
    clients.set(key, client);
  }
  return client;
}
