import { z } from 'zod';

/**
 * Ansible's `mode`: an octal string ('0644', '644') or a number (YAML 1.1
 * reads an unquoted 0644 as octal already, so 420 arrives here). Symbolic
 * modes (u+x) are refused by name rather than guessed at.
 */
export const modeArg = z
  .union([
    z.number().int().min(0).max(0o7777),
    z
      .string()
      .refine((s) => !/^[ugoa]*[-+=]/.test(s), {
        message: "symbolic modes such as u+x are not supported; give an octal mode such as '0644'",
      })
      .refine((s) => /^0?[0-7]{3,4}$/.test(s), { message: "mode must be octal, such as '0644'" }),
  ])
  .optional();

export type ModeArg = z.infer<typeof modeArg>;

export function parseMode(mode: ModeArg): number | undefined {
  if (mode === undefined) return undefined;
  return typeof mode === 'number' ? mode : Number.parseInt(mode, 8);
}

/** How Ansible prints a mode in results: '0644'. */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
