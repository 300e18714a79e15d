import type { PluginRegistry } from '../plugin/registry.js';
import type { ReporterOptions } from '../plugin/types.js';
import type { Reporter } from './events.js';
import { hostLogReporter } from './reporters/host-log.js';
import { liveReporter } from './reporters/live.js';
import { ndjsonReporter } from './reporters/ndjson.js';
import { plainReporter } from './reporters/plain.js';

export interface OutputChoice {
  json: boolean;
  verbosity: number;
  /** A reporter contributed by a plugin, by name. */
  reporter?: string;
  logDir?: string;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * `--json` puts NDJSON on stdout and the human view on stderr; otherwise the
 * live view on a TTY, plain lines elsewhere (CI, pipes, files).
 */
export function selectReporters(choice: OutputChoice, registry: PluginRegistry): Reporter[] {
  const human = choice.json ? choice.stderr : choice.stdout;
  const isTTY = human.isTTY === true && !process.env.CI && process.env.TERM !== 'dumb';
  const options: ReporterOptions = {
    stdout: choice.stdout,
    stderr: choice.stderr,
    verbosity: choice.verbosity,
    isTTY,
  };
  const reporters: Reporter[] = [];
  if (choice.json) reporters.push(ndjsonReporter(options));
  if (choice.reporter) {
    const factory = registry.reporters.get(choice.reporter);
    if (factory) reporters.push(factory.value(options));
  } else {
    const humanOptions = { ...options, out: human as NodeJS.WriteStream };
    reporters.push(isTTY && choice.verbosity < 2 ? liveReporter(humanOptions) : plainReporter(humanOptions));
  }
  if (choice.logDir) reporters.push(hostLogReporter(choice.logDir));
  return reporters;
}
