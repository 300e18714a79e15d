import { createLogUpdate } from 'log-update';
import type { ReporterOptions } from '../../plugin/types.js';
import { colorEnabled, colorsFor } from '../colors.js';
import { eventLines } from '../event-lines.js';
import type { Reporter, RunEvent } from '../events.js';
import { recapLines } from '../format.js';
import { EtaEstimator, progressBar } from '../live-progress.js';

const MAX_RUNNING_SHOWN = 3;
/** Above this many hosts the terminal recap lists only the hosts that did not finish ok. */
const COMPACT_RECAP_ABOVE = 50;
const REDRAW_MS = 100;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

interface PlayView {
  name: string;
  hosts: Set<string>;
  taskCount: number;
  /** Linear plays announce each task; free plays do not, and show hosts done instead. */
  task?: { index: number; name: string; through: Set<string> };
  results: Map<string, number>;
  finished: Set<string>;
  failed: number;
  unreachable: number;
  running: Map<string, string>;
  started: number;
  eta: EtaEstimator;
}

/**
 * The live view on a terminal: one block redrawn in place at the bottom, with
 * what ansible-playbook would print (failures, debug messages, warnings, and
 * more with -v) scrolling above it. The block says what is happening now:
 * before the first play, that the run is starting and how many hosts are
 * being connected; during a linear play, task k of n and how many hosts are
 * through it; during a free play, hosts done; a progress bar; an ETA once it
 * is stable; and, after Ctrl-C, that the run is stopping.
 *
 * It draws with log-update rather than listr2's renderer, which hijacks both
 * process streams and would hold back --json's NDJSON on stdout.
 */
