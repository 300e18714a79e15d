import type { Connection, ConnectionRunOptions } from '../connection/types.js';
import { RunnerError } from '../errors.js';
import type { Vars } from '../inventory/types.js';
import type { RunEvent } from '../output/events.js';
import type { PluginRegistry } from '../plugin/registry.js';
import type { Secret } from '../secret.js';
import { planConnection } from './connection-spec.js';
import type { HostState } from './host-state.js';

export interface HostConnectionOptions {
  registry: PluginRegistry;
  connection: ConnectionRunOptions;
  connectionDefaults?: { password?: Secret; becomePassword?: Secret };
  emit(event: RunEvent): void;
}

/**
 * A task's connection: the host's open one while it still fits the task's
 * vars, else a new one (set_fact or a task's vars moved the host: Ansible
 * reconnects, so do we). The host owns it; the run closes it at disconnect.
 */
export async function connectHost(
  host: HostState,
  vars: Vars,
  options: HostConnectionOptions,
): Promise<Connection> {
  const planned = planConnection(host.name, vars, options.connectionDefaults);
  if (host.connection && host.connectionKey === planned.key) {
    await host.connection.connect();
    return host.connection;
  }
  const factory = options.registry.connections.get(planned.kind);
  if (!factory) {
    throw new RunnerError(
      'CONNECTION_OPTIONS_INVALID',
      `host ${host.name}: unknown connection kind "${planned.kind}"`,
      { host: host.name },
    );
  }
  await host.connection?.close().catch(() => undefined);
  const { spec } = planned;
  options.emit({
    type: 'host.connect',
    host: host.name,
    connection: planned.kind,
    address: spec.address,
    port: spec.port,
    user: spec.user,
  });
  host.connection = factory.value.create(planned.spec, options.connection);
  host.connectionKey = planned.key;
  await host.connection.connect();
  return host.connection;
}
