import type { HostHookContext, PlayHookContext } from '../../core/plugin/types.js';
import { PLAY_KEY, playOf, RegisterPlay } from './play-context.js';
import { rollbackHost } from './support.js';

/**
 * beforePlay: a fresh shared context for the play (clients, the stack and
 * its instances fetched once, the IAM limiter, the batched waiter).
 * afterHost: a host that ended failed or unreachable after this run made IAM
 * entities or an instance for it gets them removed, whatever step failed
 * (a user's own task included), and a warning says what was rolled back.
 */
export function beforePlay(ctx: PlayHookContext): void {
  ctx.vars[PLAY_KEY] = new RegisterPlay();
}

export async function afterHost(ctx: HostHookContext): Promise<void> {
  const play = playOf(ctx.vars);
  const record = play.host(ctx.host);
  if (record.committed || (!record.iam?.user && !record.instanceId)) return;
  const failed = ctx.results.some((r) => (r.status === 'failed' && !r.ignored) || r.status === 'unreachable');
  if (!failed) return;
  if (!record.options) return;
  const summary = await rollbackHost(play, record.options, record, { deregister: true });
  if (summary) ctx.emit({ type: 'warning', host: ctx.host, message: summary });
}
