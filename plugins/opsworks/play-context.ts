import { RUN_SCOPE, type RunScope } from '../../core/play/run-scope.js';
import { definePlayState, type PlayState } from '../../core/plugin/play-state.js';
import { type RegistrationParts, registrationParts } from '../../core/plugin/registration.js';
import { RateLimiter, shareOf } from '../../core/retry.js';
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
  readonly ledger: RunLedger;
  /** Each host's register options, parsed once (support.ts optionsOf). */
  readonly options = new Map<string, OptionsResult>();
  readonly iamLimiter: RateLimiter;

  constructor(
    parts: () => RegistrationParts = () => ({ services: new Map(), targets: new Map() }),
    limits = IAM_RATE,
    scope: RunScope = {},
  ) {
    this.ledger = new RunLedger(scope);
    this.clients = new AwsClients(
      parts,
      scope.apiRate ? new RateLimiter(shareOf({ ratePerSecond: scope.apiRate, burst: 8 }, scope)) : undefined,
    );
    this.aws = new StackCache(this.clients);
    this.waiters = new Waiters(this.clients);
    // --api-rate is the account's budget per service: this shard takes its share of it.
    this.iamLimiter = new RateLimiter(shareOf(limits, scope));
  }
}

/** The register play's shared context, one per play (a module run alone gets its own). */
export const REGISTER_PLAY = definePlayState<RegisterPlay>(
  'opsworks register',
  (state) => new RegisterPlay(() => registrationParts(state), IAM_RATE, state.get(RUN_SCOPE)),
  (play) => {
    play.ledger.stopHeartbeats();
    play.clients.destroy();
  },
);

export function playOf(state: PlayState): RegisterPlay {
  return state.get(REGISTER_PLAY);
}
