import { z } from 'zod';
import { defineModule } from '../../core/plugin/define-plugin.js';

/** `set_fact`: sets host-level vars that later tasks and plays see. */
export const setFact = defineModule<Record<string, unknown>>({
  description: 'Set host variables for later tasks.',
  args: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not a variable name'), z.unknown()),
  local: true,
  supportsCheck: true,
  async run(_ctx, args) {
    const { cacheable: _cacheable, ...facts } = args;
    return { changed: false, data: { ansible_facts: facts } };
  },
});
