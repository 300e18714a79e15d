import type { Command } from 'commander';
import { RunnerError } from '../../errors.js';
import { type CompletionCommand, completionScript, SHELLS, type Shell } from '../completion.js';
import type { CliIO } from '../shared.js';

/** The command tree as commander holds it once plugins have added theirs. */
function commandsOf(command: Command, path: string[] = []): CompletionCommand[] {
  const visible = command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const options = [
    ...command.options,
    ...(path.length === 0
      ? []
      : [{ long: '--help', short: '-h', description: 'display help', required: false, optional: false }]),
  ].map((o) => ({
    flags: [o.long, o.short].filter((f): f is string => Boolean(f)),
    description: o.description,
    takesValue: o.required || o.optional,
  }));
  return [
    { path, description: command.description(), options, subcommands: visible.map((c) => c.name()) },
    ...visible.flatMap((c) => commandsOf(c, [...path, c.name()])),
  ];
}

export function registerCompletionCommand(program: Command, io: CliIO): void {
  program
    .command('completion')
    .description('print a shell completion script: source <(runner completion bash)')
    .argument('<shell>', SHELLS.join(', '))
    .action(async (shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw new RunnerError(
          'USAGE',
          `completion: unknown shell "${shell}" (expected ${SHELLS.join(', ')})`,
        );
      }
      const { builtinManifests } = await import('../../builtins.js');
      const playbooks = builtinManifests().flatMap((m) => m.playbooks);
      io.stdout.write(completionScript(shell as Shell, { commands: commandsOf(program), playbooks }));
    });
}