export function liveReporter(options: ReporterOptions & { out?: NodeJS.WriteStream }): Reporter {
  const out = (options.out ?? options.stdout) as NodeJS.WriteStream;
  const c = colorsFor(colorEnabled(out));
  const draw = createLogUpdate(out, { showCursor: true });
  let view: PlayView | undefined;
  let frame = 0;
  let hostCount = 0;
  // Hosts connect at their first task that needs the host, not before the play:
  // `connecting` holds those whose connection is being opened, `connected` those it was opened for.
  const connecting = new Set<string>();
  const connected = new Set<string>();
  let stopping: 'stop' | 'kill' | undefined;
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const startedAt = Date.now();

  const stoppingLine = () =>
    stopping === 'kill'
      ? c.red('  interrupted: killing running commands')
      : stopping === 'stop'
        ? c.yellow('  interrupted: no new tasks start; running ones finish (Ctrl-C again to kill them)')
        : undefined;

  const startingBlock = () => {
    const spin = SPINNER[frame % SPINNER.length];
    const what =
      hostCount === 0
        ? 'loading inventory and playbook'
        : connecting.size + connected.size === 0
          ? `${hostCount} hosts, first play starting`
          : connectingText(hostCount);
    return [`${spin} starting: ${what} · ${((Date.now() - startedAt) / 1000).toFixed(1)}s`, stoppingLine()]
      .filter((l) => l !== undefined)
      .join('\n');
  };

  const connectingText = (total: number) =>
    `connecting ${connected.size}/${total} hosts${connecting.size > 0 ? ` (${connecting.size} in progress)` : ''}`;

  const block = (v: PlayView, final: boolean) => {
    const done = v.finished.size;
    const total = v.hosts.size;
    const elapsed = (Date.now() - v.started) / 1000;
    const units = done * v.taskCount + partial(v);
    const progress = total === 0 ? 1 : Math.min(1, units / (total * Math.max(1, v.taskCount)));
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = final ? undefined : v.eta.update(progress, elapsed);
    const bad = v.failed + v.unreachable > 0;
    const icon = final ? (bad ? c.red('✖') : c.green('✔')) : c.cyan(SPINNER[frame % SPINNER.length]!);
    const where = v.task
      ? `task ${v.task.index}/${v.taskCount} [${v.task.name}] · ${v.task.through.size}/${total} hosts through it`
      : `${done}/${total} hosts done`;
    const head = `${icon} PLAY [${v.name}] ${final ? `${done}/${total} done` : where}`;
    const counts =
      `${progressBar(final ? 1 : progress)} ${Math.round((final ? 1 : progress) * 100)}% · ` +
      `${v.running.size} running, ${v.failed ? c.red(`${v.failed} failed`) : '0 failed'}, ` +
      `${v.unreachable ? c.red(`${v.unreachable} unreachable`) : '0 unreachable'} · ${rate.toFixed(1)} hosts/s` +
      (eta !== undefined ? ` · ETA ${Math.ceil(eta)}s` : '');
    const lines = [head, `  ${counts}`];
    if (!final && connecting.size > 0) lines.push(`  ${connectingText(total)}`);
    if (!final) {
      const byTask = new Map<string, number>();
      for (const task of v.running.values()) byTask.set(task, (byTask.get(task) ?? 0) + 1);
      const running = [...byTask.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_RUNNING_SHOWN);
      for (const [task, n] of running)
        lines.push(c.dim(`  running: ${task} (${n} host${n === 1 ? '' : 's'})`));
      const stop = stoppingLine();
      if (stop) lines.push(stop);
    }
    return lines.join('\n');
  };
  const partial = (v: PlayView) => {
    let sum = 0;
    for (const [host, n] of v.results) if (!v.finished.has(host)) sum += n;
    return sum;
  };
  const redraw = () => draw(view ? block(view, false) : startingBlock());
  /** Writes lines that stay above the live block: the scroll-back. */
  const print = (lines: string[]) => {
    if (lines.length === 0) return;
    draw.clear();
    out.write(`${lines.join('\n')}\n`);
    redraw();
  };
  const startTimer = () => {
    timer ??= setInterval(() => {
      frame++;
      redraw();
    }, REDRAW_MS);
    timer.unref();
  };
  // The first frame is drawn now, when the reporter is made, not when the first play starts.
  redraw();
  startTimer();

  return {
    onEvent(event: RunEvent) {
      switch (event.type) {
        case 'run.start':
          hostCount = event.hostCount;
          redraw();
          break;
        case 'host.connect':
          connecting.add(event.host);
          connected.delete(event.host);
          print(eventLines(event, options.verbosity, c));
          break;
        case 'run.interrupt':
          stopping = event.stage;
          print([
            c.yellow(
              event.stage === 'stop'
                ? 'stopping: no new tasks start; running ones finish (Ctrl-C again to kill them)'
                : 'killing running commands',
            ),
          ]);
          break;
        case 'play.start':
          print(eventLines(event, options.verbosity, c));
          view = {
            name: event.play,
            hosts: new Set(event.hosts),
            taskCount: event.taskCount,
            results: new Map(),
            finished: new Set(),
            failed: 0,
            unreachable: 0,
            running: new Map(),
            started: Date.now(),
            eta: new EtaEstimator(),
          };
          redraw();
          break;
        case 'task.start':
          if (view) view.task = { index: (view.task?.index ?? 0) + 1, name: event.task, through: new Set() };
          // Task headers scroll by only when results do (-v); at default they would be most of the screen.
          if (options.verbosity >= 1) print(eventLines(event, options.verbosity, c));
          break;
        case 'host.task.start':
          view?.running.set(event.host, event.task);
          break;
        case 'host.task.result': {
          const r = event.result;
          // The first result after a connect says whether it opened.
          if (connecting.delete(r.host) && r.status !== 'unreachable') connected.add(r.host);
          if (view) {
            view.running.delete(r.host);
            const n = (view.results.get(r.host) ?? 0) + 1;
            view.results.set(r.host, n);
            if (n >= view.taskCount) view.finished.add(r.host);
            if (view.task?.name === r.task) view.task.through.add(r.host);
          }
          print(eventLines(event, options.verbosity, c));
          break;
        }
        case 'host.done':
          connecting.delete(event.host);
          if (view?.hosts.has(event.host)) {
            view.finished.add(event.host);
            view.running.delete(event.host);
            view.task?.through.add(event.host);
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
        case 'notice':
        case 'host.output':
          print(eventLines(event, options.verbosity, c));
          break;
        case 'run.end':
          ended = true;
          if (timer) clearInterval(timer);
          timer = undefined;
          draw.clear();
          out.write(
            `${recapLines(event.recap, { compactAbove: COMPACT_RECAP_ABOVE, colors: c }).join('\n')}\n`,
          );
          break;
      }
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (view) draw.done();
      // A run that never started (bad input) leaves no "starting" frame behind its error.
      else if (!ended) draw.clear();
      ended = true;
    },
  };
}
