import type { RunEvent } from '../../core/output/events.js';

/**
 * What a user sees of a run, without durations: the TASK headers in order,
 * each host's own events in order (the hosts of one task finish in any order),
 * and the recap rows. Two runs that should look the same compare equal.
 */
export function visibleRun(events: RunEvent[], hosts: string[]) {
  return {
    headers: events.filter((e) => e.type === 'task.start'),
    perHost: hosts.map((host) =>
      events.flatMap((e): object[] => {
        if (e.type === 'host.task.result' && e.result.host === host) {
          const { durationMs: _, ...rest } = e.result;
          return [rest];
        }
        if ((e.type === 'host.task.start' || e.type === 'host.done') && e.host === host) return [e];
        return [];
      }),
    ),
    recap: events.flatMap((e) => (e.type === 'run.end' ? e.recap.hosts : [])),
  };
}
