import { shQuote } from '../../core/connection/quote.js';
import { defineModule } from '../../core/plugin/define-plugin.js';
import { type CommandArgs, commandArgs } from './command-args.js';
import { runCommand } from './run-command.js';

/** `shell`: runs the command through a shell (`/bin/sh`, or `executable`). */
export const shell = defineModule<CommandArgs>({
  description: 'Run a command through the shell on the host.',
  args: commandArgs,
  freeForm: 'cmd',
  supportsCheck: true,
  run(ctx, args) {
    const text = args.cmd ?? args.argv!.map(shQuote).join(' ');
    const script = args.executable ? `${shQuote(args.executable)} -c ${shQuote(text)}` : text;
    return runCommand(ctx, args, script);
  },
});
