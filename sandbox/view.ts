import type { AwsContext } from './aws/context.js';
import { advance } from './aws/opsworks/lifecycle.js';
import type { Faults } from './faults.js';
import type { IamGroup, Layer, OpsInstance, OpsWorksStatus, Stack } from './state/model.js';

/**
 * What `sandbox.state()` and the admin route show: the AWS state with
 * statuses brought up to the sandbox clock and no secrets (access keys by ID
 * only, object bodies by size only).
 */
export interface SandboxStateView {
  endpoint: string;
  region: string;
  stacks: Stack[];
  layers: Layer[];
  instances: Array<Omit<OpsInstance, 'pending'>>;
  iam: {
    users: Array<{
      UserName: string;
      Path: string;
      Arn: string;
      groups: string[];
      attachedPolicies: string[];
      inlinePolicies: Record<string, string>;
      accessKeys: Array<{ AccessKeyId: string; Status: string }>;
    }>;
    groups: IamGroup[];
  };
  buckets: Record<string, Array<{ key: string; size: number }>>;
  hosts: Array<{
    name: string;
    address: string;
    port: number;
    class: string;
    instanceId?: string;
    up: boolean;
    /** The host vanished (a `vanishDuring`/`vanishOnUpload` knob fired) and stays silent until the knob is cleared. */
    gone: boolean;
  }>;
  faults: Faults;
  counts: { instancesByStatus: Partial<Record<OpsWorksStatus, number>>; calls: number; commands: number };
}

export function stateView(
  ctx: AwsContext,
  hosts: SandboxStateView['hosts'],
  commandCount: number,
): SandboxStateView {
  const now = ctx.clock();
  const s = ctx.state;
  const instances = Object.values(s.instances).map((i) => {
    const { pending: _pending, ...rest } = advance(i, now);
    return structuredClone(rest);
  });
  const byStatus: Partial<Record<OpsWorksStatus, number>> = {};
  for (const i of instances) byStatus[i.Status] = (byStatus[i.Status] ?? 0) + 1;
  return {
    endpoint: ctx.endpoint(),
    region: ctx.region,
    stacks: structuredClone(Object.values(s.stacks)),
    layers: structuredClone(Object.values(s.layers)),
    instances,
    iam: {
      users: Object.values(s.users).map((u) => ({
        UserName: u.UserName,
        Path: u.Path,
        Arn: u.Arn,
        groups: [...u.groups],
        attachedPolicies: [...u.attachedPolicies],
        inlinePolicies: { ...u.inlinePolicies },
        accessKeys: Object.values(s.accessKeys)
          .filter((k) => k.UserName === u.UserName)
          .map((k) => ({ AccessKeyId: k.AccessKeyId, Status: k.Status })),
      })),
      groups: structuredClone(Object.values(s.groups)),
    },
    buckets: Object.fromEntries(
      Object.entries(s.buckets).map(([name, b]) => [
        name,
        Object.entries(b.objects).map(([key, o]) => ({ key, size: Buffer.byteLength(o.body, 'base64') })),
      ]),
    ),
    hosts,
    faults: ctx.faults.get(),
    counts: { instancesByStatus: byStatus, calls: ctx.calls.length, commands: commandCount },
  };
}
