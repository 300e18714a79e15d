import type { Command } from 'commander';

/**
 * Flags of `runner play` for the register playbook's service, each the same
 * as an `-e` var (an explicit -e still wins, as it comes later).
 */
const FLAGS = [
  {
    flags: '--service <name>',
    key: 'service',
    variable: 'register_service',
    help: 'registration service of the register playbook: opsworks (default) or ssm',
  },
  {
    flags: '--iam-role <role>',
    key: 'iamRole',
    variable: 'ssm_iam_role',
    help: 'IAM service role of the SSM activation (register --service ssm)',
  },
] as const;

export function addServiceOptions(program: Command): void {
  const play = program.commands.find((c) => c.name() === 'play');
  if (!play || play.options.some((o) => o.long === '--service')) return;
  for (const flag of FLAGS) play.option(flag.flags, `${flag.help} (same as -e ${flag.variable}=…)`);
  play.hook('preAction', (command) => {
    const given: Record<string, string> = {};
    for (const flag of FLAGS) {
      const value = command.getOptionValue(flag.key) as string | undefined;
      if (value) given[flag.variable] = value;
    }
    if (Object.keys(given).length === 0) return;
    const extra = (command.getOptionValue('extraVars') as string[] | undefined) ?? [];
    command.setOptionValue('extraVars', [JSON.stringify(given), ...extra]);
  });
}
