import { shQuote } from '../../core/connection/quote.js';
import type { ModuleContext, ModuleResult } from '../../core/plugin/types.js';
import type { CommandArgs } from './command-args.js';

/**
 * Runs a command for `shell` and `command`: `creates`/`removes` make it
 * idempotent (checked on the host first), `chdir` changes directory. Both
 * report changed when they run, as Ansible does.
 */
export async function runCommand(
  ctx: ModuleContext,
  args: CommandArgs,
  script: string,
): Promise<ModuleResult> {
  const guard = args.creates ?? args.removes;
  if (guard) {
    const test = await ctx.connection.exec(`test -e ${shQuote(guard)}`, { become: ctx.become });
    const exists = test.exitCode === 0;
    if (args.creates && exists)
      return { changed: false, rc: 0, stdout: '', stderr: '', msg: `skipped, since ${guard} exists` };
    if (args.removes && !exists) {
      return { changed: false, rc: 0, stdout: '', stderr: '', msg: `skipped, since ${guard} does not exist` };
    }
  }
  if (ctx.check) return { changed: true, msg: 'command would run (check mode)' };
  const command = args.chdir ? `cd ${shQuote(args.chdir)} && ${script}` : script;
  const result = await ctx.connection.exec(command, {
    become: ctx.become,
    stdin: args.stdin,
    signal: ctx.signal,
  });
  return {
    changed: true,
    failed: result.exitCode !== 0,
    rc: result.exitCode,
    stdout: result.stdout.replace(/\n$/, ''),
    stderr: result.stderr.replace(/\n$/, ''),
    msg: result.timedOut ? 'command timed out' : undefined,
  };
}
