import type { IncomingMessage } from 'node:http';
import type { HttpReply } from './aws/types.js';
import { parseFaultsInput } from './faults.js';
import type { OpsWorksStatus } from './state/model.js';

/**
 * The admin route, `/__sandbox/...` on the endpoint: inspect state, calls and
 * commands, change fault knobs, drive an instance's status, reset. It is
 * unauthenticated and listens on loopback only: the sandbox holds nothing but
 * test data.
 */
export interface AdminTarget {
  state(): unknown;
  faults(): unknown;
  setFaults(input: ReturnType<typeof parseFaultsInput>): unknown;
  reset(): Promise<void>;
  commands(): unknown;
  calls(): unknown;
  env(): string;
  setInstanceStatus(instanceId: string, status: OpsWorksStatus): void;
}

const STATUSES = new Set<OpsWorksStatus>([
  'registering',
  'running_setup',
  'registered',
  'setup_failed',
  'assigning',
  'online',
  'connection_lost',
  'stopped',
]);

function json(status: number, value: unknown): HttpReply {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: `${JSON.stringify(value, null, 2)}\n`,
  };
}

function parseBody(body: Buffer): unknown {
  return body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
}

export async function handleAdmin(
  target: AdminTarget,
  req: IncomingMessage,
  path: string,
  body: Buffer,
): Promise<HttpReply> {
  const method = req.method ?? 'GET';
  try {
    const route = path.replace(/^\/__sandbox\//, '').replace(/\/$/, '');
    if (route === 'health') return json(200, { ok: true });
    if (route === 'state' && method === 'GET') return json(200, target.state());
    if (route === 'calls' && method === 'GET') return json(200, target.calls());
    if (route === 'commands' && method === 'GET') return json(200, target.commands());
    if (route === 'env' && method === 'GET')
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: target.env() };
    if (route === 'faults') {
      if (method === 'GET') return json(200, target.faults());
      if (method === 'PUT' || method === 'POST' || method === 'PATCH') {
        return json(200, target.setFaults(parseFaultsInput(parseBody(body))));
      }
    }
    if (route === 'reset' && method === 'POST') {
      await target.reset();
      return json(200, { ok: true });
    }
    const m = /^instances\/([^/]+)\/status$/.exec(route);
    if (m && (method === 'PUT' || method === 'POST')) {
      const { status } = parseBody(body) as { status?: string };
      if (!status || !STATUSES.has(status as OpsWorksStatus)) {
        return json(400, { error: `status must be one of ${[...STATUSES].join(', ')}` });
      }
      target.setInstanceStatus(decodeURIComponent(m[1]), status as OpsWorksStatus);
      return json(200, { ok: true });
    }
    return json(404, { error: `no admin route ${method} ${path}` });
  } catch (error) {
    return json(400, { error: error instanceof Error ? error.message : String(error) });
  }
}
