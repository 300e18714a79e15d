import type { Readable } from 'node:stream';
import type { Connection, ConnectionFactory, ConnectionSpec, ExecResult } from '../connection/types.js';
import { RunnerError } from '../errors.js';

/** What a host answers to a command: any field left out is 0 / empty. */
export type Responder = (command: string, host: string) => Partial<ExecResult> | Promise<Partial<ExecResult>>;

export interface MemoryConnectionOptions {
  /** Answers each command; by default every command succeeds with no output. */
  respond?: Responder;
  /** Hosts that refuse connections (their tasks are `unreachable`). */
  unreachable?: string[];
}

/** Everything the hosts were sent, per host, oldest first. */
export interface MemoryRecord {
  commands: Map<string, string[]>;
  /** Files put on each host: path -> content and mode. */
  files: Map<string, Map<string, { content: string; mode?: number }>>;
}

export interface MemoryConnectionKind extends MemoryRecord {
  /** Register it as a plugin's connection kind; hosts select it with `ansible_connection: memory`. */
  factory: ConnectionFactory;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

async function text(content: string | Buffer | Readable): Promise<string> {
  if (typeof content === 'string' || Buffer.isBuffer(content)) return content.toString();
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString();
}

/**
 * A connection kind for plugin tests: no SSH, no host. Each command is
 * answered by `respond` and recorded, and so is each file put, so a test can
 * assert what a module sent and decide what the host says back. stdin (where
 * secrets travel) is not recorded.
 */
export function memoryConnection(options: MemoryConnectionOptions = {}): MemoryConnectionKind {
  const commands = new Map<string, string[]>();
  const files = new Map<string, Map<string, { content: string; mode?: number }>>();
  const respond = options.respond ?? (() => ({}));
  const unreachable = new Set(options.unreachable ?? []);
  const create = (spec: ConnectionSpec): Connection => ({
    kind: 'memory',
    host: spec.host,
    capabilities: { sftp: false, persistentShell: false, become: true },
    async connect() {
      if (unreachable.has(spec.host)) {
        throw new RunnerError('CONNECT_REFUSED', `${spec.address}:${spec.port}: connection refused`, {
          host: spec.host,
        });
      }
    },
    async exec(command) {
      await this.connect();
      push(commands, spec.host, command);
      const out = await respond(command, spec.host);
      return { exitCode: 0, stdout: '', stderr: '', durationMs: 0, timedOut: false, ...out };
    },
    async put(content, path, putOptions) {
      await this.connect();
      const host = files.get(spec.host) ?? new Map();
      host.set(path, { content: await text(content), mode: putOptions?.mode });
      files.set(spec.host, host);
    },
    async close() {},
  });
  return { commands, files, factory: { kind: 'memory', create } };
}
