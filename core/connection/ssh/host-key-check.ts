import type { RunnerError } from '../../errors.js';
import { connectionError } from '../errors.js';
import { checkHostKey, fingerprint, keyTypeOf } from './known-hosts.js';
import type { KnownHostsStore } from './known-hosts-store.js';
import type { HostKeyMode } from './options.js';

/** What the caller prints when a run turns host key checking off. */
export const HOST_KEY_CHECKING_OFF_WARNING =
  'host key checking is off: any machine answering at a host address is trusted (possible man-in-the-middle)';

/** True when the caller must print HOST_KEY_CHECKING_OFF_WARNING before connecting. */
export function hostKeyCheckingIsOff(run: { hostKeyChecking?: HostKeyMode }): boolean {
  return run.hostKeyChecking === 'off';
}

export interface HostKeyTarget {
  host: string;
  place: string;
  address: string;
  port: number;
}

/**
 * Decides on a host key as ssh(1) does with StrictHostKeyChecking yes /
 * accept-new / no: returns undefined to accept, or the error to refuse with.
 * A changed or revoked key is refused in every mode but `off`.
 */
export async function verifyHostKey(
  store: KnownHostsStore,
  mode: HostKeyMode,
  target: HostKeyTarget,
  key: Buffer,
): Promise<RunnerError | undefined> {
  if (mode === 'off') return undefined;
  const { host, place, address, port } = target;
  const verdict = checkHostKey(await store.entries(), address, port, key);
  const type = (keyTypeOf(key) ?? 'unknown').replace(/^ssh-/, '').toUpperCase();
  switch (verdict.status) {
    case 'known':
      return undefined;
    case 'revoked':
      return connectionError(
        'HOST_KEY_REVOKED',
        host,
        place,
        `the ${type} host key ${fingerprint(key)} is marked @revoked in ${verdict.entry.file}:${verdict.entry.line}; refusing to connect`,
      );
    case 'changed':
      return connectionError(
        'HOST_KEY_CHANGED',
        host,
        place,
        `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! the host offers ${type} key ${fingerprint(key)} but ` +
          `${verdict.known.file}:${verdict.known.line} has ${fingerprint(verdict.known.key)}; ` +
          'refusing to connect (someone could be eavesdropping, or the host was reinstalled: ' +
          `remove the old line to accept the new key)`,
      );
    case 'unknown':
      if (mode === 'strict') {
        return connectionError(
          'HOST_KEY_UNKNOWN',
          host,
          place,
          `unknown ${type} host key ${fingerprint(key)} and host key checking is strict; refusing to connect`,
        );
      }
      await store.record(address, port, key);
      return undefined;
  }
}
