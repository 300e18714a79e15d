import type { ModuleDefinition } from 'fleet-runner';
import { z } from 'zod';
import { shQuote } from './quote.js';

const args = z
  .object({
    path: z.string().startsWith('/', 'path must be absolute'),
    line: z
      .string()
      .min(1)
      .refine((l) => !l.includes('\n'), 'line must be a single line'),
  })
  .strict();

type Args = z.infer<typeof args>;

/**
 * `ensure_line`: makes sure a file contains a line, appending it when missing.
 * It reads first and changes only what is missing, so a second run reports ok.
 */
export const ensureLine: ModuleDefinition<Args> = {
  description: 'Ensure a file contains a given line.',
  args,
  supportsCheck: true,
  async run(ctx, { path, line }) {
    const probe = await ctx.connection.exec(
      `if [ -d ${shQuote(path)} ]; then echo dir; elif grep -qxF -- ${shQuote(line)} ${shQuote(path)} 2>/dev/null; then echo present; else echo missing; fi`,
      { become: ctx.become },
    );
    const state = probe.stdout.trim();
    // Not a user error the schema can catch: the runner reports it with this plugin's name.
    if (state === 'dir') throw new Error(`${path} is a directory`);
    if (state === 'present') return { changed: false, msg: 'line already present' };
    if (ctx.check) return { changed: true, msg: 'line would be added' };
    // The line travels on stdin, so no shell ever expands it.
    const write = await ctx.connection.exec(`cat >> ${shQuote(path)}`, {
      stdin: `${line}\n`,
      become: ctx.become,
    });
    if (write.exitCode !== 0)
      return { changed: false, failed: true, rc: write.exitCode, msg: write.stderr.trim() };
    return { changed: true, msg: 'line added' };
  },
};
