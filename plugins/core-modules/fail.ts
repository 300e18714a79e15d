import { z } from 'zod';
import { defineModule } from '../../core/plugin/define-plugin.js';

/** `fail`: fails the host with a message. */
export const fail = defineModule<{ msg?: string }>({
  description: 'Fail the host with a message.',
  args: z.object({ msg: z.string().optional() }).strict(),
  local: true,
  supportsCheck: true,
  async run(_ctx, args) {
    return { changed: false, failed: true, msg: args.msg ?? 'Failed as requested from task' };
  },
});
