import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SshRunOptions, sshRun } from '../../../core/connection/ssh/options.js';
import type { ConnectionRunOptions, ConnectionSpec } from '../../../core/connection/types.js';
import { isRunnerError, type RunnerError } from '../../../core/errors.js';

/** Shared helpers for the real-sshd suites: local users, sudoers, run options. */
export const TEST_PASSWORD = 'correct horse 7';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'runner-conn-'));
}

export function runOptions(
  dir: string,
  extra: SshRunOptions & Pick<ConnectionRunOptions, 'prompt' | 'signal'> = {},
): ConnectionRunOptions {
  return sshRun({
    connectTimeoutMs: 15_000,
    maxHandshakes: 16,
    hostKeyChecking: 'accept-new',
    knownHostsFiles: [],
    recordKnownHostsFile: join(dir, 'known_hosts'),
    systemKnownHosts: false,
    ...extra,
  });
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

/**
 * Suites run in parallel, so each owns its users (sshd has authorized_keys
 * for runner-test, runner-nopw and runner-pw): ssh-hosts takes runner-test
 * (sudo with a password) and runner-nopw (sudo without), ssh-auth runner-pw.
 * Every user gets TEST_PASSWORD (sshd refuses any login to a locked account).
 */
export function createUsers(users: string[]): void {
  removeUsers(users);
  for (const user of users) execFileSync('useradd', ['-m', '-s', '/bin/sh', user]);
  execFileSync('chpasswd', { input: users.map((u) => `${u}:${TEST_PASSWORD}\n`).join('') });
  const rules = users.map((u) =>
    u === 'runner-nopw' ? `${u} ALL=(ALL) NOPASSWD: ALL\n` : `${u} ALL=(ALL) ALL\n`,
  );
  writeFileSync(sudoersFile(users), rules.join(''), { mode: 0o440 });
}

function sudoersFile(users: string[]): string {
  return `/etc/sudoers.d/runner-connection-test-${users.join('-')}`;
}

export function removeUsers(users: string[]): void {
  rmSync(sudoersFile(users), { force: true });
  for (const user of users) {
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

/** The RunnerError a piece of work fails with (anything else is rethrown). */
export async function failure(work: Promise<unknown>): Promise<RunnerError> {
  try {
    await work;
  } catch (error) {
    if (isRunnerError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}
