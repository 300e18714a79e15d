import { waitForHostLock } from '../../core/journal/wait-for-lock.js';
import type { ModuleContext } from '../../core/plugin/types.js';
import { readAgentState } from './agent-state-read.js';
import { opsworksSdk } from './aws-sdk.js';
import { removeTempDirCommand } from './install-script.js';
import { reconcileHost } from './journal/reconcile.js';
import type { RegisterOptions } from './options.js';
import type { RegisterPlay } from './play-context.js';

export type Claim = { ok: true; waitedFor?: string; reconciled: string[] } | { ok: false; reason: string };

/**
 * Before anything is made for a host: take its lock for this stack (waiting
 * while another live run owns it), then settle what earlier runs left open
 * for it (finish or undo, from their journals and the host's agent config).
 */
export async function claimHost(ctx: ModuleContext, play: RegisterPlay, o: RegisterOptions): Promise<Claim> {
  const record = play.ledger.host(ctx.host);
  let waitedFor: string | undefined;
  if (!record.locked) {
    const claim = await waitForHostLock(play.ledger.locks(o), ctx.host, {
      timeoutMs: o.waitTimeoutMs,
      signal: ctx.signal,
      where: `on stack ${o.stackId}`,
    });
    if (!claim.ok) return claim;
    waitedFor = claim.waitedFor;
    record.locked = true;
    record.options ??= o;
  }
  const pending = (await play.ledger.pending(o)).get(ctx.host) ?? [];
  if (pending.length === 0) return { ok: true, reconciled: [], ...(waitedFor ? { waitedFor } : {}) };
  const clients = play.clients.for(o);
  const agent = await readAgentState(ctx);
  const outcome = await reconcileHost(
    {
      iam: { iam: clients.iam, limiter: play.iamLimiter, retry: { attempts: 8, baseMs: 200, capMs: 10_000 } },
      stackId: o.stackId,
      instances: () => play.aws.instances(o, true),
      deregister: async (id) => {
        await clients.opsworks.send(new (opsworksSdk().DeregisterInstanceCommand)({ InstanceId: id }));
        play.aws.forget(id);
      },
      removeTempDir: async (name) => {
        const command = removeTempDirCommand(name);
        try {
          const plain = await ctx.connection.exec(command, { signal: ctx.signal, timeoutMs: 30_000 });
          if (plain.exitCode === 0) return true;
          const root = await ctx.connection.exec(command, {
            signal: ctx.signal,
            timeoutMs: 30_000,
            become: ctx.become ?? { method: 'sudo' },
          });
          return root.exitCode === 0;
        } catch {
          return false;
        }
      },
    },
    pending,
    agent,
  );
  if (outcome.failed.length > 0) {
    return {
      ok: false,
      reason: `an earlier run left this host half done and reconciling it failed: ${outcome.failed.join(', ')}`,
    };
  }
  await play.ledger.settlePending(o, ctx.host, pending, outcome.finished ? 'finished' : 'rolled back');
  const what = outcome.finished ? 'finished' : 'rolled back';
  return {
    ok: true,
    reconciled: [
      `${what} what run ${pending.map((p) => p.ref.run).join(', ')} left${outcome.done.length ? `: ${outcome.done.join(', ')}` : ''}`,
    ],
    ...(waitedFor ? { waitedFor } : {}),
  };
}
