import { z } from 'zod';
import { defineModule } from '../../core/plugin/define-plugin.js';

/** `raw`: sends the command as is, like Ansible's (no module machinery, always changed). */
export const raw = defineModule<{ cmd: string; executable?: string }>({
  description: 'Run a raw command over the connection.',
  args: z.object({ cmd: z.string().min(1), executable: z.string().optional() }).strict(),
  freeForm: 'cmd',
  async run(ctx, args) {
    const result = await ctx.connection.exec(args.cmd, { become: ctx.become, signal: ctx.signal });
    return {
      changed: true,
      failed: result.exitCode !== 0,
      rc: result.exitCode,
      stdout: result.stdout,
      stderr: result.stderr,
      msg: result.timedOut ? 'command timed out' : undefined,
    };
  },
});
