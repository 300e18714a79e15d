import { definePlayState, type PlayState } from '../../core/plugin/play-state.js';
import { type RegistrationParts, registrationParts } from '../../core/plugin/registration.js';
import { RateLimiter } from '../../core/retry.js';
import type { OptionsResult } from './options.js';
import { AwsClients } from './play/clients.js';
import { RunLedger } from './play/ledger.js';
import { StackCache } from './play/stack-cache.js';
import { Waiters } from './play/waiters.js';

export type { Clients } from './play/clients.js';
export type { HostRecord } from './play/ledger.js';
export { type StackInfo, s3Location } from './play/stack-cache.js';

/** IAM's control plane is per account: the whole fleet shares this budget. */
export const IAM_RATE = { ratePerSecond: 8, burst: 8 };

/**
 * What the register playbook shares across the hosts of one play, one owner
 * per job: the SDK clients, what is read from AWS once (stack, instances,
 * installer), the batched registration pollers, what this run made (ledger,
 * journal, locks) and the IAM rate limit. It lives in the play's state store
 * (REGISTER_PLAY): made on first use, its clients destroyed when the play ends.
 */
export class RegisterPlay {
  readonly clients: AwsClients;
  readonly aws: StackCache;
  readonly waiters: Waiters;
  readonly ledger = new RunLedger();
  /** Each host's register options, parsed once (support.ts optionsOf). */
  readonly options = new Map<string, OptionsResult>();
  readonly iamLimiter: RateLimiter;

  constructor(
    parts: () => RegistrationParts = () => ({ services: new Map(), targets: new Map() }),
    limits = IAM_RATE,
  ) {
    this.clients = new AwsClients(parts);
    this.aws = new StackCache(this.clients);
    this.waiters = new Waiters(this.clients);
    this.iamLimiter = new RateLimiter(limits);
  }
}

/** The register play's shared context, one per play (a module run alone gets its own). */
export const REGISTER_PLAY = definePlayState<RegisterPlay>(
  'opsworks register',
  (state) => new RegisterPlay(() => registrationParts(state)),
  (play) => {
    play.ledger.stopHeartbeats();
    play.clients.destroy();
  },
);

export function playOf(state: PlayState): RegisterPlay {
  return state.get(REGISTER_PLAY);
}
