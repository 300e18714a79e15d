import type {
  Connection,
  ConnectionFactory,
  ConnectionSpec,
  ExecResult,
} from '../../core/connection/types.js';
import { RunnerError } from '../../core/errors.js';
import { addChild, addGroup, addHost, createInventoryData, setGroupVar } from '../../core/inventory/data.js';
import { Inventory } from '../../core/inventory/model.js';
import type { Vars } from '../../core/inventory/types.js';

/**
 * An in-process connection kind for engine tests: each host is a function of
 * the command it is sent. Lets a test run a thousand hosts in milliseconds and
 * decide exactly which ones fail or cannot be reached.
 */
export type Responder = (host: string, command: string) => Partial<ExecResult> | Promise<Partial<ExecResult>>;

export interface MemoryFleet {
  factory: ConnectionFactory;
  /** Every command each host received, in order. */
  commands: Map<string, string[]>;
  unreachable: Set<string>;
  opened: Set<string>;
  closed: Set<string>;
}

export function memoryFleet(respond: Responder = () => ({})): MemoryFleet {
  const fleet: MemoryFleet = {
    commands: new Map(),
    unreachable: new Set(),
    opened: new Set(),
    closed: new Set(),
    factory: {
      kind: 'memory',
      create(spec: ConnectionSpec): Connection {
        const host = spec.host;
        let open = false;
        return {
          kind: 'memory',
          host,
          capabilities: { sftp: false, persistentShell: false, become: true },
          async connect() {
            if (open) return;
            await new Promise((r) => setImmediate(r));
            if (fleet.unreachable.has(host)) {
              throw new RunnerError('CONNECT_REFUSED', `${spec.address}:${spec.port}: connection refused`, {
                host,
              });
            }
            open = true;
            fleet.opened.add(host);
          },
          async exec(command) {
            await this.connect();
            const list = fleet.commands.get(host) ?? [];
            list.push(command);
            fleet.commands.set(host, list);
            const out = await respond(host, command);
            return { exitCode: 0, stdout: '', stderr: '', durationMs: 0, timedOut: false, ...out };
          },
          async put() {},
          async close() {
            fleet.closed.add(host);
          },
        };
      },
    },
  };
  return fleet;
}

/** An inventory of `names` under one group, every host using the memory connection. */
export function memoryInventory(names: string[], groupVars: Vars = {}, group = 'fleet'): Inventory {
  const data = createInventoryData();
  addGroup(data, group);
  addChild(data, 'all', group);
  for (const name of names) addHost(data, name, group);
  for (const [key, value] of Object.entries({ ansible_connection: 'memory', ...groupVars })) {
    setGroupVar(data, group, key, value);
  }
  return new Inventory(data);
}
