import { z } from 'zod';

/**
 * The config file's shape. Command-line flags beat these values; these beat
 * the defaults in DEFAULTS. Plugins are npm package names, local paths, or
 * plugin objects (in a TypeScript or JavaScript config).
 */
export const hostKeyCheckingSchema = z.enum(['strict', 'accept-new', 'off']);

export const configSchema = z
  .object({
    plugins: z.array(z.union([z.string().min(1), z.looseObject({ name: z.string() })])).optional(),
    inventory: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
    forks: z.number().int().min(1).max(10_000).optional(),
    maxHandshakes: z.number().int().min(1).max(10_000).optional(),
    connectTimeout: z.number().positive().max(3600).optional(),
    hostKeyChecking: hostKeyCheckingSchema.optional(),
    knownHosts: z.array(z.string().min(1)).optional(),
    reporter: z.string().min(1).optional(),
    logDir: z.string().min(1).optional(),
    vars: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type RunnerConfigInput = z.input<typeof configSchema>;

export const DEFAULTS = {
  forks: 50,
  maxHandshakes: 32,
  connectTimeout: 10,
  hostKeyChecking: 'accept-new' as const,
};
