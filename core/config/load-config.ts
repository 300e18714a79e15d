import { dirname, resolve } from 'node:path';
import { cosmiconfig } from 'cosmiconfig';
import type { z } from 'zod';
import { RunnerError } from '../errors.js';
import { importUserModule } from '../import-module.js';
import type { RunnerConfig } from './define-config.js';
import { configSchema } from './schema.js';

export interface LoadedConfig {
  config: RunnerConfig;
  /** The file it came from; undefined when none was found. */
  file?: string;
  /** Directory that relative paths in the config resolve against. */
  dir: string;
}

const SEARCH_PLACES = [
  'package.json',
  '.runnerrc',
  '.runnerrc.json',
  '.runnerrc.yaml',
  '.runnerrc.yml',
  '.runnerrc.js',
  '.runnerrc.mjs',
  '.runnerrc.ts',
  'runner.config.ts',
  'runner.config.mjs',
  'runner.config.js',
  'runner.config.json',
  'runner.config.yaml',
  'runner.config.yml',
];

// TypeScript and JavaScript configs load like plugins and playbooks do.
async function importModule(filepath: string): Promise<unknown> {
  const mod = (await importUserModule(filepath)) as { default?: unknown };
  return mod.default ?? mod;
}

function explorer() {
  return cosmiconfig('runner', {
    searchPlaces: SEARCH_PLACES,
    searchStrategy: 'project',
    loaders: { '.ts': importModule, '.mjs': importModule, '.js': importModule },
  });
}

/** Finds (or loads the named) config and validates it. */
export async function loadConfig(options: { cwd: string; file?: string }): Promise<LoadedConfig> {
  let result: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    result = options.file
      ? await explorer().load(resolve(options.cwd, options.file))
      : await explorer().search(options.cwd);
  } catch (error) {
    const file = options.file ? resolve(options.cwd, options.file) : undefined;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && file) {
      throw new RunnerError('CONFIG_NOT_FOUND', `config file not found: ${file}`, { file, cause: error });
    }
    // An import the config makes already names the config file that imports it: said once.
    if (error instanceof RunnerError && error.code === 'IMPORT_FAILED') {
      throw new RunnerError('CONFIG_INVALID', `cannot read config: ${error.message}`, { cause: error });
    }
    const failure = parseFailure(error);
    throw new RunnerError('CONFIG_INVALID', `cannot read config: ${failure.reason}`, {
      ...failure,
      file: failure.file ?? file,
      cause: error,
    });
  }
  if (!result || result.isEmpty) return { config: {}, file: result?.filepath, dir: options.cwd };
  return {
    config: validateConfig(result.config, result.filepath),
    file: result.filepath,
    dir: dirname(result.filepath),
  };
}

/**
 * A config file's parse error, whole and on one line: where (file, and line
 * and column when the parser knows them) and why. cosmiconfig's own message is
 * `YAML Error in <file>:` on a line of its own, then the reason and a code frame.
 */
function parseFailure(error: unknown): { reason: string; file?: string; line?: number; column?: number } {
  if (!(error instanceof Error)) return { reason: String(error) };
  const e = error as Error & { filepath?: string; reason?: string; mark?: { line: number; column: number } };
  if (e.reason && e.mark) {
    // js-yaml (cosmiconfig's YAML parser): 0-based mark.
    return { reason: e.reason, file: e.filepath, line: e.mark.line + 1, column: e.mark.column + 1 };
  }
  const lines = e.message.split('\n').filter((l) => l.trim() !== '');
  if (/^(YAML|JSON) Error in .*:$/.test(lines[0] ?? '')) lines.shift();
  // Drop a code frame (` 2 | text`, `---^`) the one-line form cannot show.
  const reason = lines.filter((l) => !/^\s*(\d+ \||-+\^)/.test(l)).join(' ');
  return { reason: reason || e.message, ...(e.filepath ? { file: e.filepath } : {}) };
}

export function validateConfig(value: unknown, file: string): RunnerConfig {
  const parsed = configSchema.safeParse(value);
  if (parsed.success) return parsed.data as RunnerConfig;
  throw new RunnerError('CONFIG_INVALID', describeIssue(parsed.error.issues[0]!), { file });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} at ${key}`;
  }
  return `${key}: ${issue.message}`;
}
