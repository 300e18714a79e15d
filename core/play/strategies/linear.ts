import { runPool } from '../pool.js';
import type { Strategy } from './types.js';

/** Ansible's default: task by task, every host of the batch in step, at most `forks` at once. */
export const linearStrategy: Strategy = {
  name: 'linear',
  async run(batch, phases, ctx) {
    let active = batch.filter((h) => !h.final);
    for (const { phase, tasks } of phases) {
      if (tasks.length === 0) continue;
      ctx.enterPhase(phase);
      for (const task of tasks) {
        if (ctx.signal.aborted || active.length === 0) return;
        ctx.taskStart(task);
        await runPool(active, ctx.forks, (host) => ctx.runTask(host, task), ctx.signal);
        const failedNow = active.some((h) => h.final);
        active = active.filter((h) => !h.final);
        if (failedNow && ctx.breakAfterTask(batch)) return;
      }
    }
  },
};
