import { opsworksSdk } from '../aws-sdk.js';
import { awsMessage, registerStep, registrationOf } from '../support.js';

/**
 * `opsworks_assign_layers`: assigns the registered instance to
 * `opsworks_layer_ids` (custom layers for EC2), skipping layers it already
 * has, so a re-run changes nothing.
 */
export const opsworksAssignLayers = registerStep({
  description: 'Assign the registered instance to opsworks_layer_ids.',
  local: true,
  async run(ctx, { options: o, play }) {
    if (o.layerIds.length === 0) return { changed: false, skipped: true, msg: 'no opsworks_layer_ids' };
    const instanceId = registrationOf(ctx.vars)?.instance_id;
    if (!instanceId) return { changed: false, failed: true, msg: 'no registered instance to assign' };
    const client = play.clients.for(o).opsworks;
    try {
      const out = await client.send(
        new (opsworksSdk().DescribeInstancesCommand)({ InstanceIds: [instanceId] }),
      );
      const has = new Set(out.Instances?.[0]?.LayerIds ?? []);
      const missing = o.layerIds.filter((id) => !has.has(id));
      if (missing.length === 0) return { changed: false, msg: `already in ${o.layerIds.join(', ')}` };
      if (ctx.check) return { changed: true, msg: `would assign ${missing.join(', ')}` };
      await client.send(
        new (opsworksSdk().AssignInstanceCommand)({ InstanceId: instanceId, LayerIds: missing }),
      );
      return { changed: true, msg: `assigned to ${missing.join(', ')}` };
    } catch (error) {
      return { changed: false, failed: true, msg: `AssignInstance ${instanceId}: ${awsMessage(error)}` };
    }
  },
});
