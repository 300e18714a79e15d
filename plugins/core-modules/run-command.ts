import { shQuote } from '../../core/connection/quote.js';
import type { ExecResult } from '../../core/connection/types.js';
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
  const would = ctx.check ? 'Would' : 'Did';
  if (guard) {
    const test = await ctx.connection.exec(`test -e ${shQuote(guard)}`, { become: ctx.become });
    const exists = test.exitCode === 0;
    // Ansible's wording (modules/command.py); stdout keeps its older message.
    if (args.creates && exists) {
      return {
        changed: false,
        rc: 0,
        stdout: `skipped, since ${guard} exists`,
        stderr: '',
        msg: `${would} not run command since '${guard}' exists`,
      };
    }
    if (args.removes && !exists) {
      return {
        changed: false,
        rc: 0,
        stdout: `skipped, since ${guard} does not exist`,
        stderr: '',
        msg: `${would} not run command since '${guard}' does not exist`,
      };
    }
  }
  if (ctx.check) {
    // Only creates/removes let a command predict its change; otherwise Ansible skips it.
    const msg = 'Command would have run if not in check mode';
    return guard ? { changed: true, rc: 0, msg } : { changed: false, skipped: true, msg };
  }
  const result = await ctx.connection.exec(withChdir(args, script), {
    become: ctx.become,
    stdin: args.stdin,
    signal: ctx.signal,
  });
  return commandResult(result);
}

function withChdir(args: CommandArgs, script: string): string {
  return args.chdir ? `cd ${shQuote(args.chdir)} && ${script}` : script;
}

/**
 * The one command a `shell`/`command` task sends, for batching: none when it
 * needs more (creates/removes test the host first; stdin travels on its own).
 */
export function batchCommand(args: CommandArgs, script: string): string | undefined {
  if (args.creates || args.removes || args.stdin !== undefined) return undefined;
  return withChdir(args, script);
}

/** What `shell`/`command` report for the command's outcome (run and batch alike). */
export function commandResult(result: ExecResult): ModuleResult {
  return {
    changed: true,
    failed: result.exitCode !== 0,
    rc: result.exitCode,
    stdout: result.stdout.replace(/\n$/, ''),
    stderr: result.stderr.replace(/\n$/, ''),
    msg: result.timedOut ? 'command timed out' : result.exitCode !== 0 ? 'non-zero return code' : undefined,
  };
}
