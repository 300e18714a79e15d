import { definePlugin } from '../../core/plugin/define-plugin.js';
import { sandboxCli } from './cli.js';
import { keepSandboxes, releaseSandboxes, sandboxInventorySource } from './source.js';

/**
 * The sandbox as an inventory source: `runner play register -i
 * inventories/sandbox.yml` starts it in-process, registers its hosts
 * and stops it at the end, keeping its state in the configured directory.
 */
export default definePlugin({
  name: 'sandbox',
  description: 'The embedded AWS sandbox and its SSH fleet: runner sandbox start|status|reset.',
  inventorySources: [sandboxInventorySource],
  hooks: {
    beforePlay: () => keepSandboxes(),
    afterPlay: () => releaseSandboxes(),
  },
  // `runner sandbox start|status|reset`
  cli: sandboxCli,
});
