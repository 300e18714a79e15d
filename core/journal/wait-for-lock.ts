import { sleepUnlessAborted } from '../sleep.js';
import type { HostLockSet } from './s3-locks.js';

/** How often a host held by another run is asked for again. */
const LOCK_POLL_MS = 500;

export type LockWait = { ok: true; waitedFor?: string } | { ok: false; reason: string };

/**
 * Takes the host's lock, waiting while another live run holds it, until the
 * deadline or the signal. The refusal names the holder and `where` the host
 * is owned ("on stack …", "in SSM …"), so the user knows which run to look at.
 */
export async function waitForHostLock(
  locks: HostLockSet,
  host: string,
  options: { timeoutMs: number; signal: AbortSignal; where: string },
): Promise<LockWait> {
  const deadline = Date.now() + options.timeoutMs;
  let waitedFor: string | undefined;
  for (;;) {
    const got = await locks.acquire(host);
    if (got.ok) return waitedFor ? { ok: true, waitedFor } : { ok: true };
    waitedFor ??= `run ${got.holder.run} (pid ${got.holder.pid} on ${got.holder.machine})`;
    if (Date.now() > deadline || options.signal.aborted)
      return { ok: false, reason: `another run owns this host ${options.where}: ${waitedFor}` };
    await sleepUnlessAborted(LOCK_POLL_MS, options.signal);
  }
}
