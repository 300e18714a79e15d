import type { IAMClient } from '@aws-sdk/client-iam';
import type { OpsWorksClient } from '@aws-sdk/client-opsworks';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CredentialProvider, RegistrationParts } from '../../../core/plugin/registration.js';
import { DEFAULT_RETRY, type RateLimiter, withRetries } from '../../../core/retry.js';
import { iamSdk, opsworksSdk, s3Sdk } from '../aws-sdk.js';
import type { RegisterOptions } from '../options.js';

/** One set of SDK clients per API region, endpoint and controller identity. */
export interface Clients {
  opsworks: OpsWorksClient;
  iam: IAMClient;
  s3(region: string): S3Client;
  /** Names this set in cache keys. */
  key: string;
  credentials?: CredentialProvider;
  profile?: string;
}

/**
 * The play's SDK clients. The controller's credentials come from the
 * controller credential mode bound in the play (the credentials plugin); with
 * none bound, only the SDK's default chain is possible. Clients are destroyed
 * (their sockets closed) when the play ends.
 */
export class AwsClients {
  readonly #sets = new Map<string, Clients>();
  readonly #all: { destroy(): void }[] = [];

  constructor(
    private readonly parts: () => RegistrationParts,
    /** OpsWorks' share of an account-wide budget (`--api-rate`), when one is set. */
    private readonly opsworksLimiter?: RateLimiter,
  ) {}

  for(o: RegisterOptions): Clients {
    const region = o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const key = JSON.stringify([region, o.endpointUrl ?? '', o.controllerCredentials, o.profile ?? '']);
    const known = this.#sets.get(key);
    if (known) return known;
    const modes = this.parts().controllerCredentials;
    if (!modes && o.controllerCredentials !== 'default') {
      throw new Error(
        `opsworks_controller_credentials=${o.controllerCredentials} needs the credentials plugin, which is not loaded`,
      );
    }
    const credentials = modes?.(o.controllerCredentials, o.profile);
    const profile = o.controllerCredentials === 'profile' ? { profile: o.profile } : {};
    const common = { ...(credentials ? { credentials } : {}), ...profile };
    const s3 = new Map<string, S3Client>();
    const track = <T extends { destroy(): void }>(c: T): T => {
      this.#all.push(c);
      return c;
    };
    const clients: Clients = {
      key,
      ...(credentials ? { credentials } : {}),
      ...(o.controllerCredentials === 'profile' && o.profile ? { profile: o.profile } : {}),
      // Retries are ours (core/retry.ts: transient and throttling, backoff, said so): one SDK attempt each.
      opsworks: track(
        withRetries(
          new (opsworksSdk().OpsWorksClient)({
            region,
            ...common,
            maxAttempts: 1,
            ...(o.endpointUrl ? { endpoint: o.endpointUrl } : {}),
          }),
          'OpsWorks',
          { ...DEFAULT_RETRY, ...(this.opsworksLimiter ? { limiter: this.opsworksLimiter } : {}) },
          // A retried deregistration whose first attempt went through finds no instance: done.
          (operation, error) =>
            operation === 'DeregisterInstance' && /ResourceNotFound/.test((error as Error)?.name ?? ''),
        ),
      ),
      // IAM retries are ours (shared limiter, backoff, said so): one SDK attempt each.
      iam: track(new (iamSdk().IAMClient)({ region: 'us-east-1', ...common, maxAttempts: 1 })),
      s3(r) {
        let c = s3.get(r);
        if (!c) {
          const custom = Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);
          c = track(
            withRetries(
              new (s3Sdk().S3Client)({ region: r, ...common, maxAttempts: 1, forcePathStyle: custom }),
              'S3',
            ),
          );
          s3.set(r, c);
        }
        return c;
      },
    };
    this.#sets.set(key, clients);
    return clients;
  }

  destroy(): void {
    for (const c of this.#all.splice(0)) c.destroy();
    this.#sets.clear();
  }
}
