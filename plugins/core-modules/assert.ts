import { z } from 'zod';
import { evaluate, truthy } from '../../core/play/template.js';
import { defineModule } from '../../core/plugin/define-plugin.js';

const conditions = z.union([z.string(), z.boolean(), z.array(z.union([z.string(), z.boolean()]))]);

/** `assert`: fails the host unless every condition holds. */
export const assert = defineModule<{
  that: unknown;
  fail_msg?: string;
  success_msg?: string;
  quiet?: boolean;
}>({
  description: 'Check that conditions hold on the host.',
  args: z
    .object({
      that: conditions,
      fail_msg: z.string().optional(),
      msg: z.string().optional(),
      success_msg: z.string().optional(),
      quiet: z.boolean().optional(),
    })
    .strict(),
  local: true,
  supportsCheck: true,
  async run(ctx, args) {
    const list = (Array.isArray(args.that) ? args.that : [args.that]) as (string | boolean)[];
    for (const condition of list) {
      if (!truthy(evaluate(condition, ctx.vars))) {
        const text = (args as { msg?: string }).msg ?? args.fail_msg ?? `Assertion failed: ${condition}`;
        return {
          changed: false,
          failed: true,
          msg: text,
          data: { assertion: condition, evaluated_to: false },
        };
      }
    }
    return { changed: false, msg: args.success_msg ?? 'All assertions passed' };
  },
});
