import { colorEnabled, colorsFor } from '../colors.js';
import type { Reporter, RunEvent, TaskResult } from '../events.js';

/**
 * `runner run`'s output: one line per host, as `ansible -o` prints it:
 * `web1 | CHANGED | rc=0 | (stdout) Linux`, or `web1 | SUCCESS => {...}` for
 * modules that are not commands, `web1 | UNREACHABLE! => msg`. Newlines in
 * output are shown as `\n` so that a host never takes more than its line.
 */
export function adhocReporter(out: NodeJS.WritableStream & { isTTY?: boolean }): Reporter {
  const c = colorsFor(colorEnabled(out));
  return {
    onEvent(event: RunEvent) {
      if (event.type === 'warning') out.write(`${c.magenta(`WARNING: ${event.message}`)}\n`);
      if (event.type !== 'host.task.result') return;
      const line = adhocLine(event.result);
      const r = event.result;
      const paint =
        r.status === 'changed' ? c.yellow : r.status === 'ok' || r.status === 'skipped' ? c.green : c.red;
      out.write(`${paint(line)}\n`);
    },
  };
}

const LABEL: Record<TaskResult['status'], string> = {
  ok: 'SUCCESS',
  changed: 'CHANGED',
  failed: 'FAILED',
  unreachable: 'UNREACHABLE!',
  skipped: 'SKIPPED',
};

const oneLine = (text: string) => text.replace(/\n$/, '').replaceAll('\n', '\\n');

export function adhocLine(r: TaskResult): string {
  const label = LABEL[r.status];
  if (r.status === 'unreachable') return `${r.host} | ${label} => ${oneLine(r.msg ?? 'unreachable')}`;
  if (r.rc !== undefined && r.rc !== null) {
    const parts = [`${r.host} | ${label} | rc=${r.rc}`];
    if (r.stdout) parts.push(`(stdout) ${oneLine(r.stdout)}`);
    if (r.stderr) parts.push(`(stderr) ${oneLine(r.stderr)}`);
    if (r.status === 'failed' && !r.stdout && !r.stderr && r.msg) parts.push(oneLine(r.msg));
    return parts.join(' | ');
  }
  const data = r.data ?? (r.msg ? { msg: r.msg } : {});
  return `${r.host} | ${label} => ${JSON.stringify({ changed: r.status === 'changed', ...data })}`;
}
