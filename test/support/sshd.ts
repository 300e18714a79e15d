import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real OpenSSH sshd (Debian's openssh-server) for integration tests, started
 * inside the network namespace test/support/netns-run.mjs made, bound to
 * 0.0.0.0:22 there, so every 127.x.y.z is a distinct host. It has its own host
 * key, a client key in authorized_keys for every user, and its own config.
 */
export const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  dir: string;
  port: number;
  /** Private key accepted for every user. */
  clientKeyFile: string;
  /** The server's public host key line (`ssh-ed25519 AAAA…`). */
  hostKeyLine: string;
  /** known_hosts listing every address in `addresses` with the host key. */
  knownHostsFile: string;
  logFile: string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Extra sshd_config lines. */
  config?: string[];
  /** Addresses written to knownHostsFile. */
  knownAddresses?: string[];
  /** Port to listen on (default 22); a second sshd on another port has its own host key. */
  port?: number;
  /** Set false to leave out the `Subsystem sftp` line (a host without SFTP). */
  sftp?: boolean;
  /** sshd's LogLevel (default ERROR); DEBUG3 logs every request a client makes, in logFile. */
  logLevel?: string;
}

/** Why the real-sshd suites cannot run here, or undefined when they can. */
export function sshdUnavailableReason(): string | undefined {
  if (!existsSync(SSHD)) {
    return `real-sshd tests need OpenSSH's server: apt-get install -y openssh-server (no ${SSHD})`;
  }
  if (!process.env.RUNNER_NETNS) {
    return 'real-sshd tests run inside a network namespace: use `npm test` as root (it runs test/support/netns-run.mjs)';
  }
  return undefined;
}

/**
 * Throws the install or launch hint, unless RUNNER_TEST_SKIP_SSHD=1 explicitly
 * allows skipping (never set in CI). Returns true when the suite should run.
 */
export function requireSshd(): boolean {
  const reason = sshdUnavailableReason();
  if (!reason) return true;
  if (process.env.RUNNER_TEST_SKIP_SSHD === '1' && !process.env.CI) {
    console.warn(`skipping real-sshd suite: ${reason}`);
    return false;
  }
  throw new Error(reason);
}

/**
 * `count` distinct loopback addresses from 127.0.<block>.1 upward, skipping
 * the .0 and .255 last octets that some tools treat as network/broadcast.
 */
export function loopbackAddresses(count: number, block = 1): string[] {
  const out: string[] = [];
  for (let n = block * 256; out.length < count; n++) {
    const last = n & 255;
    if (last === 0 || last === 255) continue;
    out.push(`127.${(n >> 16) & 255}.${(n >> 8) & 255}.${last}`);
  }
  return out;
}

function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = createConnection({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd did not listen on ${host}:${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'runner-sshd-'));
  const port = options.port ?? 22;
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const clientKeyFile = join(dir, 'client_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKeyFile]);
  const authDir = join(dir, 'authorized_keys');
  mkdirSync(authDir);
  const clientPub = readFileSync(`${clientKeyFile}.pub`, 'utf8');
  for (const user of ['root', 'runner-test', 'runner-nopw', 'runner-pw']) {
    writeFileSync(join(authDir, user), clientPub);
  }
  const hostKeyLine = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const knownHostsFile = join(dir, 'known_hosts');
  const knownName = (a: string) => (port === 22 ? a : `[${a}]:${port}`);
  writeFileSync(
    knownHostsFile,
    (options.knownAddresses ?? []).map((a) => `${knownName(a)} ${hostKeyLine}\n`).join(''),
  );
  const logFile = join(dir, 'sshd.log');
  const config = [
    `Port ${port}`,
    'ListenAddress 0.0.0.0',
    `HostKey ${hostKey}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${authDir}/%u`,
    'StrictModes no',
    'UsePAM no',
    'PermitRootLogin yes',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication yes',
    'PubkeyAuthentication yes',
    // Hundreds of hosts handshake at once in the fleet tests.
    'MaxStartups 4000',
    'MaxSessions 1000',
    'LoginGraceTime 60',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    `LogLevel ${options.logLevel ?? 'ERROR'}`,
    // A login shell that runs pyenv (root's on the CI machines) waits up to 60 s for pyenv's
    // rehash lock, and a login shell killed mid-rehash (timeout tests kill remote process
    // groups) leaves that lock behind: every later login would pay the full minute.
    'SetEnv PYENV_REHASH_TIMEOUT=2',
    ...(options.sftp === false ? [] : ['Subsystem sftp internal-sftp']),
    ...(options.config ?? []),
  ];
  const configFile = join(dir, 'sshd_config');
  writeFileSync(configFile, `${config.join('\n')}\n`);
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', configFile, '-E', logFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      waitForPort('127.0.0.1', port, 60_000),
      exited.then(() => {
        throw new Error(`sshd exited at start: ${stderr || readLog(logFile)}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    port,
    clientKeyFile,
    hostKeyLine,
    knownHostsFile,
    logFile,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Deletes a test user (home included) and its sudoers file; quiet when neither exists. */
export function removeTestUser(user: string, sudoers: string): void {
  rmSync(sudoers, { force: true });
  try {
    execFileSync('userdel', ['-r', '-f', user], { stdio: 'ignore' });
  } catch {}
}
