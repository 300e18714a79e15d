import { shQuote } from '../../core/connection/quote.js';
import type { AgentPackage } from './options.js';

/**
 * The SSM agent on a host, as commands plus pure parsers (tested on strings).
 * `RUNNER_SANDBOX_ROOT` prefixes the agent's paths on sandbox hosts, where
 * the agent installs under the host's root.
 */
export const REGISTRATION_FILE = '/var/lib/amazon/ssm/registration';

/** Is the agent installed, and what does its registration file say (read with become: it is 0600 root's)? */
export const AGENT_STATE_COMMAND = [
  `r="\${RUNNER_SANDBOX_ROOT:-}"`,
  'if command -v amazon-ssm-agent >/dev/null 2>&1 || [ -x "$r/usr/bin/amazon-ssm-agent" ] || [ -x /snap/amazon-ssm-agent/current/amazon-ssm-agent ]; then echo "@@agent"; fi',
  `if [ -r "$r${REGISTRATION_FILE}" ]; then echo "@@registration"; head -c 4096 "$r${REGISTRATION_FILE}"; echo; fi`,
  'if [ -d /run/systemd/system ]; then echo "@@init systemd"; elif command -v initctl >/dev/null 2>&1; then echo "@@init upstart"; else echo "@@init other"; fi',
].join('; ');

export interface SsmAgentState {
  installed: boolean;
  /** The managed node ID and region the agent's registration file names. */
  registration?: { instanceId: string; region: string };
  init: 'systemd' | 'upstart' | 'other';
}

export function parseAgentState(stdout: string): SsmAgentState {
  const installed = /^@@agent$/m.test(stdout);
  const init = (/^@@init (\S+)$/m.exec(stdout)?.[1] ?? 'other') as SsmAgentState['init'];
  let registration: SsmAgentState['registration'];
  const at = stdout.indexOf('@@registration\n');
  if (at >= 0) {
    const line = stdout.slice(at + '@@registration\n'.length).split('\n')[0] ?? '';
    try {
      const parsed = JSON.parse(line) as { ManagedInstanceID?: unknown; Region?: unknown };
      if (typeof parsed.ManagedInstanceID === 'string' && parsed.ManagedInstanceID)
        registration = { instanceId: parsed.ManagedInstanceID, region: String(parsed.Region ?? '') };
    } catch {
      // An unreadable file is no registration: the agent itself would register again.
    }
  }
  return { installed, ...(registration ? { registration } : {}), init };
}

/** What to do with a host, from its agent's registration and what the service lists. */
export type RegistrationDecision =
  | { kind: 'register' }
  | { kind: 'registered'; instanceId: string }
  | { kind: 'elsewhere'; instanceId: string; region: string; reason: string };

export function decide(
  state: SsmAgentState,
  region: string,
  listedInAccount: (instanceId: string) => boolean,
  reregister: boolean,
): RegistrationDecision {
  const r = state.registration;
  if (!r) return { kind: 'register' };
  if (r.region === region && listedInAccount(r.instanceId))
    return { kind: 'registered', instanceId: r.instanceId };
  if (reregister) return { kind: 'register' };
  const where =
    r.region === region
      ? `not a node of this account in ${region}`
      : `registered in ${r.region || 'an unknown region'}`;
  return {
    kind: 'elsewhere',
    instanceId: r.instanceId,
    region: r.region,
    reason: `the agent is registered as ${r.instanceId} (${where}); set ssm_reregister: true to register it here`,
  };
}

/** The package format for the host: the option, else from its package manager (deb, rpm). */
export function packageFor(
  chosen: AgentPackage,
  pkgMgr: string | undefined,
): Exclude<AgentPackage, 'auto'> | undefined {
  if (chosen !== 'auto') return chosen;
  if (pkgMgr === 'apt') return 'deb';
  if (pkgMgr && ['yum', 'dnf', 'zypper'].includes(pkgMgr)) return 'rpm';
  return undefined;
}

/** AWS's architecture names in the download paths. */
export function archFor(arch: string | undefined): 'amd64' | 'arm64' | undefined {
  if (!arch || /x86_64|amd64/.test(arch)) return 'amd64';
  if (/aarch64|arm64/.test(arch)) return 'arm64';
  return undefined;
}

/** The regional download location of the package (not for snap, which comes from the Snap Store). */
export function packageUrl(base: string, pkg: 'deb' | 'rpm' | 'tarball', arch: 'amd64' | 'arm64'): string {
  const b = base.replace(/\/+$/, '');
  if (pkg === 'deb') return `${b}/debian_${arch}/amazon-ssm-agent.deb`;
  if (pkg === 'rpm') return `${b}/linux_${arch}/amazon-ssm-agent.rpm`;
  return `${b}/linux_${arch}/amazon-ssm-agent.tar.gz`;
}

export const PACKAGE_FILE = {
  deb: 'amazon-ssm-agent.deb',
  rpm: 'amazon-ssm-agent.rpm',
  tarball: 'amazon-ssm-agent.tar.gz',
};

const TEMP_NAME = /^ssm-register\.[A-Za-z0-9]{8}$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function newTempDirName(random: (n: number) => Buffer): string {
  return `ssm-register.${[...random(8)].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`;
}

