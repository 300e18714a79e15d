import type { ReporterOptions } from '../../plugin/types.js';
import type { Reporter, RunEvent } from '../events.js';

/** `--json`: every event as one JSON line on stdout, for machines. */
export function ndjsonReporter(options: ReporterOptions): Reporter {
  return {
    onEvent(event: RunEvent) {
      options.stdout.write(`${JSON.stringify(event)}\n`);
    },
  };
}
