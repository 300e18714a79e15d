import { createServer, type Server as NetServer, type Socket } from 'node:net';
import ssh2, { type ServerChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshConnectionFactory } from '../../../../core/connection/index.js';
import { sshRun } from '../../../../core/connection/ssh/options.js';
import type { Connection } from '../../../../core/connection/types.js';
import { Secret } from '../../../../core/secret.js';
import { hostSpec, tempDir } from '../support.js';

const { Server: SshServer, utils } = ssh2;

/**
 * A quick command on a busy client: the server's reply to the exec request,
 * the output, exit-status, EOF and CLOSE all reach the client in one read.
 * (Under load, runner's process reads its sockets late; the sandbox and
 * OpenSSH answer a short command within microseconds.) ssh2 hands us the
 * channel while it parses that read and emits `exit` before the rest of our
 * code runs: the exit status must still be recorded, not reported as
 * "connection lost while running a command".
 *
 * The server here corks its socket for the whole reply, so it is one write
 * and the client sees it in one read, every time.
 */
function answer(channel: ServerChannel, command: string): void {
  const success = /BECOME-SUCCESS-[0-9a-f]+/.exec(command)?.[0];
  if (success) {
    channel.write(`${success}\nescalated\n`);
    channel.exit(0);
  } else if (command.includes('die-by-signal')) {
    channel.exit('KILL', false, '');
  } else {
    channel.write('out\n');
    channel.stderr.write('err\n');
    channel.exit(3);
  }
  channel.end();
}

async function startOneReadServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const hostKey = utils.generateKeyPairSync('ed25519').private;
  // One ssh2 Server per TCP connection, so the exec handler knows which socket to cork.
  const serve = (socket: Socket) =>
    new SshServer({ hostKeys: [hostKey] }, (client) => {
      client.on('error', () => undefined);
      client.on('authentication', (ctx) => ctx.accept());
      client.on('ready', () => {
        client.on('session', (acceptSession) => {
          const session = acceptSession();
          session.on('exec', (accept, _reject, info) => {
            socket.cork();
            answer(accept(), info.command);
            // EOF and CLOSE follow the channel's end() a tick later; send it all in one write after that.
            setTimeout(() => socket.uncork(), 10);
          });
        });
      });
    });
  const net: NetServer = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    serve(socket).injectSocket(socket);
  });
  await new Promise<void>((resolve) => net.listen(0, '127.0.0.1', resolve));
  const address = net.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        net.close(() => resolve());
      }),
  };
}

describe('exit status arriving in the same read as the exec reply', () => {
  let server: Awaited<ReturnType<typeof startOneReadServer>>;
  let conn: Connection;

  beforeAll(async () => {
    server = await startOneReadServer();
    const dir = tempDir();
    conn = sshConnectionFactory.create(
      hostSpec('127.0.0.1', { port: server.port, user: 'u', password: new Secret('login pw') }),
      sshRun({
        connectTimeoutMs: 5000,
        maxHandshakes: 4,
        hostKeyChecking: 'off',
        knownHostsFiles: [],
        recordKnownHostsFile: `${dir}/known_hosts`,
        systemKnownHosts: false,
        connectRetries: 0,
        // Every command on its own exec channel, as become always is.
        persistentShell: false,
      }),
    );
    await conn.connect();
  });
  afterAll(async () => {
    await conn?.close();
    await server?.close();
  });

  it('keeps the exit code, stdout and stderr of a command that ended at once', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await conn.exec('quick');
      expect(r).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    }
  });

  it('keeps them for a killable command (timeout) and for many at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => conn.exec('quick', { timeoutMs: 60_000 })),
    );
    for (const r of results) expect(r).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('keeps them under become (sudo), whose channel is always its own', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => conn.exec('quick', { become: { method: 'sudo' } })),
    );
    for (const r of results) expect(r).toMatchObject({ exitCode: 0, stdout: 'escalated\n' });
  });

  it('keeps an exit signal', async () => {
    const r = await conn.exec('die-by-signal');
    expect(r.exitCode).toBeNull();
    expect(r.signal).toBe('SIGKILL');
  });
});
