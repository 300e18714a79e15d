import type { HostStats, TaskResult } from '../output/events.js';

/** Adds one task result to a host's recap counters, as Ansible counts them. */
export function countResult(
  stats: HostStats,
  status: TaskResult['status'],
  ignored: boolean,
  changed: boolean,
): void {
  if (status === 'changed') {
    stats.ok++;
    stats.changed++;
  } else if (status === 'ok') stats.ok++;
  else if (status === 'skipped') stats.skipped++;
  else if (status === 'unreachable') stats.unreachable++;
  else if (ignored) {
    // Ansible counts an ignored failure as ok and ignored, and changed when it changed (strategy/__init__.py).
    stats.ok++;
    stats.ignored++;
    if (changed) stats.changed++;
  } else stats.failed++;
}
