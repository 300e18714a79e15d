import { bindService } from '../service.js';
import { stackStep } from '../stack-step.js';
import { registerStep } from '../support.js';

/**
 * `opsworks_stack`: the stack and its provisioning parameters (flow step 1),
 * fetched once per play and shared by every host; a host whose options are
 * invalid is refused here with the CLI's reason, before anything is made.
 */
export const opsworksStack = registerStep({
  ...stackStep,
  run(ctx, step) {
    // Run alone (runModule), no beforePlay bound the service: the infrastructure and credential steps find it here.
    bindService(ctx.state);
    return stackStep.run(ctx, step);
  },
});
