import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionRunOptions, ConnectionSpec } from '../../../core/connection/types.js';

/** Shared helpers for the real-sshd suites: local users, sudoers, run options. */
export const TEST_PASSWORD = 'correct horse 7';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'runner-conn-'));
}

export function runOptions(dir: string, extra: Partial<ConnectionRunOptions> = {}): ConnectionRunOptions {
  return {
    connectTimeoutMs: 15_000,
    maxHandshakes: 16,
    hostKeyChecking: 'accept-new',
    knownHostsFiles: [],
    recordKnownHostsFile: join(dir, 'known_hosts'),
    systemKnownHosts: false,
    ...extra,
  };
}

export function hostSpec(address: string, extra: Partial<ConnectionSpec> = {}): ConnectionSpec {
  return { host: address, address, port: 22, user: 'root', vars: {}, ...extra };
}

/**
 * sshd reads authorized_keys with the user's own privileges, and startSshd's
 * directory is mkdtemp's 0700: open it up so non-root users can log in with keys.
 */
export function letUsersReadKeys(sshdDir: string): void {
  chmodSync(sshdDir, 0o711);
  chmodSync(join(sshdDir, 'authorized_keys'), 0o755);
}

const USERS = ['runner-test', 'runner-nopw'];
const SUDOERS = '/etc/sudoers.d/runner-connection-test';

/** runner-test (password, sudo with password) and runner-nopw (sudo without password). */
export function createUsers(): void {
  removeUsers();
  for (const user of USERS) execFileSync('useradd', ['-m', '-s', '/bin/sh', user]);
  execFileSync('chpasswd', { input: `runner-test:${TEST_PASSWORD}\nrunner-nopw:${TEST_PASSWORD}x\n` });
  writeFileSync(SUDOERS, 'runner-test ALL=(ALL) ALL\nrunner-nopw ALL=(ALL) NOPASSWD: ALL\n', { mode: 0o440 });
}

export function removeUsers(): void {
  rmSync(SUDOERS, { force: true });
  for (const user of USERS) {
    if (!existsSync(`/home/${user}`) && !hasUser(user)) continue;
    try {
      execFileSync('userdel', ['-r', '-f', user], { stdio: 'ignore' });
    } catch {}
  }
}

function hasUser(user: string): boolean {
  try {
    execFileSync('id', [user], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
