import { z } from 'zod';

/** Args shared by `shell` and `command`, as Ansible names them. */
export const commandArgs = z
  .object({
    cmd: z.string().min(1).optional(),
    argv: z.array(z.string()).min(1).optional(),
    chdir: z.string().min(1).optional(),
    creates: z.string().min(1).optional(),
    removes: z.string().min(1).optional(),
    stdin: z.string().optional(),
    executable: z.string().min(1).optional(),
  })
  .strict()
  .refine((a) => (a.cmd === undefined) !== (a.argv === undefined), {
    message: 'give exactly one of "cmd" (or the free-form command) and "argv"',
  });

export type CommandArgs = z.infer<typeof commandArgs>;
