import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { Semaphore } from '../core/connection/semaphore.js';
import { requireSshd, type Sshd, startSshd } from '../test/support/sshd.js';

/**
 * What every benchmark shares: a real sshd in the namespace, a dedicated user
 * whose login shell is /bin/sh (so a heavy root .bashrc does not dominate every
 * side), and the floor every runner figure is compared with.
 */
export const BENCH_USER = 'runner-bench';
/** A second user whose login shell is bash with an rc file that burns real CPU, as pyenv/nvm ones do. */
export const BENCH_RC_USER = 'runner-bench-rc';
/** What the rc user's ~/.bashrc costs each time sshd starts a shell: about 50 ms of CPU here. */
export const RC_FILE = 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done\n';
const SUDOERS = '/etc/sudoers.d/runner-bench';

export interface BenchFleet {
  sshd: Sshd;
  keyFile: string;
  key: Buffer;
  dir: string;
  /** A file holding BENCH_USER's password, which sudo asks for (sudoers: ALL, with a password). */
  passwordFile: string;
  cleanup(): Promise<void>;
}

export async function startBenchFleet(): Promise<BenchFleet | undefined> {
  if (!requireSshd()) return undefined;
  const password = randomBytes(12).toString('hex');
  execFileSync('sh', ['-c', `id ${BENCH_USER} >/dev/null 2>&1 || useradd -m -s /bin/sh ${BENCH_USER}`]);
  execFileSync('sh', [
    '-c',
    `id ${BENCH_RC_USER} >/dev/null 2>&1 || useradd -m -s /bin/bash ${BENCH_RC_USER}`,
  ]);
  // sshd (without PAM) refuses even key logins to a locked account: give each a throwaway password.
  execFileSync('chpasswd', {
    input: `${BENCH_USER}:${password}\n${BENCH_RC_USER}:${randomBytes(12).toString('hex')}\n`,
  });
  writeFileSync(`/home/${BENCH_RC_USER}/.bashrc`, RC_FILE);
  writeFileSync(SUDOERS, `${BENCH_USER} ALL=(ALL) ALL\n`, { mode: 0o440 });
  const sshd = await startSshd();
  chmodSync(sshd.dir, 0o711);
  chmodSync(join(sshd.dir, 'authorized_keys'), 0o755);
  for (const user of [BENCH_USER, BENCH_RC_USER])
    copyFileSync(`${sshd.clientKeyFile}.pub`, join(sshd.dir, 'authorized_keys', user));
  const dir = mkdtempSync(join(tmpdir(), 'runner-bench-'));
  const passwordFile = join(dir, 'become-password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  return {
    sshd,
    keyFile: sshd.clientKeyFile,
    key: readFileSync(sshd.clientKeyFile),
    dir,
    passwordFile,
    async cleanup() {
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(SUDOERS, { force: true });
      for (const user of [BENCH_USER, BENCH_RC_USER])
        execFileSync('sh', ['-c', `userdel -r -f ${user} 2>/dev/null || true`]);
    },
  };
}

/**
 * The floor: one raw ssh2 exec per host carrying every command at once, with
 * at most `concurrency` hosts in flight and `maxHandshakes` handshakes: the
 * least work that gets the same commands run.
 */
export async function floor(
  addresses: string[],
  key: Buffer,
  commands: string[],
  options: { concurrency: number; maxHandshakes: number },
): Promise<{ ms: number; failed: number }> {
  const handshakes = new Semaphore(options.maxHandshakes);
  const slots = new Semaphore(options.concurrency);
  const started = performance.now();
  let failed = 0;
  await Promise.all(
    addresses.map((host) =>
      slots.use(async () => {
        const client = new Client();
        try {
          await handshakes.use(
            () =>
              new Promise<void>((resolve, reject) => {
                client.once('ready', () => resolve());
                client.once('error', reject);
                client.connect({
                  host,
                  port: 22,
                  username: BENCH_USER,
                  privateKey: key,
                  readyTimeout: 60_000,
                });
              }),
          );
          await new Promise<void>((resolve, reject) => {
            client.exec(commands.join('; '), (error, channel) => {
              if (error) return reject(error);
              channel.resume();
              channel.stderr.resume();
              channel.on('exit', (code: number) => {
                if (code !== 0) failed++;
              });
              channel.on('close', () => resolve());
            });
          });
        } catch {
          failed++;
        } finally {
          client.end();
        }
      }),
    ),
  );
  return { ms: performance.now() - started, failed };
}
