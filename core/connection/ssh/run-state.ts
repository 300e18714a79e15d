import type { Client, ParsedKey } from 'ssh2';
import type { Secret } from '../../secret.js';
import { Semaphore } from '../semaphore.js';
import type { ConnectionRunOptions } from '../types.js';
import { DEFAULT_RUNNER_KNOWN_HOSTS, KnownHostsStore, SYSTEM_KNOWN_HOSTS } from './known-hosts-store.js';
import { type SshRun, sshRunOptions } from './options.js';

/** A jump host connection shared by every host behind it, closed when the last one lets go. */
export interface SharedJump {
  client: Promise<Client>;
  users: number;
}

/**
 * What every connection of one run shares, keyed by the run options object
 * itself: the engine passes one ConnectionRunOptions to every create().
 */
export interface RunState {
  /** The run's ssh settings, read and checked once. */
  options: SshRun;
  handshakes: Semaphore;
  knownHosts: KnownHostsStore;
  /** Parsed private keys by file: a bcrypt-protected key costs ~100ms to decrypt, once. */
  keys: Map<string, Promise<ParsedKey | undefined>>;
  /** The run's SSH password, asked once. */
  password?: Promise<Secret | undefined>;
  jumps: Map<string, SharedJump>;
  /**
   * What each open connection does when the run's kill signal fires. One
   * listener on the signal calls them all: Node's EventTarget scans its
   * listeners on every add and remove, so a listener per host (1,000 open at
   * once) made every command's own add/remove cost grow with the fleet.
   */
  onKill: Set<() => void>;
}

const states = new WeakMap<ConnectionRunOptions, RunState>();

export function runState(run: ConnectionRunOptions): RunState {
  let state = states.get(run);
  if (!state) {
    const options = sshRunOptions(run);
    const recordFile = options.recordKnownHostsFile ?? DEFAULT_RUNNER_KNOWN_HOSTS;
    const files = [...(options.systemKnownHosts ? SYSTEM_KNOWN_HOSTS : []), ...options.knownHostsFiles];
    state = {
      options,
      handshakes: new Semaphore(options.maxHandshakes),
      knownHosts: new KnownHostsStore(files, recordFile),
      keys: new Map(),
      jumps: new Map(),
      onKill: new Set(),
    };
    const onKill = state.onKill;
    run.signal?.addEventListener(
      'abort',
      () => {
        for (const kill of [...onKill]) kill();
      },
      { once: true },
    );
    states.set(run, state);
  }
  return state;
}
