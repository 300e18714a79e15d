import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshConnectionFactory } from '../../../../core/connection/index.js';
import { type SshRunOptions, sshRun } from '../../../../core/connection/ssh/options.js';
import { isRunnerError, type RunnerError } from '../../../../core/errors.js';
import { Secret } from '../../../../core/secret.js';
import { type FaultMode, type FaultServer, startFaultServer } from '../../../support/fault-ssh-server.js';
import { hostSpec, tempDir } from '../support.js';

/** In-process misbehaving servers: no sshd or namespace needed. */
async function failure(work: Promise<unknown>): Promise<RunnerError> {
  try {
    await work;
  } catch (error) {
    if (isRunnerError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('connection faults (in-process ssh2 server)', () => {
  let dir: string;
  const servers: FaultServer[] = [];
  const options = (extra: SshRunOptions = {}) =>
    sshRun({
      connectTimeoutMs: 1000,
      maxHandshakes: 4,
      hostKeyChecking: 'accept-new',
      knownHostsFiles: [],
      recordKnownHostsFile: join(dir, 'known_hosts'),
      systemKnownHosts: false,
      connectRetries: 0,
      ...extra,
    });
  const start = async (mode: FaultMode) => {
    const server = await startFaultServer(mode, 'sudo pw 42');
    servers.push(server);
    return server;
  };

  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('times out on a server that never sends its banner', async () => {
    const server = await start('no-banner');
    const conn = sshConnectionFactory.create(hostSpec('127.0.0.1', { port: server.port }), options());
    const error = await failure(conn.connect());
    expect(error.code).toBe('CONNECT_TIMEOUT');
    expect(error.oneLine()).toBe(`127.0.0.1:${server.port}: timed out after 1s waiting for the SSH banner`);
  });

  it('fails with AUTH_FAILED naming the methods tried when every method is refused', async () => {
    const server = await start('refuse-auth');
    const conn = sshConnectionFactory.create(
      hostSpec('127.0.0.1', { port: server.port, password: new Secret('login pw 77') }),
      options(),
    );
    const error = await failure(conn.connect());
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.oneLine()).toMatch(
      /^127\.0\.0\.1:\d+: authentication failed \(tried: (publickey, )?password\)$/,
    );
    expect(error.oneLine()).not.toContain('login pw 77');
  });

  it('answers keyboard-interactive with the password', async () => {
    const server = await start('kbd-interactive');
    const conn = sshConnectionFactory.create(
      hostSpec('127.0.0.1', { port: server.port, password: new Secret('sudo pw 42') }),
      options({ persistentShell: false }),
    );
    try {
      await conn.connect();
      expect((await conn.exec('true')).exitCode).toBe(0);
    } finally {
      await conn.close();
    }
  });

  it('reports CONNECTION_LOST when the server drops mid-command, in the shell and on exec channels', async () => {
    for (const persistentShell of [true, false]) {
      const server = await start('drop-mid-command');
      const conn = sshConnectionFactory.create(
        hostSpec('127.0.0.1', { port: server.port, password: new Secret('login pw 77') }),
        options({ persistentShell }),
      );
      const error = await failure(conn.exec('echo hi'));
      expect(error.code).toBe('CONNECTION_LOST');
      expect(error.oneLine()).toMatch(/^127\.0\.0\.1:\d+: connection lost/);
      await conn.close();
    }
  });

  it('sends the sudo password only on stdin, never in a command line or an error', async () => {
    const server = await start('sudo');
    const conn = sshConnectionFactory.create(
      hostSpec('127.0.0.1', { port: server.port, password: new Secret('login pw 77') }),
      options(),
    );
    try {
      const ok = await conn.exec('id', { become: { method: 'sudo', password: new Secret('sudo pw 42') } });
      expect(ok).toMatchObject({ exitCode: 0, stdout: 'escalated\n' });
      const wrong = await failure(
        conn.exec('id', { become: { method: 'sudo', password: new Secret('bad pw 13') } }),
      );
      expect(wrong.code).toBe('BECOME_FAILED');
      expect(wrong.oneLine()).toBe(`127.0.0.1:${server.port}: incorrect sudo password`);
      expect(wrong.oneLine()).not.toContain('bad pw 13');
      expect(server.stdinLines).toEqual(['sudo pw 42', 'bad pw 13']);
      for (const command of server.execs) {
        expect(command).not.toContain('sudo pw 42');
        expect(command).not.toContain('bad pw 13');
      }
      expect(server.execs.some((c) => c.includes('sudo ') && c.includes('-S -p'))).toBe(true);
    } finally {
      await conn.close();
    }
  });

  it('never puts a key passphrase in a command line or an error', async () => {
    const server = await start('sudo');
    const { execFileSync } = await import('node:child_process');
    const key = join(dir, 'enc_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'key pass 55', '-f', key]);
    const good = sshConnectionFactory.create(
      hostSpec('127.0.0.1', {
        port: server.port,
        privateKeyFile: key,
        privateKeyPassphrase: new Secret('key pass 55'),
      }),
      options(),
    );
    try {
      await good.exec('echo hi');
    } finally {
      await good.close();
    }
    const bad = sshConnectionFactory.create(
      hostSpec('127.0.0.1', {
        port: server.port,
        privateKeyFile: key,
        privateKeyPassphrase: new Secret('wrong pass 66'),
      }),
      options(),
    );
    const error = await failure(bad.connect());
    expect(error.code).toBe('AUTH_FAILED');
    expect(`${error.oneLine()} ${String(error.cause)}`).not.toContain('wrong pass 66');
    for (const command of server.execs) expect(command).not.toMatch(/key pass 55|wrong pass 66/);
    expect(server.authSecrets.join(' ')).not.toMatch(/key pass 55/);
  });
});
