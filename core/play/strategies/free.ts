import { runPool } from '../pool.js';
import type { Strategy } from './types.js';

/** Each host runs ahead through every phase on its own, at most `forks` hosts at once. */
export const freeStrategy: Strategy = {
  name: 'free',
  async run(batch, phases, ctx) {
    await runPool(
      batch,
      ctx.forks,
      async (host) => {
        for (const { phase, tasks } of phases) {
          if (tasks.length > 0) ctx.enterPhase(phase);
          for (const task of tasks) {
            if (host.final || ctx.signal.aborted) return;
            await ctx.runTask(host, task);
          }
        }
      },
      ctx.signal,
    );
  },
};
