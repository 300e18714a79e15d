import type { AwsContext } from './aws/context.js';
import { advance } from './aws/opsworks/lifecycle.js';
import { isExpired } from './aws/ssm/activations.js';
import { pingStatus } from './aws/ssm/ping.js';
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
  /** SSM activations (never their codes) and managed nodes (never their public keys). */
  ssm: {
    activations: Array<{
      ActivationId: string;
      IamRole: string;
      RegistrationLimit: number;
      RegistrationsCount: number;
      ExpirationDate: string;
      Expired: boolean;
      Tags: Array<{ Key: string; Value: string }>;
    }>;
    nodes: Array<{
      InstanceId: string;
      ActivationId: string;
      host?: string;
      PingStatus: string;
      Tags: Array<{ Key: string; Value: string }>;
    }>;
  };
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
  // Grouped once: a filter over every key per user made the view quadratic in a 10,000-host fleet.
  const keysByUser = new Map<string, (typeof s.accessKeys)[string][]>();
  for (const k of Object.values(s.accessKeys))
    keysByUser.set(k.UserName, [...(keysByUser.get(k.UserName) ?? []), k]);
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
        accessKeys: (keysByUser.get(u.UserName) ?? []).map((k) => ({
          AccessKeyId: k.AccessKeyId,
          Status: k.Status,
        })),
      })),
      groups: structuredClone(Object.values(s.groups)),
    },
    buckets: Object.fromEntries(
      Object.entries(s.buckets).map(([name, b]) => [
        name,
        Object.entries(b.objects).map(([key, o]) => ({ key, size: Buffer.byteLength(o.body, 'base64') })),
      ]),
    ),
    ssm: {
      activations: Object.values(s.ssm.activations).map((a) => ({
        ActivationId: a.ActivationId,
        IamRole: a.IamRole,
        RegistrationLimit: a.RegistrationLimit,
        RegistrationsCount: a.RegistrationsCount,
        ExpirationDate: new Date(a.ExpirationDate).toISOString(),
        Expired: isExpired(ctx, a),
        Tags: structuredClone(a.Tags),
      })),
      nodes: Object.values(s.ssm.nodes).map((n) => ({
        InstanceId: n.InstanceId,
        ActivationId: n.ActivationId,
        ...(n.host ? { host: n.host } : {}),
        PingStatus: pingStatus(ctx, n),
        Tags: structuredClone(n.Tags),
      })),
    },
    hosts,
    faults: ctx.faults.get(),
    counts: { instancesByStatus: byStatus, calls: ctx.calls.length, commands: commandCount },
  };
}
