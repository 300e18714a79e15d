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
  /** With `{ batch: true }`: the commands of each execBatch each host received, in order. */
  batches: Map<string, string[][]>;
}

/**
 * `batch: true` gives the connections execBatch, answered as the ssh shell's
 * chain is: in order, stopping after a failing command unless it may fail.
 */
export function memoryFleet(respond: Responder = () => ({}), options: { batch?: boolean } = {}): MemoryFleet {
  const fleet: MemoryFleet = {
    batches: new Map(),
    commands: new Map(),
    unreachable: new Set(),
    opened: new Set(),
    closed: new Set(),
    factory: {
      kind: 'memory',
      create(spec: ConnectionSpec): Connection {
        const host = spec.host;
        let open = false;
        const connection: Connection = {
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
        if (options.batch) {
          connection.execBatch = async (commands) => {
            await connection.connect();
            fleet.batches.set(host, [...(fleet.batches.get(host) ?? []), commands.map((c) => c.command)]);
            const results: (ExecResult | undefined)[] = [];
            for (const c of commands) {
              const result = await connection.exec(c.command);
              results.push(result);
              if (result.exitCode !== 0 && !c.continueOnError) break;
            }
            return { results };
          };
        }
        return connection;
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
