import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshConnectionFactory } from '../../../../core/connection/index.js';
import { requireSshd, type Sshd, startSshd } from '../../../support/sshd.js';
import { hostSpec, runOptions, tempDir } from '../support.js';

const run = requireSshd();
/** A port of its own: this sshd logs every request (LogLevel DEBUG3), and the log is read per connection. */
const PORT = 2231;

/**
 * sshd (OpenSSH) announces all its host keys after login; a client that asks
 * gets each one proven by a signature the server computes. Runner does not
 * ask: the sshd log shows the announcement and no proof request.
 */
describe.runIf(run)('host key announcements after login', () => {
  let sshd: Sshd;
  let dir: string;

  /** sshd's log lines for the connection from `port`, once sshd logged its end (the client's requests all came before). */
  async function sessionLog(clientPort: () => number | undefined): Promise<string> {
    for (let i = 0; i < 600; i++) {
      const log = existsSync(sshd.logFile) ? readFileSync(sshd.logFile, 'utf8') : '';
      const port = clientPort();
      if (port !== undefined && log.includes(`Disconnected from user root 127.0.0.1 port ${port}`))
        return log;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('sshd never logged the end of the session');
  }

  beforeAll(async () => {
    dir = tempDir();
    // Two host keys, as real servers have (usually three): an RSA proof costs the server the most.
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', join(dir, 'host_rsa')]);
    sshd = await startSshd({ port: PORT, logLevel: 'DEBUG3', config: [`HostKey ${join(dir, 'host_rsa')}`] });
  });
  afterAll(async () => {
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runner takes the announcement without asking sshd to sign with every host key', async () => {
    const conn = sshConnectionFactory.create(
      hostSpec('127.0.0.1', { port: PORT, privateKeyFile: sshd.clientKeyFile }),
      runOptions(dir),
    );
    let before = '';
    try {
      before = existsSync(sshd.logFile) ? readFileSync(sshd.logFile, 'utf8') : '';
      expect((await conn.exec('echo $SSH_CLIENT')).stdout).toMatch(/^127\.0\.0\.1 \d+ /);
      const port = Number((await conn.exec('echo $SSH_CLIENT')).stdout.split(' ')[1]);
      await conn.close();
      const log = (await sessionLog(() => port)).slice(before.length);
      expect(log).toContain('notify_hostkeys: sent 2 hostkeys');
      expect(log).not.toContain('hostkeys-prove-00@openssh.com');
    } finally {
      await conn.close();
    }
  });

  it('ssh2 left to itself asks for the proofs (what runner declines)', async () => {
    const before = existsSync(sshd.logFile) ? readFileSync(sshd.logFile, 'utf8') : '';
    const client = new Client();
    let port: number | undefined;
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', reject);
      client.connect({
        host: '127.0.0.1',
        port: PORT,
        username: 'root',
        privateKey: readFileSync(sshd.clientKeyFile),
      });
    });
    const proven = new Promise<number>((resolve) =>
      client.once('hostkeys', (keys: unknown[]) => resolve(keys.length)),
    );
    await new Promise<void>((resolve, reject) =>
      client.exec('echo $SSH_CLIENT', (error, channel) => {
        if (error) return reject(error);
        channel.on('data', (d: Buffer) => {
          port = Number(String(d).split(' ')[1]);
        });
        channel.on('close', () => resolve());
      }),
    );
    expect(await proven).toBe(2);
    client.end();
    const log = (await sessionLog(() => port)).slice(before.length);
    expect(log).toContain('hostkeys-prove-00@openssh.com');
  });
});
