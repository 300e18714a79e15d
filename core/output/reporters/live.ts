import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { ReporterOptions } from '../../plugin/types.js';
import type { Reporter, RunEvent } from '../events.js';
import { recapLines, resultLine } from '../format.js';

const MAX_FAILURES_SHOWN = 8;
const MAX_RUNNING_SHOWN = 3;

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
  update?: () => void;
  end?: () => void;
}

/**
 * The live view on a TTY (listr2). It stays readable at a thousand hosts:
 * one line of counts per play (done, running, failed, unreachable, rate, ETA),
 * the tasks running now, and failures as they happen, not a line per host.
 */
export function liveReporter(options: ReporterOptions & { out?: NodeJS.WriteStream }): Reporter {
  const out = (options.out ?? options.stdout) as NodeJS.WriteStream;
  const logger = new ListrLogger({ processOutput: new ProcessOutput(out, out) });
  let chain: Promise<unknown> = Promise.resolve();
  let view: PlayView | undefined;

  const render = (v: PlayView) => {
    const done = v.finished.size;
    const total = v.hosts.size;
    const elapsed = (Date.now() - v.started) / 1000;
    const progress =
      total === 0 ? 1 : Math.min(1, (done * v.taskCount + partial(v)) / (total * Math.max(1, v.taskCount)));
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = progress > 0 && progress < 1 ? (elapsed / progress) * (1 - progress) : 0;
    return (
      `PLAY [${v.name}] ${done}/${total} done, ${total - done} running, ${v.failed} failed, ` +
      `${v.unreachable} unreachable · ${rate.toFixed(1)} hosts/s${eta > 0 ? ` · ETA ${Math.ceil(eta)}s` : ''}`
    );
  };
  const partial = (v: PlayView) => {
    let sum = 0;
    for (const [host, n] of v.results) if (!v.finished.has(host)) sum += n;
    return sum;
  };
  const output = (v: PlayView) => {
    const byTask = new Map<string, number>();
    for (const task of v.running.values()) byTask.set(task, (byTask.get(task) ?? 0) + 1);
    const running = [...byTask.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_RUNNING_SHOWN)
      .map(([task, n]) => `running: ${task} (${n} host${n === 1 ? '' : 's'})`);
    return [...running, ...v.failures.slice(-MAX_FAILURES_SHOWN)].join('\n');
  };

  const startPlay = (event: Extract<RunEvent, { type: 'play.start' }>) => {
    const v: PlayView = {
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
    view = v;
    const finished = new Promise<void>((resolve) => {
      v.end = resolve;
    });
    const listr = new Listr(
      [
        {
          title: render(v),
          task: async (_ctx, task) => {
            v.update = () => {
              task.title = render(v);
              task.output = output(v);
            };
            v.update();
            await finished;
            v.running.clear();
            v.update();
          },
          rendererOptions: { outputBar: MAX_FAILURES_SHOWN + MAX_RUNNING_SHOWN, persistentOutput: true },
        },
      ],
      { renderer: 'default', exitOnError: false, rendererOptions: { logger, lazy: false } },
    );
    chain = chain.then(() => listr.run());
  };

  return {
    onEvent(event: RunEvent) {
      switch (event.type) {
        case 'play.start':
          startPlay(event);
          break;
        case 'host.task.start':
          view?.running.set(event.host, event.task);
          view?.update?.();
          break;
        case 'host.task.result': {
          if (!view) break;
          const r = event.result;
          view.running.delete(r.host);
          const n = (view.results.get(r.host) ?? 0) + 1;
          view.results.set(r.host, n);
          if (n >= view.taskCount) view.finished.add(r.host);
          if (r.status === 'failed' && !r.ignored) view.failures.push(resultLine(r));
          if (r.status === 'unreachable') view.failures.push(resultLine(r));
          view.update?.();
          break;
        }
        case 'host.done':
          if (view?.hosts.has(event.host)) {
            view.finished.add(event.host);
            view.running.delete(event.host);
            if (event.status === 'failed') view.failed++;
            if (event.status === 'unreachable') view.unreachable++;
            view.update?.();
          }
          break;
        case 'play.end':
          if (view) {
            for (const h of view.hosts) view.finished.add(h);
            view.end?.();
          }
          break;
        case 'warning':
          chain = chain.then(() =>
            out.write(`WARNING: ${event.host ? `[${event.host}] ` : ''}${event.message}\n`),
          );
          break;
        case 'run.end':
          chain = chain.then(() => out.write(`${recapLines(event.recap).join('\n')}\n`));
          break;
      }
    },
    async close() {
      view?.end?.();
      await chain;
    },
  };
}
