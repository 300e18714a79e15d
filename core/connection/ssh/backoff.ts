/**
 * Reconnect schedule: exponential with "full jitter" (AWS architecture blog),
 * so hundreds of hosts refused by one overloaded sshd do not all come back in
 * the same millisecond. Bounded: `retries` attempts after the first.
 */
export interface BackoffOptions {
  retries: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { retries: 3, baseMs: 250, maxMs: 4000 };

/** Delay before retry `attempt` (1-based); `random` in [0,1) is injectable for tests. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** (attempt - 1));
  // Half fixed, half jitter: never retries instantly, still spreads the herd.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The whole schedule, for logs and tests. */
export function backoffSchedule(options: BackoffOptions, random: () => number = Math.random): number[] {
  const out: number[] = [];
  for (let attempt = 1; attempt <= options.retries; attempt++)
    out.push(backoffDelay(attempt, options, random));
  return out;
}
