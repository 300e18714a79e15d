import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { Instance, OpsWorksClient } from '@aws-sdk/client-opsworks';
import type { S3Client } from '@aws-sdk/client-s3';
import { definePlayState, type PlayState } from '../../core/plugin/play-state.js';
import type { Secret } from '../../core/secret.js';
import { credentialProvider } from '../credentials/controller.js';
import type { IamLedger } from '../credentials/iam-user.js';
import { RateLimiter } from '../credentials/limiter.js';
import { ec2Sdk, iamSdk, opsworksSdk, s3Sdk } from './aws-sdk.js';
import { newRunId, RunJournal } from './journal/journal.js';
import { HostLocks } from './journal/locks.js';
import { loadPending, type PendingHost } from './journal/reconcile.js';
import { defaultJournalDir, LocalJournalStore } from './journal/store.js';
import type { RegisterOptions } from './options.js';
import { RegistrationWaiter } from './waiter.js';

/**
 * What the register playbook shares across the hosts of one play: SDK
 * clients, the stack and its provisioning parameters (fetched once), the
 * stack's instances (listed once), the installer (fetched once, push mode),
 * the IAM limiter, the batched registration waiter, and per host what this
 * run made for it (for rollback). It lives in the play's state store
 * (REGISTER_PLAY), made on first use and gone with the play.
 */

export interface StackInfo {
  stackId: string;
  name: string;
  arn: string;
  region: string;
  vpcId?: string;
  agentInstallerUrl: string;
  parameters: Record<string, string>;
}

export interface Clients {
  opsworks: OpsWorksClient;
  iam: IAMClient;
  ec2(region: string): EC2Client;
  s3(region: string): S3Client;
  key: string;
}

export interface HostRecord {
  /** The host's options when this run first made something for it (rollback needs its clients). */
  options?: RegisterOptions;
  iam?: IamLedger;
  credentials?: { accessKeyId: string; secretAccessKey: Secret };
  /** The instance this run registered (from the installer's output). */
  instanceId?: string;
  /** Registration confirmed (or not waited for): nothing to roll back any more. */
  committed?: boolean;
  rolledBack?: string[];
  /** Rollback left something behind: the journal keeps the host open for the next run. */
  rollbackFailed?: boolean;
  /** boot-registration started and its outcome was never read (connection lost, killed): not ours to undo now. */
  bootInFlight?: boolean;
  /** This run holds the host's lock (released when the host ends). */
  locked?: boolean;
}

/** IAM's control plane is per account: the whole fleet shares this budget. */
export const IAM_RATE = { ratePerSecond: 8, burst: 8 };

export class RegisterPlay {
  readonly #clients = new Map<string, Clients>();
  readonly #stacks = new Map<string, Promise<StackInfo>>();
  readonly #instances = new Map<string, Promise<Instance[]>>();
  readonly #installers = new Map<string, Promise<Buffer>>();
  readonly #waiters = new Map<string, RegistrationWaiter>();
  readonly #hosts = new Map<string, HostRecord>();
  readonly #once = new Set<string>();
  readonly iamLimiter: RateLimiter;
  /** API calls made through this play (for tests and the bench): operation -> count. */
  readonly calls = new Map<string, number>();
  /** This run's ID: names its journals and its host locks. */
  readonly run = newRunId();
  readonly #journals = new Map<string, RunJournal>();
  readonly #locks = new Map<string, HostLocks>();
  readonly #pending = new Map<string, Promise<Map<string, PendingHost[]>>>();
  /** Instances deregistered during this play: dropped from the cached instance list. */
  readonly #gone = new Set<string>();

  constructor(limits = IAM_RATE) {
    this.iamLimiter = new RateLimiter(limits);
  }

  count(operation: string): void {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
  }

