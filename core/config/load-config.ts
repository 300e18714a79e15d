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
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new RunnerError('CONFIG_INVALID', `cannot read config: ${reason}`, { file, cause: error });
  }
  if (!result || result.isEmpty) return { config: {}, file: result?.filepath, dir: options.cwd };
  return {
    config: validateConfig(result.config, result.filepath),
    file: result.filepath,
    dir: dirname(result.filepath),
  };
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
