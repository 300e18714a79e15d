import { shQuote } from '../../core/connection/quote.js';
import { splitShellWords } from '../../core/play/module-args.js';
import { defineModule } from '../../core/plugin/define-plugin.js';
import { type CommandArgs, commandArgs } from './command-args.js';
import { batchCommand, commandResult, runCommand } from './run-command.js';

/**
 * `command`: runs a program with its arguments and no shell features, as
 * Ansible's does: the command line is split into words and each is quoted, so
 * `$HOME`, `*` or `|` reach the program literally.
 */
export const command = defineModule<CommandArgs>({
  description: 'Run a program on the host without shell processing.',
  args: commandArgs,
  freeForm: 'cmd',
  supportsCheck: true,
  run(ctx, args) {
    return runCommand(ctx, args, execLine(args));
  },
  batch: {
    command: (args) => batchCommand(args, execLine(args)),
    result: (exec) => commandResult(exec),
  },
});

function execLine(args: CommandArgs): string {
  const argv = args.argv ?? splitShellWords(args.cmd!);
  return `exec ${argv.map(shQuote).join(' ')}`;
}
