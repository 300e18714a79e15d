import type { HostStatus } from '../../../../core/output/events.js';
import type { FaultsInput, Sandbox, SandboxOptions } from '../../../../sandbox/index.js';

/**
 * The fault matrix, as data: each case starts its own small sandbox, sets its
 * knobs, runs `runner play register` through the real binary, and states what
 * the user must see. The invariants every case shares (every host in the
 * recap, no orphaned IAM user or key, no duplicate instance, no `+N` user, no
 * secret anywhere) live in the test file. The victim is the second host.
 */
export interface Trigger {
  /** Send SIGINT once this is true (polled on the sandbox's records, bounded). */
  when: (sb: Sandbox) => boolean;
  /** A second SIGINT once the runner says it is stopping. */
  twice?: boolean;
}

export interface MatrixCase {
  name: string;
  sandbox?: SandboxOptions;
  faults?: (victim: string) => FaultsInput;
  /** Extra `runner play register` arguments. */
  args?: string[];
  /** Extra inventory text (YAML), merged after the sandbox's own. */
  inventory?: (victim: string) => string;
  interrupt?: Trigger;
  /**
   * The run may leave a host whose outcome it cannot know (its installer killed mid-way): it says
   * so and leaves it to the journal. `runner journal reconcile` settles it, as the run tells the
   * operator, before the IAM and instance invariants are checked.
   */
  reconcile?: boolean;
  code: number;
  /** Expected recap status per host; `victim` for the second host, `others` for the rest. Absent: not pinned. */
  victim?: HostStatus;
  others?: HostStatus;
  /** Words the victim's recap message must contain. */
  victimMsg?: RegExp;
  /** Passwords or other values that must appear nowhere. */
  secrets?: string[];
  /**
   * Then the same command again with the faults cleared: every host ends registered, and the temp
   * dir (with its preconfig) the first run could not remove from the victim is gone from every host.
   */
  rerun?: boolean;
}

export const VICTIM_INDEX = 1;
const SUDO_PASSWORD = 'sudo-right-password-for-the-matrix';
const WRONG_SUDO_PASSWORD = 'sudo-wrong-password-for-the-matrix';

const calledOnce = (operation: string) => (sb: Sandbox) => sb.calls().some((c) => c.operation === operation);
// The installer's own run (its absolute path), not the untar step's `test -x opsworks-agent-installer/...`.
// Any record kind: become runs inside the host's persistent shell, so the command is a `shell` line
// there (sudo's own log only shows the escalated `/bin/sh` it started).
const installStarted = (sb: Sandbox) =>
  sb.commands().some((c) => c.command.includes('/opsworks-agent-installer/boot-registration'));

/** A host's registration is in the waiter: an instance was registered and the fleet's poll has run since. */
const waitStarted = (sb: Sandbox) => {
  const calls = sb.calls();
  const registered = calls.findIndex((c) => c.operation === 'RegisterInstance');
  return registered >= 0 && calls.slice(registered + 1).some((c) => c.operation === 'DescribeInstances');
};

