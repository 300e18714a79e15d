import { z } from 'zod';
import { evaluate } from '../../core/play/template.js';
import { defineModule } from '../../core/plugin/define-plugin.js';

/** `debug`: prints a message or a var's value; never changes anything. */
export const debug = defineModule<{ msg?: unknown; var?: string }>({
  description: 'Print a message or a variable.',
  args: z.object({
    msg: z.unknown().optional(),
    var: z.string().optional(),
    verbosity: z.number().optional(),
  }),
  local: true,
  supportsCheck: true,
  async run(ctx, args) {
    // `var` may be an expression such as `result.stdout`, as in Ansible.
    const value = args.var !== undefined ? evaluate(args.var, ctx.vars) : (args.msg ?? 'Hello world!');
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    ctx.log(text, 'stdout');
    return {
      changed: false,
      msg: text,
      data: args.var !== undefined ? { [args.var]: value } : { msg: value },
    };
  },
});
