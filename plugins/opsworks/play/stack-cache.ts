import type { Instance } from '@aws-sdk/client-opsworks';
import { Memo } from '../../../core/memo.js';
import { opsworksSdk, s3Sdk } from '../aws-sdk.js';
import type { RegisterOptions } from '../options.js';
import type { AwsClients } from './clients.js';

export interface StackInfo {
  stackId: string;
  name: string;
  arn: string;
  region: string;
  vpcId?: string;
  agentInstallerUrl: string;
  parameters: Record<string, string>;
}

/**
 * What every host of a play reads from AWS once: the stack and its
 * provisioning parameters, the stack's instances (idempotency and hostname
 * uniqueness), and the installer (push mode). A failed fetch is not kept.
 */
export class StackCache {
  readonly #stacks = new Memo<StackInfo>();
  readonly #instances = new Memo<Instance[]>();
  readonly #installers = new Memo<Buffer>();
  /** Instances deregistered during this play: dropped from the cached list. */
  readonly #gone = new Set<string>();

  constructor(private readonly clients: AwsClients) {}

  /** DescribeStacks and DescribeStackProvisioningParameters, once per stack and endpoint. */
  stack(o: RegisterOptions): Promise<StackInfo> {
    const c = this.clients.for(o);
    return this.#stacks.get(`${c.key}|${o.stackId}`, async () => {
      const stacks = await c.opsworks.send(
        new (opsworksSdk().DescribeStacksCommand)({ StackIds: [o.stackId] }),
      );
      const stack = stacks.Stacks?.[0];
      if (!stack?.StackId) throw new Error(`stack ${o.stackId} not found`);
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
    });
  }

  /** DescribeInstances(StackId), once per play unless `fresh`. */
  async instances(o: RegisterOptions, fresh = false): Promise<Instance[]> {
    const c = this.clients.for(o);
    const list = async () =>
      (await c.opsworks.send(new (opsworksSdk().DescribeInstancesCommand)({ StackId: o.stackId })))
        .Instances ?? [];
    const all = await (fresh ? list() : this.#instances.get(`${c.key}|${o.stackId}`, list));
    return all.filter((i) => !this.#gone.has(i.InstanceId ?? ''));
  }

  forget(instanceId: string): void {
    this.#gone.add(instanceId);
  }

  /** Push mode: the installer, fetched from S3 with GetObject once per play. */
  installer(o: RegisterOptions, stack: StackInfo): Promise<Buffer> {
    const location = s3Location(stack.agentInstallerUrl);
    const c = this.clients.for(o);
    return this.#installers.get(`${c.key}|${location.bucket}/${location.key}`, async () => {
      const out = await c
        .s3(location.region ?? stack.region)
        .send(new (s3Sdk().GetObjectCommand)({ Bucket: location.bucket, Key: location.key }));
      if (!out.Body) throw new Error(`GetObject s3://${location.bucket}/${location.key} returned no body`);
      return Buffer.from(await out.Body.transformToByteArray());
    });
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
