import type { ModuleContext } from '../../core/plugin/types.js';
import { sleepUnlessAborted } from '../../core/sleep.js';
import type { SsmOptions } from './options.js';
import type { SsmHostRecord, SsmPlay } from './play.js';

const LOCK_POLL_MS = 500;

export type SsmClaim = { ok: true; waitedFor?: string } | { ok: false; reason: string };

/**
 * Before the host's state is read: take its lock for the region's SSM,
 * waiting (up to ssm_wait_timeout) while another live run owns it, so two
 * runs at once never both register it. The waiting run then reads the agent
 * the other run registered and leaves the host alone.
 */
export async function claimHost(
  ctx: Pick<ModuleContext, 'host' | 'signal'>,
  play: SsmPlay,
  record: SsmHostRecord,
  o: SsmOptions,
): Promise<SsmClaim> {
  if (record.locked) return { ok: true };
  const locks = play.locks(o);
  const deadline = Date.now() + o.waitTimeoutMs;
  let waitedFor: string | undefined;
  for (;;) {
    const got = await locks.acquire(ctx.host);
    if (got.ok) break;
    waitedFor ??= `run ${got.holder.run} (pid ${got.holder.pid} on ${got.holder.machine})`;
    if (Date.now() > deadline || ctx.signal.aborted)
      return { ok: false, reason: `another run owns this host in SSM ${o.region}: ${waitedFor}` };
    await sleepUnlessAborted(LOCK_POLL_MS, ctx.signal);
  }
  record.locked = true;
  return { ok: true, ...(waitedFor ? { waitedFor } : {}) };
}

/** Lets the host go (when it ends, whatever happened). */
export async function releaseHost(play: SsmPlay, record: SsmHostRecord, host: string): Promise<void> {
  if (!record.locked) return;
  record.locked = false;
  await play.locks(record.options).release(host);
}
