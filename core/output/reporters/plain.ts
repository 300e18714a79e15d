import type { ReporterOptions } from '../../plugin/types.js';
import type { Reporter, RunEvent } from '../events.js';
import { recapLines, resultLine } from '../format.js';

/**
 * Plain lines for logs and pipes: one line a task start and a host result,
 * failures always; ok results and their command output with -v.
 */
export function plainReporter(options: ReporterOptions & { out?: NodeJS.WritableStream }): Reporter {
  const out = options.out ?? options.stdout;
  const write = (line: string) => out.write(`${line}\n`);
  return {
    onEvent(event: RunEvent) {
      switch (event.type) {
        case 'play.start':
          write(`PLAY [${event.play}] (${event.hosts.length} hosts)`);
          break;
        case 'task.start':
          write(`TASK [${event.task}]`);
          break;
        case 'host.task.result': {
          const r = event.result;
          const quiet =
            (r.status === 'ok' || r.status === 'changed' || r.status === 'skipped') && options.verbosity < 1;
          if (!quiet) write(resultLine(r));
          if (options.verbosity >= 1 && !quiet) {
            if (r.stdout) write(indent(r.stdout));
            if (r.stderr) write(indent(r.stderr));
          }
          break;
        }
        case 'host.output':
          if (options.verbosity >= 1) write(`[${event.host}] ${event.text}`);
          break;
        case 'warning':
          write(`WARNING: ${event.host ? `[${event.host}] ` : ''}${event.message}`);
          break;
        case 'notice':
          if (options.verbosity >= 1)
            write(`NOTICE: ${event.host ? `[${event.host}] ` : ''}[${event.check}] ${event.message}`);
          break;
        case 'run.end':
          for (const line of recapLines(event.recap)) write(line);
          break;
      }
    },
  };
}

function indent(text: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
