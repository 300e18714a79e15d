import type { Plugin } from 'fleet-runner';
import { diskSpace } from './disk-space.js';
import { ensureLine } from './ensure-line.js';

/**
 * An example plugin: one module and one post-setup check. In your own project,
 * `import { definePlugin } from 'fleet-runner'` and wrap the object in it; this one
 * imports types only, so it also loads from a folder that does not have runner
 * installed beside it.
 */
const plugin: Plugin = {
  name: 'example-ensure-line',
  version: '1.0.0',
  modules: { ensure_line: ensureLine },
  checks: [diskSpace],
};

export default plugin;
