import { shQuote } from '../../core/connection/quote.js';
import { defineModule } from '../../core/plugin/define-plugin.js';
import { type CommandArgs, commandArgs } from './command-args.js';
import { batchCommand, commandResult, runCommand } from './run-command.js';

/** `shell`: runs the command through a shell (`/bin/sh`, or `executable`). */
export const shell = defineModule<CommandArgs>({
  description: 'Run a command through the shell on the host.',
  args: commandArgs,
  freeForm: 'cmd',
  supportsCheck: true,
  run(ctx, args) {
    return runCommand(ctx, args, shellScript(args));
  },
  batch: {
    command: (args) => batchCommand(args, shellScript(args)),
    result: (exec) => commandResult(exec),
  },
});

function shellScript(args: CommandArgs): string {
  const text = args.cmd ?? args.argv!.map(shQuote).join(' ');
  return args.executable ? `${shQuote(args.executable)} -c ${shQuote(text)}` : text;
}
