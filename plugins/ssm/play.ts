import type { InstanceInformation, SSMClient } from '@aws-sdk/client-ssm';
import { type JournalBackend, journalBackend } from '../../core/journal/backend.js';
import { newRunId, RunJournal } from '../../core/journal/run-journal.js';
import type { HostLockSet } from '../../core/journal/s3-locks.js';
import { defaultJournalDir } from '../../core/journal/store.js';
import { Memo } from '../../core/memo.js';
import { RUN_SCOPE, type RunScope } from '../../core/play/run-scope.js';
import { definePlayState, type PlayState } from '../../core/plugin/play-state.js';
import {
  type CredentialProvider,
  type RegistrationParts,
  registrationParts,
} from '../../core/plugin/registration.js';
import { DEFAULT_RETRY, RateLimiter, shareOf, withRetries } from '../../core/retry.js';
import type { Secret } from '../../core/secret.js';
import type { SsmAgentState } from './agent.js';
import { ssmSdk } from './aws-sdk.js';
import type { SsmOptions, SsmOptionsResult } from './options.js';
import { type NodeWaiter, nodeWaiter } from './waiter.js';

/** An activation this run made: its code lives only here, as a Secret, for the run. */
export interface Activation {
  id: string;
  code: Secret;
  region: string;
  /** The client and journal it was made with (deleted with the same at the end). */
  clientKey: string;
}

/** What this run knows and made for one host. */
export interface SsmHostRecord {
  options: SsmOptions;
  agent?: SsmAgentState;
  /** Registered before this run (its agent's node, or the EC2 instance's own): later steps leave it alone. */
  already?: string;
  activation?: Activation;
  /** The managed node this run registered. */
  instanceId?: string;
  /** The package this run installed (removed on rollback with ssm_remove_agent_on_failure). */
  installed?: 'deb' | 'rpm' | 'snap' | 'tarball';
  committed?: boolean;
  rolledBack?: boolean;
  /** This run holds the host's lock for the region (released when the host ends). */
  locked?: boolean;
}

/** The largest RegistrationLimit AWS takes. */
export const MAX_REGISTRATION_LIMIT = 1000;

/**
 * What `register --service ssm` shares across the hosts of one play, one
 * owner per job: SDK clients per endpoint and identity, the activations this
 * run made (deleted when the play ends), the journal, the node listing read
 * once, the batched waiter, each host's record. Lives in the play's state
 * store; its clients are destroyed with it.
 */
export class SsmPlay {
  /** This process's run ID: names its journals and host locks (a shard's own attempt ID). */
  readonly run: string;
  readonly options = new Map<string, SsmOptionsResult>();
  readonly hosts = new Map<string, SsmHostRecord>();
  /** Hosts in the play (beforePlay says): the shared activation's registration limit. */
  fleetSize = 1;
  readonly made: Activation[] = [];
  readonly activations = new Memo<Activation>();
  readonly nodes = new Memo<InstanceInformation[]>();
  readonly reconciled = new Memo<string[]>();
  readonly packages = new Memo<Buffer>();
  /** Hosts that asked for the shared activation so far (a fleet over 1000 gets one per 1000). */
  sharedUsers = 0;
  readonly #clients = new Map<string, SSMClient>();
  readonly #credentials = new Map<string, CredentialProvider | undefined>();
  readonly #journals = new Map<string, RunJournal>();
  readonly #waiters = new Map<string, NodeWaiter>();
  readonly #backends = new Map<string, JournalBackend>();
  readonly #locks = new Map<string, HostLockSet>();
  /** --api-rate: this shard's share of the account's SSM budget, for every SSM client of the play. */
  readonly #limiter: RateLimiter | undefined;

  /** `scope`: the run's `--journal`, run ID, shard and `--api-rate`, which win over `ssm_journal_dir`. */
  constructor(
    private readonly parts: () => RegistrationParts,
    private readonly scope: RunScope = {},
  ) {
    this.run = scope.attempt ?? newRunId();
    this.#limiter = scope.apiRate
      ? new RateLimiter(shareOf({ ratePerSecond: scope.apiRate, burst: 8 }, scope))
      : undefined;
  }

  host(name: string, options: SsmOptions): SsmHostRecord {
    let record = this.hosts.get(name);
    if (!record) {
      record = { options };
      this.hosts.set(name, record);
    }
    return record;
  }

