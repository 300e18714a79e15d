/**
 * The connection layer: the ssh and local connection kinds, as
 * ConnectionFactory objects the engine picks by `ansible_connection`.
 */
import { LocalConnection } from './local/connection.js';
import { SshConnection } from './ssh/connection.js';
import type { ConnectionFactory } from './types.js';

export const sshConnectionFactory: ConnectionFactory = {
  kind: 'ssh',
  create: (spec, run) => new SshConnection(spec, run),
};

export const localConnectionFactory: ConnectionFactory = {
  kind: 'local',
  create: (spec) => new LocalConnection(spec),
};

export { type BecomeCommand, becomeCommand } from './become.js';
export { LocalConnection } from './local/connection.js';
export { SshConnection, validateSshSpec } from './ssh/connection.js';
export { HOST_KEY_CHECKING_OFF_WARNING, hostKeyCheckingIsOff } from './ssh/host-key-check.js';
export { DEFAULT_RUNNER_KNOWN_HOSTS } from './ssh/known-hosts-store.js';
export { type SshRunOptions, sshRun } from './ssh/options.js';
export { jumpFromSshArgs, parseJumpHops } from './ssh/proxy-jump.js';
export type * from './types.js';
