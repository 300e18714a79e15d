import type { OpsInstance, OpsWorksStatus } from '../../state/model.js';

/**
 * Instance statuses move on the sandbox clock, not on timers: each change is
 * queued with the time it takes effect and applied when the instance is read.
 * An injected clock therefore drives registration as well as policy expiry.
 */
export function advance(instance: OpsInstance, now: number): OpsInstance {
  while (instance.pending.length > 0 && instance.pending[0].at <= now) {
    const next = instance.pending.shift();
    if (next) instance.Status = next.status;
  }
  return instance;
}

/** Replaces the queue: `steps` are [status, delay from now in ms]. */
export function schedule(instance: OpsInstance, now: number, steps: Array<[OpsWorksStatus, number]>): void {
  instance.pending = steps.map(([status, delay]) => ({ status, at: now + delay }));
  advance(instance, now);
}

/** registering -> running_setup (half-way) -> registered, or setup_failed when a fault says so. */
export function registrationSteps(delayMs: number, fails: boolean): Array<[OpsWorksStatus, number]> {
  return [
    ['running_setup', Math.floor(delayMs / 2)],
    [fails ? 'setup_failed' : 'registered', delayMs],
  ];
}