  /** True the first time a key is seen (warn once per play, not per host). */
  once(key: string): boolean {
    if (this.#once.has(key)) return false;
    this.#once.add(key);
    return true;
  }

  host(name: string): HostRecord {
    let record = this.#hosts.get(name);
    if (!record) {
      record = {};
      this.#hosts.set(name, record);
    }
    return record;
  }

  hostRecords(): [string, HostRecord][] {
    return [...this.#hosts.entries()];
  }

  #journalKey(o: RegisterOptions): { dir: string; key: string } {
    const dir = o.journalDir ?? defaultJournalDir();
    return { dir, key: `${dir}|${o.stackId}` };
  }

  /** This run's journal for the host's stack (opened on its first record). */
  journal(o: RegisterOptions): RunJournal {
    const { dir, key } = this.#journalKey(o);
    let journal = this.#journals.get(key);
    if (!journal) {
      journal = new RunJournal(new LocalJournalStore(dir), o.stackId, this.run);
      this.#journals.set(key, journal);
    }
    return journal;
  }

  locks(o: RegisterOptions): HostLocks {
    const { dir, key } = this.#journalKey(o);
    let locks = this.#locks.get(key);
    if (!locks) {
      locks = new HostLocks(dir, o.stackId, this.run);
      this.#locks.set(key, locks);
    }
    return locks;
  }

  /** What earlier runs on this stack left open, per host (read once per play). */
  pending(o: RegisterOptions): Promise<Map<string, PendingHost[]>> {
    const { key } = this.#journalKey(o);
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = loadPending(this.journal(o).store, o.stackId, this.run);
      pending.catch(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  /** Every journal this play wrote, closed with an `end` record. */
  async endJournals(): Promise<void> {
    await Promise.all([...this.#journals.values()].map((j) => j.end()));
  }

  /** Marks a host of earlier runs' journals as settled by this run (appended to each of them). */
  async settlePending(o: RegisterOptions, host: string, pending: PendingHost[], note: string): Promise<void> {
    const store = this.journal(o).store;
    for (const p of pending) {
      const stream = await store.open(p.ref.stack, p.ref.run);
      try {
        await stream.append({
          type: 'host',
          host,
          state: 'reconciled',
          at: new Date().toISOString(),
          by: this.run,
          note,
        });
      } finally {
        await stream.close();
      }
    }
  }

  forget(instanceId: string): void {
    this.#gone.add(instanceId);
  }

  clients(o: RegisterOptions): Clients {
    const region = o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const key = JSON.stringify([region, o.endpointUrl ?? '', o.controllerCredentials, o.profile ?? '']);
    let clients = this.#clients.get(key);
    if (clients) return clients;
    const credentials = credentialProvider(o.controllerCredentials, o.profile);
    const profile = o.controllerCredentials === 'profile' ? { profile: o.profile } : {};
    const ec2 = new Map<string, EC2Client>();
    const s3 = new Map<string, S3Client>();
    clients = {
      key,
      opsworks: new (opsworksSdk().OpsWorksClient)({
        region,
        credentials,
        ...profile,
        maxAttempts: 8,
        ...(o.endpointUrl ? { endpoint: o.endpointUrl } : {}),
      }),
      // IAM retries are ours (shared limiter, backoff): one SDK attempt each.
      iam: new (iamSdk().IAMClient)({ region: 'us-east-1', credentials, ...profile, maxAttempts: 1 }),
      ec2(r) {
        let c = ec2.get(r);
        if (!c) {
          c = new (ec2Sdk().EC2Client)({ region: r, credentials, ...profile, maxAttempts: 8 });
          ec2.set(r, c);
        }
        return c;
      },
      s3(r) {
        let c = s3.get(r);
        if (!c) {
          const custom = Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);
          c = new (s3Sdk().S3Client)({
            region: r,
            credentials,
            ...profile,
            maxAttempts: 8,
            forcePathStyle: custom,
          });
          s3.set(r, c);
        }
        return c;
      },
    };
    this.#clients.set(key, clients);
    return clients;
  }

  /** DescribeStacks and DescribeStackProvisioningParameters, once per stack and endpoint. */
  stack(o: RegisterOptions): Promise<StackInfo> {
    const c = this.clients(o);
    const key = `${c.key}|${o.stackId}`;
    let pending = this.#stacks.get(key);
    if (!pending) {
      pending = (async () => {
        this.count('DescribeStacks');
        const stacks = await c.opsworks.send(
          new (opsworksSdk().DescribeStacksCommand)({ StackIds: [o.stackId] }),
        );
        const stack = stacks.Stacks?.[0];
        if (!stack?.StackId) throw new Error(`stack ${o.stackId} not found`);
        this.count('DescribeStackProvisioningParameters');
        const prov = await c.opsworks.send(
          new (opsworksSdk().DescribeStackProvisioningParametersCommand)({ StackId: o.stackId }),
        );
        if (!prov.AgentInstallerUrl) throw new Error(`stack ${o.stackId} has no AgentInstallerUrl`);
        return {
          stackId: stack.StackId,
          name: stack.Name ?? stack.StackId,
          arn: stack.Arn ?? '',
          region: stack.Region ?? '',
          ...(stack.VpcId ? { vpcId: stack.VpcId } : {}),
          agentInstallerUrl: prov.AgentInstallerUrl,
          parameters: prov.Parameters ?? {},
        };
      })();
      pending.catch(() => this.#stacks.delete(key));
      this.#stacks.set(key, pending);
    }
    return pending;
  }

  /** DescribeInstances(StackId), once per play (idempotency and hostname uniqueness). */
  async instances(o: RegisterOptions, fresh = false): Promise<Instance[]> {
    const all = await (fresh ? this.#listInstances(o) : this.#cachedInstances(o));
    return all.filter((i) => !this.#gone.has(i.InstanceId ?? ''));
  }

  #listInstances(o: RegisterOptions): Promise<Instance[]> {
    const c = this.clients(o);
    return (async () => {
      this.count('DescribeInstances');
      const out = await c.opsworks.send(new (opsworksSdk().DescribeInstancesCommand)({ StackId: o.stackId }));
      return out.Instances ?? [];
    })();
  }

  #cachedInstances(o: RegisterOptions): Promise<Instance[]> {
    const c = this.clients(o);
    const key = `${c.key}|${o.stackId}`;
    let pending = this.#instances.get(key);
    if (!pending) {
      pending = this.#listInstances(o);
      pending.catch(() => this.#instances.delete(key));
      this.#instances.set(key, pending);
    }
    return pending;
  }

  /** Push mode: the installer, fetched from S3 with GetObject once per play. */
  installer(o: RegisterOptions, stack: StackInfo): Promise<Buffer> {
    const location = s3Location(stack.agentInstallerUrl);
    const key = `${this.clients(o).key}|${location.bucket}/${location.key}`;
    let pending = this.#installers.get(key);
    if (!pending) {
      pending = (async () => {
        this.count('GetObject');
        const client = this.clients(o).s3(location.region ?? stack.region);
        const out = await client.send(
          new (s3Sdk().GetObjectCommand)({ Bucket: location.bucket, Key: location.key }),
        );
        if (!out.Body) throw new Error(`GetObject s3://${location.bucket}/${location.key} returned no body`);
        return Buffer.from(await out.Body.transformToByteArray());
      })();
      pending.catch(() => this.#installers.delete(key));
      this.#installers.set(key, pending);
    }
    return pending;
  }

  waiter(o: RegisterOptions): RegistrationWaiter {
    const c = this.clients(o);
    let waiter = this.#waiters.get(c.key);
    if (!waiter) {
      waiter = new RegistrationWaiter({
        describe: async (ids) => {
          this.count('DescribeInstances');
          const out = await c.opsworks.send(
            new (opsworksSdk().DescribeInstancesCommand)({ InstanceIds: ids }),
          );
          return out.Instances ?? [];
        },
      });
      this.#waiters.set(c.key, waiter);
    }
    return waiter;
  }
}

/** `https://s3.amazonaws.com/b/k`, `https://b.s3[.-]region.amazonaws.com/k`, or a path-style custom endpoint. */
export function s3Location(url: string): { bucket: string; key: string; region?: string } {
  const u = new URL(url);
  const path = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const virtual = /^(.+)\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/.exec(u.hostname);
  if (virtual) {
    const region = virtual[2] && virtual[2] !== 'external-1' ? virtual[2] : undefined;
    return { bucket: virtual[1]!, key: path, ...(region ? { region } : {}) };
  }
  const slash = path.indexOf('/');
  if (slash <= 0) throw new Error(`cannot tell the S3 bucket and key of ${url}`);
  const regional = /^s3[.-]([a-z0-9-]+)\.amazonaws\.com$/.exec(u.hostname);
  return {
    bucket: path.slice(0, slash),
    key: path.slice(slash + 1),
    ...(regional && regional[1] !== 'external-1' ? { region: regional[1] } : {}),
  };
}

/** The register play's shared context, one per play (a module run alone gets its own). */
export const REGISTER_PLAY = definePlayState('opsworks register', () => new RegisterPlay());

export function playOf(state: PlayState): RegisterPlay {
  return state.get(REGISTER_PLAY);
}
