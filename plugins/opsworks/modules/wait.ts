import { defineModule } from '../../../core/plugin/define-plugin.js';
import { alreadyRegistered, ready, registrationOf, rollbackHost, withRollback } from '../support.js';

/**
 * `opsworks_wait`: waits until OpsWorks reports the instance `registered`
 * (bounded by opsworks_wait_timeout). All hosts of a play share one poller:
 * one DescribeInstances per tick for every pending instance. A host that
 * ends in a failed state (setup_failed, ...) or times out is deregistered and
 * its IAM entities are removed.
 */
export const opsworksWait = defineModule<unknown>({
  description: 'Wait until the instance is registered (one batched poller for the whole fleet).',
  local: true,
  supportsCheck: true,
  async run(ctx) {
    const r = ready(ctx);
    if (!r.ok) return r.result;
    const o = r.options;
    const already = alreadyRegistered(ctx.vars);
    if (already)
      return { changed: false, msg: `already registered as ${already.instance_id} (${already.status})` };
    const record = r.play.host(ctx.host);
    const instanceId = registrationOf(ctx.vars)?.instance_id ?? record.instanceId;
    if (ctx.check) return { changed: false, msg: 'would wait for registered' };
    if (!instanceId)
      return { changed: false, failed: true, msg: 'no instance to wait for: run opsworks_install first' };
    if (!o.wait) {
      record.committed = true;
      return { changed: false, skipped: true, msg: 'opsworks_wait is false' };
    }
    const outcome = await r.play.waiter(o).wait(instanceId, o.waitTimeoutMs, ctx.signal);
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
    const rollback = await rollbackHost(r.play, o, record, { deregister: true });
    return { changed: false, failed: true, msg: withRollback(outcome.reason, rollback) };
  },
});
