import { definePlugin } from '../../core/plugin/define-plugin.js';
import type { HostHookContext, PlayHookContext } from '../../core/plugin/types.js';
import { deleteActivations } from './activation.js';
import { endpointReachableCheck, initSystemCheck, ssmOptionsCheck } from './checks.js';
import { releaseHost } from './claim.js';
import { ssmPlayOf } from './play.js';
import { bindService, rollbackNode } from './service.js';

/**
 * beforePlay binds SSM in the play (hosts pick it with `register_service:
 * ssm`); afterHost deregisters the node of a host that failed after it
 * registered, whatever step failed, then releases the host's lock; afterPlay deletes every activation this
 * play made, whatever happened, and closes the journals.
 */
function beforePlay(ctx: PlayHookContext): void {
  bindService(ctx.state);
  ssmPlayOf(ctx.state).fleetSize = Math.max(1, ctx.hosts.length);
}

async function afterHost(ctx: HostHookContext): Promise<void> {
  const play = ssmPlayOf(ctx.state);
  const record = play.hosts.get(ctx.host);
  if (!record) return;
  try {
    if (record.committed || !record.instanceId) return;
    const failed = ctx.results.some(
      (r) => (r.status === 'failed' && !r.ignored) || r.status === 'unreachable',
    );
    if (!failed && !ctx.signal.aborted) return;
    const summary = await rollbackNode(play, record, ctx.host);
    if (summary) ctx.emit({ type: 'warning', host: ctx.host, message: summary });
  } finally {
    // After the rollback: a run waiting for this host then sees it as it was left.
    await releaseHost(play, record, ctx.host);
  }
}

async function afterPlay(ctx: PlayHookContext): Promise<void> {
  const play = ssmPlayOf(ctx.state);
  for (const line of await deleteActivations(play)) ctx.emit({ type: 'warning', message: line });
  await Promise.all(play.journals().map((j) => j.end()));
}

export default definePlugin({
  name: 'ssm',
  description:
    'Registration service ssm: registers hosts as AWS Systems Manager managed nodes with a hybrid activation.',
  checks: [ssmOptionsCheck, initSystemCheck, endpointReachableCheck],
  hooks: { beforePlay, afterHost, afterPlay },
});
