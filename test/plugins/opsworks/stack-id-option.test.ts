import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addStackIdOption } from '../../../plugins/opsworks/index.js';

/** A `runner play` with -e as the CLI has it, the plugin's flags added; returns the -e values it saw. */
async function extraVarsFor(argv: string[], addTwice = false): Promise<string[]> {
  const program = new Command('runner').exitOverride();
  let seen: string[] = [];
  program
    .command('play')
    .argument('<playbook>')
    .option('-e, --extra-vars <vars>', 'extra', (v: string, p: string[]) => [...p, v], [] as string[])
    .action((_p, flags: { extraVars: string[] }) => {
      seen = flags.extraVars;
    });
  addStackIdOption(program);
  if (addTwice) addStackIdOption(program);
  await program.parseAsync(argv, { from: 'user' });
  return seen;
}

describe('register flags on runner play', () => {
  it('turns --stack-id into -e opsworks_stack_id, before the explicit -e values (which win)', async () => {
    expect(await extraVarsFor(['play', 'register', '--stack-id', 'abc', '-e', 'x=1'], true)).toEqual([
      '{"opsworks_stack_id":"abc"}',
      'x=1',
    ]);
  });

  it('maps --region, --endpoint-url and --profile to their opsworks_* vars', async () => {
    const seen = await extraVarsFor([
      'play',
      'register',
      '--region',
      'us-west-2',
      '--endpoint-url',
      'http://127.0.0.1:9',
      '--profile',
      'ops',
    ]);
    expect(JSON.parse(seen[0]!)).toEqual({
      opsworks_region: 'us-west-2',
      opsworks_endpoint_url: 'http://127.0.0.1:9',
      opsworks_profile: 'ops',
    });
  });

  it('adds nothing when no flag is given', async () => {
    expect(await extraVarsFor(['play', 'site.yml', '-e', 'x=1'])).toEqual(['x=1']);
  });
});