/** A 0700 directory by a name the controller chose (and journaled) first. */
export function makeTempDirCommand(name: string): string {
  if (!TEMP_NAME.test(name)) throw new Error(`not a temp dir name of ours: ${name}`);
  return `umask 077 && d="\${TMPDIR:-/tmp}/${name}" && mkdir -m 700 -- "$d" && printf '%s\\n' "$d"`;
}

export function isOurTempDir(path: string): boolean {
  return /^\/[^\s'"`$\\]*\/ssm-register\.[A-Za-z0-9]{8}$/.test(path);
}

export function removeTempDirCommand(name: string): string {
  if (!TEMP_NAME.test(name)) throw new Error(`not a temp dir name of ours: ${name}`);
  return `rm -rf -- "\${TMPDIR:-/tmp}/${name}"`;
}

export function downloadCommand(dir: string, url: string, pkg: 'deb' | 'rpm' | 'tarball'): string {
  return [
    'umask 077',
    `cd ${shQuote(dir)}`,
    `curl --silent --show-error --fail --location --retry 5 --retry-delay 2 --retry-connrefused --connect-timeout 20 --max-time 600 -o ${PACKAGE_FILE[pkg]} ${shQuote(url)}`,
  ].join(' && ');
}

/** Installs the package in the directory (with become); snap from the Snap Store. */
export function installCommand(dir: string, pkg: 'deb' | 'rpm' | 'snap' | 'tarball'): string {
  const d = shQuote(dir);
  switch (pkg) {
    case 'deb':
      return `dpkg -i ${d}/${PACKAGE_FILE.deb}`;
    case 'rpm':
      return `if command -v yum >/dev/null 2>&1; then yum install -y ${d}/${PACKAGE_FILE.rpm}; else rpm -U --replacepkgs ${d}/${PACKAGE_FILE.rpm}; fi`;
    case 'snap':
      return 'snap install amazon-ssm-agent --classic';
    case 'tarball':
      return `cd ${d} && tar -xzf ${PACKAGE_FILE.tarball} && ./amazon-ssm-agent/install`;
  }
}

/**
 * The registration script, put as a 0600 file in the 0700 directory: the
 * activation code reaches the host only inside it (never a command line of
 * runner's, never output), and the agent gets it on its own command line, as
 * the real agent needs, for the seconds registration takes. A running agent
 * is stopped first and started after, as AWS's instructions do.
 */
export function registerScript(activation: { id: string; code: string; region: string }): string {
  return [
    '#!/bin/sh',
    `svc() { if [ -z "\${RUNNER_SANDBOX_ROOT:-}" ] && [ -d /run/systemd/system ]; then systemctl "$1" amazon-ssm-agent >/dev/null 2>&1 || snap "$1" amazon-ssm-agent >/dev/null 2>&1 || true; fi; }`,
    'svc stop',
    `amazon-ssm-agent -register -code ${shQuote(activation.code)} -id ${shQuote(activation.id)} -region ${shQuote(activation.region)} -y`,
    'rc=$?',
    'svc start',
    'exit $rc',
    '',
  ].join('\n');
}

/** Runs the script with become; the trap removes the directory (and the code with it) whatever happens. */
export function runRegisterCommand(dir: string): string {
  const d = shQuote(dir);
  return `trap 'rm -rf -- ${d}' EXIT HUP INT TERM; PATH="\${RUNNER_SANDBOX_ROOT:-}/usr/bin:/snap/bin:$PATH" sh ${d}/register`;
}

export function removeCommand(dir: string): string {
  return `rm -rf -- ${shQuote(dir)}`;
}

/** `Successfully registered the instance with AWS SSM using Managed instance-id: mi-…` */
export function parseManagedInstanceId(stdout: string): string | undefined {
  return /Managed instance-id: (mi-[0-9a-f]{17})/.exec(stdout)?.[1];
}

/** Forgets the registration on the host (rollback): the agent's own -clear. */
export const CLEAR_COMMAND = `PATH="\${RUNNER_SANDBOX_ROOT:-}/usr/bin:/snap/bin:$PATH"; command -v amazon-ssm-agent >/dev/null 2>&1 && amazon-ssm-agent -register -clear >/dev/null 2>&1; r="\${RUNNER_SANDBOX_ROOT:-}"; rm -f -- "$r/var/lib/amazon/ssm/registration"`;

/** Removes the agent package (rollback with ssm_remove_agent_on_failure). */
export function uninstallCommand(pkg: 'deb' | 'rpm' | 'snap' | 'tarball' | undefined): string {
  switch (pkg) {
    case 'deb':
      return 'dpkg -r amazon-ssm-agent';
    case 'rpm':
      return 'if command -v yum >/dev/null 2>&1; then yum remove -y amazon-ssm-agent; else rpm -e amazon-ssm-agent; fi';
    case 'snap':
      return 'snap remove amazon-ssm-agent';
    default:
      return `r="\${RUNNER_SANDBOX_ROOT:-}"; rm -rf -- "$r/usr/bin/amazon-ssm-agent" "$r/usr/lib/amazon-ssm-agent" "$r/etc/amazon/ssm"`;
  }
}
