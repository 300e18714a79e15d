import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { RunnerError } from '../../core/errors.js';
import { defineModule } from '../../core/plugin/define-plugin.js';
import { boolArg, idArg } from './common-args.js';
import { modeArg } from './file-mode.js';
import { findLocalFile } from './local-file.js';
import { writeFile } from './write-file.js';

const copyArgs = z
  .object({
    src: z.string().min(1).optional(),
    content: z.unknown().optional(),
    dest: z.string().min(1),
    mode: modeArg,
    owner: idArg.optional(),
    group: idArg.optional(),
    force: boolArg.default(true),
    backup: boolArg.default(false),
  })
  .strict()
  .refine((a) => (a.src === undefined) !== (a.content === undefined), {
    message: 'give exactly one of "src" and "content"',
  });

/**
 * `copy`: puts a controller file (`src`, found under the playbook's `files/`
 * or beside the playbook) or inline `content` at `dest`, written only when
 * its sha1 differs from what the host has.
 */
export const copy = defineModule<z.infer<typeof copyArgs>>({
  description: 'Copy a file or inline content to the host.',
  args: copyArgs,
  supportsCheck: true,
  async run(ctx, args) {
    let content: Buffer;
    let srcName: string | undefined;
    let src: string | undefined;
    if (args.src !== undefined) {
      src = findLocalFile(ctx.vars, 'files', args.src);
      if ((await stat(src)).isDirectory()) {
        throw new RunnerError(
          'MODULE_ARGS_INVALID',
          `copy: src ${src} is a directory; copying directories is not supported`,
        );
      }
      content = await readFile(src);
      srcName = basename(src);
    } else {
      // Ansible writes a mapping or list given as content as JSON.
      const value = args.content;
      content = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
    }
    return writeFile(ctx, content, { ...args, srcName, src });
  },
});
