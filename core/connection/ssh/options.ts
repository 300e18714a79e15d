import { RunnerError } from '../../errors.js';
import type { ConnectionRunOptions } from '../types.js';

export type HostKeyMode = 'strict' | 'accept-new' | 'off';

/** The ssh kind's settings for a run: `kinds.ssh` of ConnectionRunOptions. */
export interface SshRunOptions {
  connectTimeoutMs?: number;
  /** How many handshakes may be in flight at once across the run; default 32. */
  maxHandshakes?: number;
  /** Default accept-new. */
  hostKeyChecking?: HostKeyMode;
  /** Extra known_hosts files to read (`--known-hosts FILE`). */
  knownHostsFiles?: string[];
  /** Ask for an SSH password (once per run) when a host wants one and the spec has none, like `ansible -k`. */
  askPassword?: boolean;
  /** Where accept-new records keys; default ~/.runner/known_hosts. Also read. */
  recordKnownHostsFile?: string;
  /** Read ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts too; default true. */
  systemKnownHosts?: boolean;
  /** Keepalive interval; default 15000 (ssh2 gives up after 3 unanswered). 0 turns it off. */
  keepaliveIntervalMs?: number;
  /** Reconnect attempts on refused/reset connections; default 3. Never on auth or host key failure. */
  connectRetries?: number;
  /** Run commands through one long-lived shell channel per host; default true. */
  persistentShell?: boolean;
}

/** SshRunOptions with its defaults filled in, plus the run-wide signal and prompt. */
export type SshRun = Required<Omit<SshRunOptions, 'askPassword' | 'recordKnownHostsFile'>> &
  Pick<SshRunOptions, 'askPassword' | 'recordKnownHostsFile'> &
  Pick<ConnectionRunOptions, 'signal' | 'prompt'>;

const HOST_KEY_MODES: readonly HostKeyMode[] = ['strict', 'accept-new', 'off'];

/** Reads and checks `kinds.ssh` once per run (the ssh kind validates its options when built). */
export function sshRunOptions(run: ConnectionRunOptions): SshRun {
  const given = (run.kinds?.ssh ?? {}) as SshRunOptions;
  const invalid = (what: string) =>
    new RunnerError('CONNECTION_OPTIONS_INVALID', `ssh connection options: ${what}`);
  const hostKeyChecking = given.hostKeyChecking ?? 'accept-new';
  if (!HOST_KEY_MODES.includes(hostKeyChecking))
    throw invalid(`hostKeyChecking must be one of ${HOST_KEY_MODES.join(', ')}, not "${hostKeyChecking}"`);
  const maxHandshakes = given.maxHandshakes ?? 32;
  if (!Number.isInteger(maxHandshakes) || maxHandshakes < 1)
    throw invalid(`maxHandshakes must be a whole number of at least 1, not ${maxHandshakes}`);
  return {
    connectTimeoutMs: given.connectTimeoutMs ?? 10_000,
    maxHandshakes,
    hostKeyChecking,
    knownHostsFiles: given.knownHostsFiles ?? [],
    askPassword: given.askPassword,
    recordKnownHostsFile: given.recordKnownHostsFile,
    systemKnownHosts: given.systemKnownHosts ?? true,
    keepaliveIntervalMs: given.keepaliveIntervalMs ?? 15_000,
    connectRetries: given.connectRetries ?? 3,
    persistentShell: given.persistentShell ?? true,
    signal: run.signal,
    prompt: run.prompt,
  };
}

/** Run options carrying ssh settings, for callers that build them (the engine, tests, bench). */
export function sshRun(
  ssh: SshRunOptions & Pick<ConnectionRunOptions, 'signal' | 'prompt'>,
): ConnectionRunOptions {
  const { signal, prompt, ...kind } = ssh;
  return { signal, prompt, kinds: { ssh: kind } };
}
