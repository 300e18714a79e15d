import { z } from 'zod';
import type { ExecResult } from '../../core/connection/types.js';
import { defineModule } from '../../core/plugin/define-plugin.js';
import type { ModuleResult } from '../../core/plugin/types.js';

/** `raw`: sends the command as is, like Ansible's (no module machinery, always changed). */
export const raw = defineModule<{ cmd: string; executable?: string }>({
  description: 'Run a raw command over the connection.',
  args: z.object({ cmd: z.string().min(1), executable: z.string().optional() }).strict(),
  freeForm: 'cmd',
  async run(ctx, args) {
    return rawResult(await ctx.connection.exec(args.cmd, { become: ctx.become, signal: ctx.signal }));
  },
  batch: {
    command: (args) => args.cmd,
    result: rawResult,
  },
});

function rawResult(result: ExecResult): ModuleResult {
  return {
    changed: true,
    failed: result.exitCode !== 0,
    rc: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    msg: result.timedOut ? 'command timed out' : undefined,
  };
}
