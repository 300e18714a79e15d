import { Command, CommanderError } from 'commander';
import { isRunnerError, toRunnerError } from '../errors.js';
import { packageInfo } from '../package-info.js';
import { EXIT } from '../play/exit-code.js';
import { registerCompletionCommand } from './commands/completion.js';
import { registerDocCommand } from './commands/doc.js';
import { ansibleInventoryArgv, registerInventoryCommand } from './commands/inventory.js';
import { registerPlayCommand } from './commands/play.js';
import { registerPluginsCommand } from './commands/plugins.js';
import { registerRecapCommand } from './commands/recap.js';
import { registerRunCommand } from './commands/run.js';
import type { CliIO } from './shared.js';

/**
 * Plugins add subcommands (`runner sandbox`) and options (`runner play
 * --stack-id`), so they load before argv is parsed, except for `--version`,
 * which must stay instant. Commands that run anything load them anyway.
 */
function wantsPluginCommands(argv: string[]): boolean {
  return !(argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V'));
}

/**
 * A reader that went away (`runner play … | head -1`) ends runner at once and
 * quietly, as SIGPIPE ends other command-line tools (Node ignores SIGPIPE and
 * would report EPIPE as a crash). Hosts mid-task lose their connection, as
 * with any killed controller; a register run's journal finishes them next time.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.CLOSED_PIPE);
    throw error;
  });
}

/**
 * argv -> core API -> exit code. No logic of its own: every error a user can
 * cause becomes one line on stderr and an exit code from core/play/exit-code.
 */
export async function main(argv: string[], io?: Partial<CliIO>): Promise<number> {
  if (!io?.stdout) endQuietlyOnClosedPipe(process.stdout);
  if (!io?.stderr) endQuietlyOnClosedPipe(process.stderr);
  let exitCode: number = EXIT.OK;
  const cli: CliIO = {
    stdout: io?.stdout ?? process.stdout,
    stderr: io?.stderr ?? process.stderr,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  const program = new Command('runner')
    .description(
      'Agentless orchestration for fleets: Ansible inventories, many SSH hosts at once, plugin tasks.',
    )
    .version(packageInfo().version, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => cli.stdout.write(text),
      writeErr: (text) => cli.stderr.write(text),
      // One line, with where to look next; never a stack trace.
      outputError: (text, write) =>
        write(`runner: ${text.trim().replace(/^error: /, '')} (see "runner help")\n`),
    });
  registerPlayCommand(program, cli);
  registerRunCommand(program, cli);
  registerRecapCommand(program, cli);
  registerInventoryCommand(program, cli);
  registerPluginsCommand(program, cli);
  registerDocCommand(program, cli);
  registerCompletionCommand(program, cli);
  if (wantsPluginCommands(argv)) {
    // Each plugin's flags and subcommands come from a light file of its own: not the plugin.
    const { builtinCli } = await import('../builtins.js');
    for (const cli of await builtinCli()) cli(program);
  }
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());

  try {
    await program.parseAsync(ansibleInventoryArgv(argv), { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code))
        return EXIT.OK;
      if (error.code === 'commander.executeSubCommandAsync') return error.exitCode;
      return EXIT.USAGE;
    }
    const runnerError = toRunnerError(error);
    cli.stderr.write(`runner: ${runnerError.oneLine()}\n`);
    if (!isRunnerError(error) && process.env.RUNNER_DEBUG) cli.stderr.write(`${(error as Error)?.stack}\n`);
    return runnerError.code === 'USAGE' ? EXIT.USAGE : EXIT.ERROR;
  }
}
