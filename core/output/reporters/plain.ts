import type { ReporterOptions } from '../../plugin/types.js';
import { colorEnabled, colorsFor } from '../colors.js';
import { eventLines } from '../event-lines.js';
import type { Reporter, RunEvent } from '../events.js';
import { recapLines } from '../format.js';

/**
 * Plain lines for logs and pipes, as ansible-playbook prints them at each
 * verbosity (see eventLines): failures with their output always, debug
 * messages always, ok results with -v. Coloured only where colorEnabled says.
 */
export function plainReporter(options: ReporterOptions & { out?: NodeJS.WritableStream }): Reporter {
  const out = (options.out ?? options.stdout) as NodeJS.WritableStream & { isTTY?: boolean };
  const colors = colorsFor(colorEnabled(out));
  const write = (line: string) => out.write(`${line}\n`);
  return {
    onEvent(event: RunEvent) {
      if (event.type === 'run.end') {
        for (const line of recapLines(event.recap, { colors })) write(line);
        return;
      }
      for (const line of eventLines(event, options.verbosity, colors)) write(line);
    },
  };
}
