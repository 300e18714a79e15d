/**
 * Connection layer benchmark: 3 commands per host over 100 and then 500
 * namespace hosts through our layer (persistent shell), against a floor of
 * one raw ssh2 exec per host carrying all three commands, at the same
 * concurrency and handshake limit. Run inside the namespace:
 *   node test/support/netns-run.mjs npx tsx bench/connection.ts
 * Every loop is bounded; a dedicated user with /bin/sh as login shell keeps a
 * heavy .bashrc from dominating both sides.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { sshConnectionFactory } from '../core/connection/index.js';
import { Semaphore } from '../core/connection/semaphore.js';
import type { ConnectionRunOptions } from '../core/connection/types.js';
import { loopbackAddresses, requireSshd, startSshd } from '../test/support/sshd.js';

// Its own user, so the bench never collides with the test suites' users.
const USER = 'runner-bench';
const SIZES = [100, 500];
const MAX_HANDSHAKES = 64;
const COMMANDS = ['uname -s', 'id -u', 'test -d /tmp && echo yes'];

async function viaRunner(addresses: string[], keyFile: string, dir: string): Promise<number> {
  const run: ConnectionRunOptions = {
    connectTimeoutMs: 60_000,
    maxHandshakes: MAX_HANDSHAKES,
    hostKeyChecking: 'off',
    knownHostsFiles: [],
    recordKnownHostsFile: join(dir, 'known_hosts'),
    systemKnownHosts: false,
  };
  const started = performance.now();
  let failed = 0;
  await Promise.all(
    addresses.map(async (address) => {
      const conn = sshConnectionFactory.create(
        { host: address, address, port: 22, user: USER, privateKeyFile: keyFile, vars: {} },
        run,
      );
      try {
        for (const command of COMMANDS) {
          if ((await conn.exec(command)).exitCode !== 0) failed++;
        }
      } catch (error) {
        if (failed++ === 0) console.log(`  runner: ${(error as Error).message}`);
      } finally {
        await conn.close();
      }
    }),
  );
  if (failed) console.log(`  runner: ${failed} failures`);
  return performance.now() - started;
}

async function floor(addresses: string[], key: Buffer): Promise<number> {
  const handshakes = new Semaphore(MAX_HANDSHAKES);
  const started = performance.now();
  let failed = 0;
  await Promise.all(
    addresses.map(async (host) => {
      const client = new Client();
      try {
        await handshakes.use(
          () =>
            new Promise<void>((resolve, reject) => {
              client.once('ready', () => resolve());
              client.once('error', reject);
              client.connect({ host, port: 22, username: USER, privateKey: key, readyTimeout: 60_000 });
            }),
        );
        await new Promise<void>((resolve, reject) => {
          client.exec(COMMANDS.join('; '), (error, channel) => {
            if (error) return reject(error);
            channel.resume();
            channel.stderr.resume();
            channel.on('exit', (code: number) => {
              if (code !== 0) failed++;
            });
            channel.on('close', () => resolve());
          });
        });
      } catch (error) {
        if (failed++ === 0) console.log(`  floor: ${(error as Error).message}`);
      } finally {
        client.end();
      }
    }),
  );
  if (failed) console.log(`  floor: ${failed} failures`);
  return performance.now() - started;
}

async function main(): Promise<void> {
  if (!requireSshd()) return;
  execFileSync('sh', ['-c', `id ${USER} >/dev/null 2>&1 || useradd -m -s /bin/sh ${USER}`]);
  // sshd (without PAM) refuses even key logins to a locked account: give it a throwaway password.
  execFileSync('chpasswd', { input: `${USER}:${randomBytes(12).toString('hex')}\n` });
  const sshd = await startSshd();
  chmodSync(sshd.dir, 0o711);
  chmodSync(join(sshd.dir, 'authorized_keys'), 0o755);
  copyFileSync(`${sshd.clientKeyFile}.pub`, join(sshd.dir, 'authorized_keys', USER));
  const dir = mkdtempSync(join(tmpdir(), 'runner-bench-'));
  try {
    const key = readFileSync(sshd.clientKeyFile);
    console.log(`3 commands per host as ${USER}; handshakes limited to ${MAX_HANDSHAKES}; all hosts at once`);
    for (const size of SIZES) {
      const addresses = loopbackAddresses(size, 60);
      const ours = await viaRunner(addresses, sshd.clientKeyFile, dir);
      const raw = await floor(addresses, key);
      console.log(
        `${String(size).padStart(4)} hosts: runner ${(ours / 1000).toFixed(2)}s, floor (1 raw exec/host) ${(raw / 1000).toFixed(2)}s, ratio ${(ours / raw).toFixed(2)}`,
      );
    }
  } finally {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
    execFileSync('sh', ['-c', `userdel -r -f ${USER} 2>/dev/null || true`]);
  }
}

await main();
