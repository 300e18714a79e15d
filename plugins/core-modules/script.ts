import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { shQuote } from '../../core/connection/quote.js';
import { splitShellWords } from '../../core/play/module-args.js';
import { defineModule } from '../../core/plugin/define-plugin.js';
import { findLocalFile } from './local-file.js';
import { mustExec } from './remote-stat.js';

const scriptArgs = z
  .object({
    cmd: z.string().min(1),
    creates: z.string().min(1).optional(),
    removes: z.string().min(1).optional(),
    chdir: z
      .string()
      .min(1)
      .refine((d) => d.startsWith('/'), { message: 'chdir must be an absolute path' })
      .optional(),
    executable: z.string().min(1).optional(),
  })
  .strict();

type ScriptArgs = z.infer<typeof scriptArgs>;

/**
 * `script`: copies a controller script (under the playbook's `files/` or
 * beside it) into a private temporary directory on the host, runs it with
 * the rest of the command line as its arguments, and removes the directory
 * whatever happens. `creates`/`removes` skip it, as Ansible does.
 */
export const script = defineModule<ScriptArgs>({
  description: 'Copy a local script to the host and run it.',
  args: scriptArgs,
  freeForm: 'cmd',
  supportsCheck: true,
  async run(ctx, args) {
    const guard = args.creates ?? args.removes;
    if (guard) {
      const test = await ctx.connection.exec(`test -e ${shQuote(guard)}`, {
        become: ctx.become,
        signal: ctx.signal,
      });
      if (args.creates && test.exitCode === 0) {
        return { changed: false, skipped: true, msg: `${guard} exists, matching creates option` };
      }
      if (args.removes && test.exitCode !== 0) {
        return { changed: false, skipped: true, msg: `${guard} does not exist, matching removes option` };
      }
    }
    const raw = args.cmd.trim();
    const source = splitShellWords(raw)[0]!;
    const local = findLocalFile(ctx.vars, 'files', source);
    const content = await readFile(local);
    if (ctx.check) {
      // Only creates/removes let Ansible predict a script; otherwise it skips it.
      if (guard) return { changed: true };
      return { changed: false, skipped: true, msg: 'Check mode is not supported for this task.' };
    }
    const tmp = (
      await mustExec(
        ctx,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, run on the host
        'umask 077 && mktemp -d "${TMPDIR:-/tmp}/runner-script.XXXXXXXXXX"',
        'cannot make a temporary directory',
      )
    ).trim();
    const remote = `${tmp}/${basename(local)}`;
    try {
      await ctx.connection.put(content, remote, { mode: 0o700, become: ctx.become });
      // As Ansible does: the script's path in the command line is replaced, the rest kept verbatim.
      const target = raw.replace(source, shQuote(remote));
      const line = args.executable ? `${args.executable} ${target}` : target;
      const command = args.chdir ? `cd ${shQuote(args.chdir)} && ${line}` : line;
      const result = await ctx.connection.exec(command, { become: ctx.become, signal: ctx.signal });
      return {
        changed: true,
        failed: result.exitCode !== 0,
        rc: result.exitCode,
        stdout: result.stdout,
        stderr: result.stderr,
        msg: result.exitCode !== 0 ? 'non-zero return code' : undefined,
      };
    } finally {
      await ctx.connection.exec(`rm -rf -- ${shQuote(tmp)}`, { become: ctx.become }).catch(() => undefined);
    }
  },
});
