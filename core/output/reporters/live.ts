import { createLogUpdate } from 'log-update';
import type { ReporterOptions } from '../../plugin/types.js';
import type { Reporter, RunEvent } from '../events.js';
import { recapLines, resultLine } from '../format.js';

const MAX_FAILURES_SHOWN = 8;
const MAX_RUNNING_SHOWN = 3;
/** Above this many hosts the terminal recap lists only the hosts that did not finish ok. */
const COMPACT_RECAP_ABOVE = 50;
const REDRAW_MS = 100;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

interface PlayView {
  name: string;
  hosts: Set<string>;
  taskCount: number;
  results: Map<string, number>;
  finished: Set<string>;
  failed: number;
  unreachable: number;
  running: Map<string, string>;
  failures: string[];
  started: number;
}

/**
 * The live view on a terminal. It stays readable at a thousand hosts: one
 * block, redrawn in place, with the play's counts (done, running, failed,
 * unreachable, rate, ETA), the tasks running now and the latest failures; not
 * a line per host. Finished plays and warnings stay on screen above it.
 *
 * It draws with log-update (the engine listr2 renders with) rather than
 * listr2's task renderer: that one hijacks both process streams while it runs,
 * which would hold back --json's NDJSON on stdout, and it keeps output as a
 * scrolling history where this view must be a snapshot.
 */
export function liveReporter(options: ReporterOptions & { out?: NodeJS.WriteStream }): Reporter {
  const out = (options.out ?? options.stdout) as NodeJS.WriteStream;
  const draw = createLogUpdate(out, { showCursor: true });
  let view: PlayView | undefined;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;

  const block = (v: PlayView, final: boolean) => {
    const done = v.finished.size;
    const total = v.hosts.size;
    const elapsed = (Date.now() - v.started) / 1000;
    const units = done * v.taskCount + partial(v);
    const progress = total === 0 ? 1 : Math.min(1, units / (total * Math.max(1, v.taskCount)));
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = progress > 0 && progress < 1 ? (elapsed / progress) * (1 - progress) : 0;
    const icon = final ? (v.failed + v.unreachable > 0 ? '✖' : '✔') : SPINNER[frame % SPINNER.length];
    const head =
      `${icon} PLAY [${v.name}] ${done}/${total} done, ${v.running.size} running, ${v.failed} failed, ` +
      `${v.unreachable} unreachable · ${rate.toFixed(1)} hosts/s${!final && eta > 0 ? ` · ETA ${Math.ceil(eta)}s` : ''}`;
    const lines = [head];
    if (!final) {
      const byTask = new Map<string, number>();
      for (const task of v.running.values()) byTask.set(task, (byTask.get(task) ?? 0) + 1);
      const running = [...byTask.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_RUNNING_SHOWN);
      for (const [task, n] of running) lines.push(`  running: ${task} (${n} host${n === 1 ? '' : 's'})`);
    }
    const failures = v.failures.slice(-MAX_FAILURES_SHOWN);
    const hidden = v.failures.length - failures.length;
    if (hidden > 0) lines.push(`  … ${hidden} earlier failures (see the recap)`);
    for (const failure of failures) lines.push(`  ${failure}`);
    return lines.join('\n');
  };
  const partial = (v: PlayView) => {
    let sum = 0;
    for (const [host, n] of v.results) if (!v.finished.has(host)) sum += n;
    return sum;
  };
  const redraw = () => {
    if (view) draw(block(view, false));
  };
  /** Writes lines that stay above the live block. */
  const print = (text: string) => {
    draw.clear();
    out.write(`${text}\n`);
    redraw();
  };

  return {
    onEvent(event: RunEvent) {
      switch (event.type) {
        case 'play.start':
          view = {
            name: event.play,
            hosts: new Set(event.hosts),
            taskCount: event.taskCount,
            results: new Map(),
            finished: new Set(),
            failed: 0,
            unreachable: 0,
            running: new Map(),
            failures: [],
            started: Date.now(),
          };
          redraw();
          timer ??= setInterval(() => {
            frame++;
            redraw();
          }, REDRAW_MS);
          timer.unref();
          break;
        case 'host.task.start':
          view?.running.set(event.host, event.task);
          break;
        case 'host.task.result': {
          if (!view) break;
          const r = event.result;
          view.running.delete(r.host);
          const n = (view.results.get(r.host) ?? 0) + 1;
          view.results.set(r.host, n);
          if (n >= view.taskCount) view.finished.add(r.host);
          if ((r.status === 'failed' && !r.ignored) || r.status === 'unreachable')
            view.failures.push(resultLine(r));
          break;
        }
        case 'host.done':
          if (view?.hosts.has(event.host)) {
            view.finished.add(event.host);
            view.running.delete(event.host);
            if (event.status === 'failed') view.failed++;
            if (event.status === 'unreachable') view.unreachable++;
          }
          break;
        case 'play.end':
          if (view) {
            for (const h of view.hosts) view.finished.add(h);
            view.running.clear();
            draw(block(view, true));
            draw.done();
            view = undefined;
          }
          break;
        case 'warning':
          print(`WARNING: ${event.host ? `[${event.host}] ` : ''}${event.message}`);
          break;
        case 'run.end':
          if (timer) clearInterval(timer);
          timer = undefined;
          draw.clear();
          out.write(`${recapLines(event.recap, { compactAbove: COMPACT_RECAP_ABOVE }).join('\n')}\n`);
          break;
      }
    },
    close() {
      if (timer) clearInterval(timer);
      if (view) draw.done();
    },
  };
}
