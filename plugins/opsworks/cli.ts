import type { Command } from 'commander';
import { registerJournalCommands } from './journal/cli.js';

/**
 * Flags of `runner play` for the register playbook, each the same as an
 * `-e opsworks_*` var (an explicit -e still wins): the AWS CLI's names, so an
 * operator's muscle memory carries over.
 */
const PLAY_FLAGS = [
  {
    flags: '--stack-id <id>',
    key: 'stackId',
    variable: 'opsworks_stack_id',
    help: 'OpsWorks stack for the register playbook',
  },
  {
    flags: '--region <region>',
    key: 'region',
    variable: 'opsworks_region',
    help: "region of the OpsWorks API (not the stack's)",
  },
  {
    flags: '--endpoint-url <url>',
    key: 'endpointUrl',
    variable: 'opsworks_endpoint_url',
    help: 'endpoint of the OpsWorks API',
  },
  {
    flags: '--profile <name>',
    key: 'profile',
    variable: 'opsworks_profile',
    help: 'named AWS profile for the controller',
  },
] as const;

export function addStackIdOption(program: Command): void {
  const play = program.commands.find((c) => c.name() === 'play');
  if (!play || play.options.some((o) => o.long === '--stack-id')) return;
  for (const flag of PLAY_FLAGS) play.option(flag.flags, `${flag.help} (same as -e ${flag.variable}=…)`);
  play.hook('preAction', (command) => {
    const given: Record<string, string> = {};
    for (const flag of PLAY_FLAGS) {
      const value = command.getOptionValue(flag.key) as string | undefined;
      if (value) given[flag.variable] = value;
    }
    if (Object.keys(given).length === 0) return;
    const extra = (command.getOptionValue('extraVars') as string[] | undefined) ?? [];
    command.setOptionValue('extraVars', [JSON.stringify(given), ...extra]);
  });
}

/**
 * What opsworks adds to the CLI: the play flags above and `runner journal`.
 * A file of its own, light on imports: every `runner` command loads it (for
 * help, completion and parsing), the plugin's code only when a play uses it.
 */
export function opsworksCli(program: Command): void {
  addStackIdOption(program);
  registerJournalCommands(program);
}
