import { type LockWait, waitForHostLock } from '../../core/journal/wait-for-lock.js';
import type { ModuleContext } from '../../core/plugin/types.js';
import type { SsmOptions } from './options.js';
import type { SsmHostRecord, SsmPlay } from './play.js';

export type SsmClaim = LockWait;

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
  const claim = await waitForHostLock(play.locks(o), ctx.host, {
    timeoutMs: o.waitTimeoutMs,
    signal: ctx.signal,
    where: `in SSM ${o.region}`,
  });
  if (claim.ok) record.locked = true;
  return claim;
}

/** Lets the host go (when it ends, whatever happened). */
export async function releaseHost(play: SsmPlay, record: SsmHostRecord, host: string): Promise<void> {
  if (!record.locked) return;
  record.locked = false;
  await play.locks(record.options).release(host);
}