export const CASES: MatrixCase[] = [
  {
    name: 'unreachable host',
    faults: (v) => ({ hostsDown: [v] }),
    code: 4,
    victim: 'unreachable',
    others: 'ok',
  },
  {
    name: 'auth refused',
    faults: (v) => ({ authRefused: [v] }),
    code: 4,
    victim: 'unreachable',
    others: 'ok',
    victimMsg: /auth/i,
  },
  {
    name: 'no banner',
    faults: (v) => ({ noBanner: [v] }),
    args: ['--connect-timeout', '3'],
    code: 4,
    victim: 'unreachable',
    others: 'ok',
  },
  {
    name: 'connection dropped mid-command',
    faults: (v) => ({ hostsVanish: [v] }),
    code: 4,
    victim: 'unreachable',
    others: 'ok',
  },
  {
    name: 'host vanishing mid-install',
    faults: (v) => ({ vanishDuring: [{ host: v, command: 'boot-registration' }] }),
    // Lost mid-task, after IAM entities were made for it: failed, and rolled back.
    code: 2,
    victim: 'failed',
    others: 'ok',
    victimMsg: /connection lost.*rolled back/,
  },
  {
    name: 'changed host key',
    faults: (v) => ({ changedHostKey: [v] }),
    code: 4,
    victim: 'unreachable',
    others: 'ok',
    victimMsg: /REMOTE HOST IDENTIFICATION HAS CHANGED/,
  },
  {
    name: 'wrong sudo password',
    sandbox: { sudoPassword: SUDO_PASSWORD },
    inventory: (v) =>
      [
        'all:',
        '  vars:',
        `    ansible_become_password: ${SUDO_PASSWORD}`,
        '  hosts:',
        `    ${v}:`,
        `      ansible_become_password: ${WRONG_SUDO_PASSWORD}`,
        '',
      ].join('\n'),
    code: 2,
    victim: 'failed',
    others: 'ok',
    victimMsg: /password/i,
    secrets: [SUDO_PASSWORD, WRONG_SUDO_PASSWORD],
  },
  {
    name: '30% throttling on IAM and OpsWorks',
    faults: () => ({ throttle: { iam: { rate: 0.3, seed: 7 }, opsworks: { rate: 0.3, seed: 11 } } }),
    code: 0,
    victim: 'ok',
    others: 'ok',
  },
  {
    name: 'AttachUserPolicy denied',
    faults: () => ({ denyAttachUserPolicy: true }),
    code: 0,
    victim: 'ok',
    others: 'ok',
  },
  {
    name: 'RegisterInstance refused',
    faults: (v) => ({ failRegistration: [v] }),
    code: 2,
    victim: 'failed',
    others: 'ok',
  },
  {
    name: 'setup_failed',
    faults: (v) => ({ setupFailed: [v] }),
    code: 2,
    victim: 'failed',
    others: 'ok',
    victimMsg: /setup_failed/,
  },
  {
    name: 'agent fetch failing once (retried)',
    faults: () => ({ installerFetchFailures: 1 }),
    code: 0,
    victim: 'ok',
    others: 'ok',
  },
  {
    name: 'agent fetch failing always (failed)',
    faults: () => ({ installerFetchFailures: 'always' }),
    code: 2,
    victim: 'failed',
    others: 'failed',
  },
  {
    name: 'SIGINT once, during agent credentials',
    faults: () => ({ latencyMs: { iam: 300 } }),
    interrupt: { when: calledOnce('CreateAccessKey') },
    code: 99,
  },
  {
    name: 'SIGINT twice, during the install',
    interrupt: { when: installStarted, twice: true },
    reconcile: true,
    code: 99,
  },
  {
    name: 'SIGINT once, during the install',
    interrupt: { when: installStarted },
    code: 99,
  },
  {
    name: 'SIGINT once, during the wait',
    // Registration takes a while on the service side, so the hosts are still waiting when it lands.
    sandbox: { registrationDelayMs: 20_000 },
    interrupt: { when: waitStarted },
    code: 99,
  },
  {
    name: 'SIGINT twice, during agent credentials',
    faults: () => ({ latencyMs: { iam: 300 } }),
    interrupt: { when: calledOnce('CreateAccessKey'), twice: true },
    reconcile: true,
    code: 99,
  },
  {
    name: 'SIGINT twice, during the wait',
    sandbox: { registrationDelayMs: 20_000 },
    interrupt: { when: waitStarted, twice: true },
    reconcile: true,
    code: 99,
  },
  {
    name: 'host vanishing during the preconfig upload',
    faults: (v) => ({ vanishOnUpload: [{ host: v, path: 'preconfig' }] }),
    code: 2,
    victim: 'failed',
    others: 'ok',
    // Whichever sees the silence first names it: the SFTP request's deadline or the SSH keepalive.
    victimMsg:
      /(the host stopped answering \(no reply to SFTP write in \d+ s\)|connection lost).*rolled back/,
    rerun: true,
  },
];
