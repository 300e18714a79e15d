import type { Colors } from './colors.js';
import { diffLines } from './diff-lines.js';
import type { RunEvent, TaskResult } from './events.js';

/** How many lines of a failed command's stderr/stdout are shown (the end, where the error is). */
const TAIL_LINES = 10;

/**
 * The lines ansible-playbook's default callback prints for an event, at a
 * verbosity: task headers, failures with their msg, rc and the tail of
 * stderr/stdout, `debug` messages at default verbosity; results with -v, task
 * paths with -vv, connection details with -vvv. Plain output prints them as
 * they come; the live view prints them above its block. Pure: text in, text out.
 */
export function eventLines(event: RunEvent, verbosity: number, c: Colors): string[] {
  switch (event.type) {
    case 'play.start':
      return ['', c.bold(`PLAY [${event.play}] (${event.hosts.length} hosts)`)];
    case 'task.start':
      return [
        c.bold(`TASK [${event.task}]`),
        ...(verbosity >= 2 && event.path ? [c.dim(`task path: ${event.path}`)] : []),
      ];
    case 'host.connect':
      if (verbosity < 3) return [];
      return [
        c.dim(
          `<${event.address}> ESTABLISH ${event.connection.toUpperCase()} CONNECTION FOR USER: ${event.user ?? '(default)'}` +
            (event.connection === 'local' ? '' : ` (${event.host} at ${event.address}:${event.port})`),
        ),
      ];
    case 'host.task.result':
      return resultLines(event.result, verbosity, c);
    case 'host.output':
      return verbosity >= 1 ? [c.dim(`[${event.host}] ${event.text}`)] : [];
    case 'warning':
      return [c.magenta(`WARNING: ${event.host ? `[${event.host}] ` : ''}${event.message}`)];
    case 'notice':
      return verbosity >= 1
        ? [`NOTICE: ${event.host ? `[${event.host}] ` : ''}[${event.check}] ${event.message}`]
        : [];
    default:
      return [];
  }
}

/** One result: quiet when ok at default verbosity, except `debug`, whose message is the point. */
export function resultLines(r: TaskResult, verbosity: number, c: Colors): string[] {
  const paint = r.ignored ? c.cyan : PAINT[r.status](c);
  if (r.module === 'debug' && r.status === 'ok' && r.data) {
    return paint(`ok: [${r.host}] => ${JSON.stringify(r.data, null, 4)}`).split('\n');
  }
  // Under --diff the change comes first, then the host it was on, as Ansible prints it.
  const diff = (r.diff ?? []).flatMap((d) => diffLines(d, c));
  const quiet =
    (r.status === 'ok' || r.status === 'changed' || r.status === 'skipped') &&
    verbosity < 1 &&
    diff.length === 0;
  if (quiet) return [];
  const label = r.ignored ? 'failed (ignored)' : r.status;
  const rc = r.rc !== undefined && r.rc !== null && r.status === 'failed' ? ` rc=${r.rc}` : '';
  const msg = r.msg && r.status !== 'ok' && r.status !== 'changed' ? `: ${r.msg}` : '';
  const lines = [...diff, paint(`${label}: [${r.host}] ${r.task}${rc}${msg}`)];
  const failed = r.status === 'failed';
  if (failed || verbosity >= 1) {
    // A failure shows the end of what the command said; -v shows all of it.
    for (const stream of ['stderr', 'stdout'] as const) {
      const text = r[stream]?.replace(/\n$/, '');
      if (!text) continue;
      const all = text.split('\n');
      const shown = verbosity >= 1 ? all : all.slice(-TAIL_LINES);
      const skipped = all.length - shown.length;
      lines.push(`  ${stream}:${skipped > 0 ? ` (last ${shown.length} of ${all.length} lines)` : ''}`);
      lines.push(...shown.map((l) => `    ${failed ? c.red(l) : l}`));
    }
  }
  return lines;
}

const PAINT: Record<TaskResult['status'], (c: Colors) => (s: string) => string> = {
  ok: (c) => c.green,
  changed: (c) => c.yellow,
  failed: (c) => c.red,
  unreachable: (c) => c.red,
  skipped: (c) => c.cyan,
};
