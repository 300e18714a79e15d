import { z } from 'zod';
import { defineModule } from '../../core/plugin/define-plugin.js';
import { FACTS_SCRIPT, parseFacts } from './facts-command.js';

/** `setup`: gathers facts in one round trip; plays run it first unless `gather_facts: false`. */
export const setup = defineModule<Record<string, never>>({
  description: 'Gather facts about the host (hostname, OS, addresses, architecture, package manager).',
  args: z.object({}).strict(),
  supportsCheck: true,
  gathersFacts: true,
  async run(ctx) {
    const result = await ctx.connection.exec(FACTS_SCRIPT, { signal: ctx.signal });
    if (result.exitCode !== 0 || !result.stdout.includes('@@end')) {
      return {
        changed: false,
        failed: true,
        rc: result.exitCode,
        msg: `could not gather facts: ${result.stderr.trim().split('\n').pop() || `exit code ${result.exitCode}`}`,
      };
    }
    return { changed: false, data: { ansible_facts: parseFacts(result.stdout) } };
  },
});
