import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addStackIdOption } from '../../../plugins/opsworks/index.js';

describe('--stack-id on runner play', () => {
  it('becomes -e opsworks_stack_id, before the explicit -e values (which win)', async () => {
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
    addStackIdOption(program);
    await program.parseAsync(['play', 'register', '--stack-id', 'abc', '-e', 'x=1'], { from: 'user' });
    expect(seen).toEqual(['{"opsworks_stack_id":"abc"}', 'x=1']);
  });

  it('maps --region, --endpoint-url and --profile to their opsworks_* vars', async () => {
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
    await program.parseAsync(
      [
        'play',
        'register',
        '--region',
        'us-west-2',
        '--endpoint-url',
        'http://127.0.0.1:9',
        '--profile',
        'ops',
      ],
      { from: 'user' },
    );
    expect(JSON.parse(seen[0]!)).toEqual({
      opsworks_region: 'us-west-2',
      opsworks_endpoint_url: 'http://127.0.0.1:9',
      opsworks_profile: 'ops',
    });
  });
});
