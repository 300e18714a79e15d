import type { HostHookContext, PlayHookContext } from '../../core/plugin/types.js';
import type { RegisterOptions } from './options.js';
import { type HostRecord, playOf, type RegisterPlay } from './play-context.js';
import { bindService } from './service.js';
import { rollbackHost } from './support.js';

/**
 * The play's shared context (clients, the stack and its instances fetched
 * once, the IAM limiter, the batched waiter) is made on first use in the
 * play's state store. afterHost: a host that ended failed or unreachable after this run made IAM
 * entities or an instance for it gets them removed, whatever step failed
 * (a user's own task included), and a warning says what was rolled back;
 * the journal records how each host ended and its lock is released.
 * afterPlay: this run's journals are closed with an `end` record.
 */
/** Binds OpsWorks as the play's registration service, for the infrastructure, credential and check plugins. */
export function beforePlay(ctx: PlayHookContext): void {
  bindService(ctx.state);
}

export async function afterHost(ctx: HostHookContext): Promise<void> {
  const play = playOf(ctx.state);
  const record = play.ledger.host(ctx.host);
  const o = record.options;
  if (!o) return;
  try {
    await settle(ctx, play, record, o);
  } finally {
    if (record.locked) {
      await play.ledger.locks(o).release(ctx.host);
      record.locked = false;
    }
  }
}

/** Rolls back a failed host, then writes in the journal how the host ended (committed or rolled back). */
async function settle(
  ctx: HostHookContext,
  play: RegisterPlay,
  record: HostRecord,
  o: RegisterOptions,
): Promise<void> {
  const journal = play.ledger.journal(o);
  if (record.committed) {
    await journal.settle(ctx.host, 'committed');
    return;
  }
  const failed = ctx.results.some((r) => (r.status === 'failed' && !r.ignored) || r.status === 'unreachable');
  // Interrupted (Ctrl-C, SIGTERM) between steps: a host with only IAM entities is rolled back; one
  // already registered keeps everything (never an IAM user deleted under its instance) and the
  // journal lets the next run confirm it.
  const interrupted = ctx.signal.aborted && !failed;
  if (interrupted && record.instanceId) {
    ctx.emit({
      type: 'warning',
      host: ctx.host,
      message: `interrupted after registering as ${record.instanceId}: kept; the next run confirms it`,
    });
    return;
  }
  if ((failed || interrupted) && (record.iam?.user || record.instanceId || record.bootInFlight)) {
    const summary = await rollbackHost(play, o, record, { deregister: true });
    if (summary) ctx.emit({ type: 'warning', host: ctx.host, message: summary });
  }
  // Only a complete rollback settles the host; otherwise the next run finishes the job from the journal.
  if (!record.rollbackFailed && !record.iam?.user && !record.instanceId)
    await journal.settle(ctx.host, 'rolled-back');
}

export async function afterPlay(ctx: PlayHookContext): Promise<void> {
  await playOf(ctx.state).ledger.endJournals();
}
