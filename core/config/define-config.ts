import type { Plugin } from '../plugin/types.js';
import type { RunnerConfigInput } from './schema.js';

export type RunnerConfig = Omit<RunnerConfigInput, 'plugins'> & { plugins?: (string | Plugin)[] };

/** Returns its argument: it exists so a `runner.config.ts` gets types. */
export function defineConfig(config: RunnerConfig): RunnerConfig {
  return config;
}
