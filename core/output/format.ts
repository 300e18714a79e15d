import type { Colors } from './colors.js';
import type { Recap, RecapRow, TaskResult } from './events.js';

/** Ansible's recap line: `host : ok=3 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0`. */
export function recapLine(row: RecapRow, width: number): string {
  return (
    `${row.host.padEnd(width)} : ok=${row.ok} changed=${row.changed} unreachable=${row.unreachable} ` +
    `failed=${row.failed} skipped=${row.skipped} rescued=${row.rescued} ignored=${row.ignored}`
  );
}

/**
 * The recap. With `compactAbove`, a fleet larger than that lists only the hosts
 * that did not finish ok, and counts the rest: what a terminal can show.
 */
export function recapLines(recap: Recap, options: { compactAbove?: number; colors?: Colors } = {}): string[] {
  const c = options.colors;
  const paint = (row: RecapRow, line: string) =>
    !c ? line : row.status !== 'ok' ? c.red(line) : row.changed > 0 ? c.yellow(line) : c.green(line);
  const width = Math.max(0, ...recap.hosts.map((h) => h.host.length));
  const compact = options.compactAbove !== undefined && recap.hosts.length > options.compactAbove;
  const shown = compact ? recap.hosts.filter((h) => h.status !== 'ok') : recap.hosts;
  const lines = ['', 'PLAY RECAP', ...shown.map((row) => paint(row, recapLine(row, width)))];
  if (compact) {
    const hidden = recap.hosts.length - shown.length;
    lines.push(`(${hidden} hosts ok not listed; --json or --log-dir records each host)`);
  }
  const problems = recap.hosts.filter((h) => h.status !== 'ok' && h.msg);
  if (problems.length > 0) {
    lines.push('', 'FAILURES');
    lines.push(...groupedProblems(problems));
  }
  if (recap.notices.length > 0) {
    lines.push('', 'NOTICES');
    lines.push(...grouped(recap.notices.map((n) => ({ host: n.host, reason: `[${n.check}] ${n.message}` }))));
  }
  lines.push('', summaryLine(recap));
  return lines;
}

const HOSTS_NAMED = 5;

/**
 * One line per distinct reason, naming the hosts: at a thousand hosts failing
 * for the same reason, the operator needs the reason once, not a thousand times.
 */
function groupedProblems(rows: RecapRow[]): string[] {
  return grouped(rows.map((row) => ({ host: row.host, reason: `${row.status}: ${row.msg}` })));
}

/** `N hosts (a, b, c and N more): reason`, one line per distinct reason, in first-seen order. */
function grouped(items: { host: string; reason: string }[]): string[] {
  const groups = new Map<string, Set<string>>();
  for (const { host, reason } of items) {
    const hosts = groups.get(reason) ?? new Set<string>();
    hosts.add(host);
    groups.set(reason, hosts);
  }
  return [...groups.entries()].map(([reason, hosts]) =>
    hosts.size === 1
      ? `${[...hosts][0]}: ${reason}`
      : `${hosts.size} hosts (${namedHosts([...hosts])}): ${reason}`,
  );
}

/**
 * `a, b, c, d, e and N more`, in natural order: a list of hosts short enough
 * for one line, however large the fleet.
 */
export function namedHosts(hosts: readonly string[]): string {
  const sorted = [...hosts].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const named = sorted.slice(0, HOSTS_NAMED).join(', ');
  return sorted.length > HOSTS_NAMED ? `${named} and ${sorted.length - HOSTS_NAMED} more` : named;
}

export function summaryLine(recap: Recap): string {
  const count = (status: RecapRow['status']) => recap.hosts.filter((h) => h.status === status).length;
  const interrupted = count('interrupted');
  return (
    `${recap.hosts.length} hosts in ${(recap.durationMs / 1000).toFixed(1)}s: ` +
    `${count('ok')} ok, ${count('failed')} failed, ${count('unreachable')} unreachable` +
    (interrupted > 0 ? `, ${interrupted} interrupted` : '')
  );
}

/** One line for a task result, for plain output and the live view's failure list. */
export function resultLine(result: TaskResult): string {
  const label = result.ignored ? 'failed (ignored)' : result.status;
  const rc =
    result.rc !== undefined && result.rc !== null && result.status === 'failed' ? ` rc=${result.rc}` : '';
  const msg = result.msg && result.status !== 'ok' && result.status !== 'changed' ? `: ${result.msg}` : '';
  return `${label}: [${result.host}] ${result.task}${rc}${msg}`;
}
