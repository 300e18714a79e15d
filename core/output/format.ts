import type { Recap, RecapRow, TaskResult } from './events.js';

/** Ansible's recap line: `host : ok=3 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0`. */
export function recapLine(row: RecapRow, width: number): string {
  return (
    `${row.host.padEnd(width)} : ok=${row.ok} changed=${row.changed} unreachable=${row.unreachable} ` +
    `failed=${row.failed} skipped=${row.skipped} rescued=${row.rescued} ignored=${row.ignored}`
  );
}

export function recapLines(recap: Recap): string[] {
  const width = Math.max(0, ...recap.hosts.map((h) => h.host.length));
  const lines = ['', 'PLAY RECAP', ...recap.hosts.map((row) => recapLine(row, width))];
  const problems = recap.hosts.filter((h) => h.status !== 'ok' && h.msg);
  if (problems.length > 0) {
    lines.push('', 'FAILURES');
    for (const row of problems) lines.push(`${row.host}: ${row.status}: ${row.msg}`);
  }
  if (recap.notices.length > 0) {
    lines.push('', 'NOTICES');
    for (const n of recap.notices) lines.push(`${n.host}: [${n.check}] ${n.message}`);
  }
  lines.push('', summaryLine(recap));
  return lines;
}

export function summaryLine(recap: Recap): string {
  const count = (status: RecapRow['status']) => recap.hosts.filter((h) => h.status === status).length;
  return (
    `${recap.hosts.length} hosts in ${(recap.durationMs / 1000).toFixed(1)}s: ` +
    `${count('ok')} ok, ${count('failed')} failed, ${count('unreachable')} unreachable`
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
