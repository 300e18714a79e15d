import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { renderText } from '../../core/play/template.js';
import { defineModule } from '../../core/plugin/define-plugin.js';
import { boolArg, idArg } from './common-args.js';
import { modeArg } from './file-mode.js';
import { findLocalFile } from './local-file.js';
import { writeFile } from './write-file.js';

const templateArgs = z
  .object({
    src: z.string().min(1),
    dest: z.string().min(1),
    mode: modeArg,
    owner: idArg.optional(),
    group: idArg.optional(),
    force: boolArg.default(true),
    backup: boolArg.default(false),
  })
  .strict();

/**
 * `template`: renders a controller file (under the playbook's `templates/`
 * or beside it) with the host's vars, Jinja-style with trim_blocks like
 * Ansible, then writes it as `copy` does.
 */
export const template = defineModule<z.infer<typeof templateArgs>>({
  description: 'Render a template with the host vars and write it to the host.',
  args: templateArgs,
  supportsCheck: true,
  async run(ctx, args) {
    const src = findLocalFile(ctx.vars, 'templates', args.src);
    const text = await readFile(src, 'utf8');
    const rendered = renderText(text, ctx.vars, src);
    return writeFile(ctx, Buffer.from(rendered), { ...args, srcName: basename(src), src });
  },
});
