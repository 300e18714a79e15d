import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SsmNode } from '../../state/model.js';
import type { AwsContext } from '../context.js';

/**
 * A node's PingStatus, derived instead of pinged: the sandbox knows its hosts,
 * so a node is Online while its host is up and that host's agent still holds
 * this registration (its registration file names this node), and
 * ConnectionLost when the host is down or gone, or its agent was cleared or
 * registered again as another node. A node registered from outside the fleet
 * (no sandbox host named) is taken as Online: nothing here can see it.
 */
export type PingStatus = 'Online' | 'ConnectionLost' | 'Inactive';

/** Where the agent writes its registration, relative to the host's root. */
export const REGISTRATION_FILE = 'var/lib/amazon/ssm/registration';

export function pingStatus(ctx: AwsContext, node: SsmNode): PingStatus {
  if (node.host === undefined) return 'Online';
  const host = ctx.sandboxHosts().find((h) => h.name === node.host);
  if (!host?.up) return 'ConnectionLost';
  return registeredId(host.root) === node.InstanceId ? 'Online' : 'ConnectionLost';
}

function registeredId(root: string): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(root, REGISTRATION_FILE), 'utf8')) as {
      ManagedInstanceID?: unknown;
    };
    return typeof parsed.ManagedInstanceID === 'string' ? parsed.ManagedInstanceID : undefined;
  } catch {
    return undefined;
  }
}
