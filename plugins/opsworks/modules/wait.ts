import { alreadyRegistered, registerStep, registrationOf, rollbackHost, withRollback } from '../support.js';

/**
 * `opsworks_wait`: waits until OpsWorks reports the instance `registered`
 * (bounded by opsworks_wait_timeout). All hosts of a play share one poller:
 * one DescribeInstances per tick for every pending instance. A host that
 * ends in a failed state (setup_failed, ...) or times out is deregistered and
 * its IAM entities are removed.
 */
export const opsworksWait = registerStep({
  description: 'Wait until the instance is registered (one batched poller for the whole fleet).',
  local: true,
  async run(ctx, { options: o, play }) {
    const already = alreadyRegistered(ctx.vars);
    if (already)
      return { changed: false, msg: `already registered as ${already.instance_id} (${already.status})` };
    const record = play.ledger.host(ctx.host);
    const instanceId = registrationOf(ctx.vars)?.instance_id ?? record.instanceId;
    if (ctx.check) return { changed: false, msg: 'would wait for registered' };
    if (!instanceId)
      return { changed: false, failed: true, msg: 'no instance to wait for: run opsworks_install first' };
    if (!o.wait) {
      record.committed = true;
      return { changed: false, skipped: true, msg: 'opsworks_wait is false' };
    }
    const outcome = await play.waiters.for(o).wait(instanceId, o.waitTimeoutMs, ctx.signal);
    if (outcome.ok) {
      record.committed = true;
      return {
        changed: false,
        msg: `${instanceId} is registered`,
        data: {
          ansible_facts: {
            opsworks_registration: { instance_id: instanceId, status: 'registered', already: false },
          },
        },
      };
    }
    const rollback = await rollbackHost(play, o, record, { deregister: true });
    return { changed: false, failed: true, msg: withRollback(outcome.reason, rollback) };
  },
});
