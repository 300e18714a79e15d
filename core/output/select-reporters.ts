import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { RunnerError } from '../errors.js';
import type { PluginRegistry } from '../plugin/registry.js';
import type { ReporterOptions } from '../plugin/types.js';
import type { Reporter } from './events.js';
import { hostLogReporter } from './reporters/host-log.js';
import { ndjsonReporter } from './reporters/ndjson.js';
import { plainReporter } from './reporters/plain.js';

export interface OutputChoice {
  json: boolean;
  verbosity: number;
  /** A reporter contributed by a plugin, by name. */
  reporter?: string;
  logDir?: string;
  /** The config file the reporter name came from, for the error that refuses an unknown one. */
  configFile?: string;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * `--json` puts NDJSON on stdout and the human view on stderr; otherwise the
 * live view on a TTY, plain lines elsewhere (CI, pipes, files). The live
 * view's terminal libraries are loaded only when it is chosen.
 */
export async function selectReporters(choice: OutputChoice, registry: PluginRegistry): Promise<Reporter[]> {
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
    if (!factory) {
      const known = [...registry.reporters.keys()];
      throw new RunnerError(
        'CONFIG_INVALID',
        `config key "reporter": unknown reporter "${choice.reporter}" (${known.length ? `known: ${known.join(', ')}` : 'no plugin contributes a reporter'})`,
        { file: choice.configFile },
      );
    }
    reporters.push(factory.value(options));
  } else {
    const humanOptions = { ...options, out: human as NodeJS.WriteStream };
    if (isTTY && choice.verbosity < 2) {
      const { liveReporter } = await import('./reporters/live.js');
      reporters.push(liveReporter(humanOptions));
    } else reporters.push(plainReporter(humanOptions));
  }
  if (choice.logDir) reporters.push(hostLogReporter(usableLogDir(choice.logDir)));
  return reporters;
}

/**
 * --log-dir checked before the run: made if missing, and it must be a
 * writable directory. Anything else is one line naming the path, never a
 * hang or an `internal error`.
 */
function usableLogDir(dir: string): string {
  const refuse = (why: string) => new RunnerError('USAGE', `--log-dir ${dir}: ${why}`, { file: dir });
  // Level by level, not mkdir -p: Node's recursive mkdir loops forever under /proc.
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const level of missing) {
    try {
      mkdirSync(level, { mode: 0o700 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw refuse(
        code === 'ENOTDIR' ? 'not a directory' : `cannot create it (${code ?? (error as Error).message})`,
      );
    }
  }
  if (!statSync(dir).isDirectory()) throw refuse('not a directory');
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw refuse('not writable');
  }
  return dir;
}
