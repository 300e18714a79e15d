import type { Instance } from '@aws-sdk/client-opsworks';
import { FAILED_STATUSES } from './waiter.js';

/**
 * Whether a host's agent is already registered: a fact (a command and a pure
 * parser) plus a match against the stack's instances. The command reads only
 * the `stack_id`, `instance_id` and `access_key_id` lines of the agent's
 * config (it also holds the agent's secret key, which is never read; the key
 * ID tells a later run which IAM user the agent uses). `RUNNER_SANDBOX_ROOT` prefixes
 * the path on sandbox hosts, where the agent installs under the host's root.
 */
export const AGENT_CONFIG = '/etc/aws/opsworks/instance-agent.yml';

export const AGENT_STATE_COMMAND = [
  `f="\${RUNNER_SANDBOX_ROOT:-}${AGENT_CONFIG}"`,
  'if [ -e "$f" ]; then echo "@@present"; grep -E \'^:(stack_id|instance_id|access_key_id):\' "$f" 2>/dev/null || true; else echo "@@absent"; fi',
].join('; ');

export interface AgentState {
  present: boolean;
  stackId?: string;
  instanceId?: string;
  accessKeyId?: string;
}

export function parseAgentState(stdout: string): AgentState {
  const present = stdout.includes('@@present');
  const value = (key: string) => {
    const m = new RegExp(`^:${key}: (.+)$`, 'm').exec(stdout);
    if (!m) return undefined;
    const raw = m[1]!.trim();
    try {
      const parsed = JSON.parse(raw);
      return typeof parsed === 'string' ? parsed : String(parsed);
    } catch {
      return raw.replace(/^['"]|['"]$/g, '');
    }
  };
  const accessKeyId = value('access_key_id');
  return {
    present,
    stackId: value('stack_id'),
    instanceId: value('instance_id'),
    ...(accessKeyId ? { accessKeyId } : {}),
  };
}

export type ExistingMatch =
  | { kind: 'none' }
  | { kind: 'registered'; instance: Instance; by: string }
  /** This host's own instance, in a failed state: deregister and register again. */
  | { kind: 'failed'; instance: Instance; by: string }
  | { kind: 'conflict'; reason: string };

export interface HostIdentity {
  stackId: string;
  agent: AgentState;
  /** Hostname the agent would register (the override, else the host's own). */
  hostname?: string;
  ec2InstanceId?: string;
  addresses: string[];
  /** Whether the hostname was overridden (then a clash is the CLI's "must be unique" refusal). */
  hostnameOverridden: boolean;
}

/** Decides from the host's agent config and the stack's instances (listed once per play). */
export function matchExisting(identity: HostIdentity, instances: Instance[]): ExistingMatch {
  const classify = (instance: Instance, by: string): ExistingMatch =>
    FAILED_STATUSES.has(instance.Status ?? '')
      ? { kind: 'failed', instance, by }
      : { kind: 'registered', instance, by };
  const { agent } = identity;
  if (agent.present && agent.stackId === identity.stackId && agent.instanceId) {
    const mine = instances.find((i) => i.InstanceId === agent.instanceId);
    if (mine) return classify(mine, `agent config (${agent.instanceId})`);
  }
  if (identity.ec2InstanceId) {
    const mine = instances.find((i) => i.Ec2InstanceId === identity.ec2InstanceId);
    if (mine) return classify(mine, `EC2 instance ${identity.ec2InstanceId}`);
  }
  if (identity.hostname) {
    const wanted = identity.hostname.toLowerCase();
    const named = instances.filter((i) => (i.Hostname ?? '').toLowerCase() === wanted);
    const sameAddress = named.find((i) =>
      identity.addresses.some((a) => a && (a === i.PrivateIp || a === i.PublicIp)),
    );
    if (sameAddress) return classify(sameAddress, `hostname and address (${identity.hostname})`);
    if (named.length > 0) {
      if (identity.hostnameOverridden) {
        return {
          kind: 'conflict',
          reason: `Invalid hostname: '${identity.hostname}'. Hostnames must be unique within a stack.`,
        };
      }
      const other = named[0]!;
      return {
        kind: 'conflict',
        reason: `an instance named ${identity.hostname} is already in the stack (${other.InstanceId}, ${other.Status}) but this host's agent is not it; deregister it or set opsworks_hostname`,
      };
    }
  }
  return { kind: 'none' };
}
