import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sshConnectionFactory } from '../../../../core/connection/index.js';
import { type SshRunOptions, sshRun } from '../../../../core/connection/ssh/options.js';
import type { Connection } from '../../../../core/connection/types.js';
import { isRunnerError, type RunnerError } from '../../../../core/errors.js';
import { type Sandbox, type SandboxHost, startSandbox } from '../../../../sandbox/index.js';
import { hostSpec, tempDir } from '../support.js';

/**
 * No remote operation can hang: a host that vanishes (goes silent, as one that
 * lost power: nothing answered, nothing closed) fails the operation at its
 * deadline or when the connection is closed with force, never later. Driven by
 * the sandbox's `vanishOnUpload`/`vanishDuring` knobs, triggered by what the
 * host sees (the upload, the command), not by a sleep.
 */
async function failure(work: Promise<unknown>): Promise<RunnerError> {
  try {
    await work;
  } catch (error) {
    if (isRunnerError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('deadlines on a host that vanishes', () => {
  let sb: Sandbox;
  let h: SandboxHost;
  let dir: string;
  const open: Connection[] = [];
  const gone = () => sb.state().hosts.find((x) => x.name === h.name)?.gone === true;
  const connection = (extra: SshRunOptions & { signal?: AbortSignal } = {}) => {
    const conn = sshConnectionFactory.create(
      hostSpec(h.address, { host: h.name, port: h.port, user: h.user, privateKeyFile: h.privateKeyFile }),
      sshRun({
        connectTimeoutMs: 5000,
        maxHandshakes: 4,
        hostKeyChecking: 'strict',
        knownHostsFiles: [sb.knownHostsFile],
        recordKnownHostsFile: join(dir, 'known_hosts'),
        systemKnownHosts: false,
        connectRetries: 0,
        ...extra,
      }),
    );
    open.push(conn);
    return conn;
  };

  beforeAll(async () => {
    dir = tempDir();
    sb = await startSandbox({ hosts: 1, ec2Share: 0 });
    h = sb.hosts[0] as SandboxHost;
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close({ force: true })));
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    sb.faults = {} as Sandbox['faults'];
    for (let i = 0; i < 6000 && gone(); i++) await new Promise((r) => setTimeout(r, 50));
  });

  it('an SFTP put to a host that vanishes mid-upload fails at its deadline, and so does the next command', async () => {
    sb.setFaults({ vanishOnUpload: [{ host: h.name, path: 'preconfig' }] });
    const conn = connection();
    await conn.put('fine\n', join(h.home, 'before.txt'));
    const error = await failure(
      conn.put('secret\n', join(h.home, 'preconfig'), { mode: 0o600, timeoutMs: 500 }),
    );
    expect(gone()).toBe(true);
    expect(error.code).toBe('CONNECTION_LOST');
    expect(error.oneLine()).toMatch(/the host stopped answering \(no reply to SFTP write in \d+ s\)/);
    // The connection was torn down with it: nothing else waits on the silent host.
    expect((await failure(conn.exec('true'))).code).toBe('CONNECTION_LOST');
  });

  it('a put stuck on a vanished host ends when the connection is closed with force', async () => {
    sb.setFaults({ vanishOnUpload: [{ host: h.name, path: 'preconfig' }] });
    const conn = connection();
    await conn.connect();
    const put = failure(conn.put('secret\n', join(h.home, 'preconfig'), { mode: 0o600 }));
    for (let i = 0; i < 6000 && !gone(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(gone()).toBe(true);
    await conn.close({ force: true });
    expect((await put).code).toMatch(/^(CANCELLED|CONNECTION_LOST)$/);
  });

  it('the run’s kill signal (a second Ctrl-C) ends a put stuck on a vanished host', async () => {
    sb.setFaults({ vanishOnUpload: [{ host: h.name, path: 'preconfig' }] });
    const kill = new AbortController();
    const conn = connection({ signal: kill.signal });
    await conn.connect();
    const put = failure(conn.put('secret\n', join(h.home, 'preconfig'), { mode: 0o600 }));
    for (let i = 0; i < 6000 && !gone(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(gone()).toBe(true);
    kill.abort();
    const error = await put;
    expect(error.code).toBe('CANCELLED');
    expect(error.oneLine()).toMatch(/killed: the run was interrupted/);
  });

  it('a command on a host that vanishes fails once keepalives go unanswered', async () => {
    sb.setFaults({ vanishDuring: [{ host: h.name, command: 'vanish-now' }] });
    const conn = connection({ keepaliveIntervalMs: 200 });
    expect((await conn.exec('echo up')).stdout).toBe('up\n');
    const error = await failure(conn.exec('echo vanish-now; sleep 600'));
    expect(gone()).toBe(true);
    expect(error.code).toBe('CONNECTION_LOST');
  });
});