  clientKey(o: SsmOptions): string {
    return JSON.stringify([o.region, o.endpointUrl ?? '', o.controllerCredentials, o.profile ?? '']);
  }

  client(o: SsmOptions): SSMClient {
    const key = this.clientKey(o);
    let client = this.#clients.get(key);
    if (client) return client;
    const credentials = this.credentials(o);
    client = withRetries(
      new (ssmSdk().SSMClient)({
        region: o.region,
        maxAttempts: 1,
        ...(credentials ? { credentials } : {}),
        ...(o.controllerCredentials === 'profile' ? { profile: o.profile } : {}),
        ...(o.endpointUrl ? { endpoint: o.endpointUrl } : {}),
      }),
      'SSM',
      { ...DEFAULT_RETRY, ...(this.#limiter ? { limiter: this.#limiter } : {}) },
      // A retried delete whose first attempt went through finds nothing: done.
      (operation, error) =>
        /^(DeleteActivation|DeregisterManagedInstance)$/.test(operation) &&
        /InvalidActivation|InvalidInstanceId/.test((error as Error)?.name ?? ''),
    );
    this.#clients.set(key, client);
    return client;
  }

  /** The controller's credentials per its mode (the credentials plugin); none: the SDK's default chain. */
  credentials(o: SsmOptions): CredentialProvider | undefined {
    const key = this.clientKey(o);
    if (this.#credentials.has(key)) return this.#credentials.get(key);
    const modes = this.parts().controllerCredentials;
    if (!modes && o.controllerCredentials !== 'default')
      throw new Error(
        `ssm_controller_credentials=${o.controllerCredentials} needs the credentials plugin, which is not loaded`,
      );
    const provider = modes?.(o.controllerCredentials, o.profile);
    this.#credentials.set(key, provider);
    return provider;
  }

  #backend(o: SsmOptions): { backend: JournalBackend; key: string } {
    const dir = this.scope.journal ?? o.journalDir ?? defaultJournalDir();
    let backend = this.#backends.get(dir);
    if (!backend) {
      backend = journalBackend(dir, { group: this.scope.id, shard: this.scope.shard });
      this.#backends.set(dir, backend);
    }
    return { backend, key: JSON.stringify([dir, o.region]) };
  }

  /** This run's journal for the region's SSM (`<journal>/ssm-<region>/…`, a directory or S3). */
  journal(o: SsmOptions): RunJournal {
    const { backend, key } = this.#backend(o);
    let journal = this.#journals.get(key);
    if (!journal) {
      journal = new RunJournal(backend.store, journalStack(o.region), this.run, {
        group: this.scope.id,
        shard: this.scope.shard,
      });
      this.#journals.set(key, journal);
    }
    return journal;
  }

  /** Host locks for the region's SSM, where the journal lives: two runs never register one host at once. */
  locks(o: SsmOptions): HostLockSet {
    const { backend, key } = this.#backend(o);
    let locks = this.#locks.get(key);
    if (!locks) {
      locks = backend.locks(journalStack(o.region), this.run);
      this.#locks.set(key, locks);
    }
    return locks;
  }

  journals(): RunJournal[] {
    return [...this.#journals.values()];
  }

  waiter(o: SsmOptions): NodeWaiter {
    const key = this.clientKey(o);
    let waiter = this.#waiters.get(key);
    if (!waiter) {
      const client = this.client(o);
      waiter = nodeWaiter({
        describe: async (ids) =>
          (
            await client.send(
              new (ssmSdk().DescribeInstanceInformationCommand)({
                Filters: [{ Key: 'InstanceIds', Values: ids }],
              }),
            )
          ).InstanceInformationList ?? [],
      });
      this.#waiters.set(key, waiter);
    }
    return waiter;
  }

  destroy(): void {
    for (const locks of this.#locks.values()) locks.stop();
    for (const backend of this.#backends.values()) backend.close();
    for (const c of this.#clients.values()) c.destroy();
    this.#clients.clear();
  }
}

/** The journal's "stack" for SSM: one per region. */
export function journalStack(region: string): string {
  return `ssm-${region}`;
}

export const SSM_PLAY = definePlayState<SsmPlay>(
  'ssm register',
  (state) => new SsmPlay(() => registrationParts(state), state.get(RUN_SCOPE)),
  (play) => play.destroy(),
);

export function ssmPlayOf(state: PlayState): SsmPlay {
  return state.get(SSM_PLAY);
}
