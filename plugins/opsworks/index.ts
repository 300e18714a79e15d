import type { Command } from 'commander';
import { definePlugin } from '../../core/plugin/define-plugin.js';
import type { CheckDefinition, ModuleDefinition } from '../../core/plugin/types.js';
import { afterHost, beforePlay } from './hooks.js';
import { opsworksAssignLayers } from './modules/assign.js';
import { opsworksInstall } from './modules/install.js';
import { opsworksStack } from './modules/stack.js';
import { opsworksState } from './modules/state.js';
import { opsworksWait } from './modules/wait.js';
import { readRegisterOptions } from './options.js';
import { registerPlaybook } from './playbook.js';

/** Every validation rule of the AWS CLI, per host, before anything is made for it. */
const optionsCheck: CheckDefinition = {
  name: 'register options',
  phase: 'preflight',
  playbooks: ['register'],
  async run(ctx) {
    const parsed = readRegisterOptions(ctx.vars, ctx.host);
    return parsed.ok ? { level: 'pass' } : { level: 'fail', message: parsed.reason };
  },
};

/** `runner play --stack-id <id>`: the same as `-e opsworks_stack_id=<id>` (an explicit -e still wins). */
export function addStackIdOption(program: Command): void {
  const play = program.commands.find((c) => c.name() === 'play');
  if (!play || play.options.some((o) => o.long === '--stack-id')) return;
  play.option(
    '--stack-id <id>',
    'OpsWorks stack for the register playbook (same as -e opsworks_stack_id=<id>)',
  );
  play.hook('preAction', (command) => {
    const id = command.getOptionValue('stackId') as string | undefined;
    if (!id) return;
    const extra = (command.getOptionValue('extraVars') as string[] | undefined) ?? [];
    command.setOptionValue('extraVars', [JSON.stringify({ opsworks_stack_id: id }), ...extra]);
  });
}

/** The `register` playbook and the OpsWorks steps it is made of. */
export default definePlugin({
  name: 'opsworks',
  modules: {
    opsworks_stack: opsworksStack,
    opsworks_state: opsworksState,
    opsworks_install: opsworksInstall,
    opsworks_wait: opsworksWait,
    opsworks_assign_layers: opsworksAssignLayers,
  } as Record<string, ModuleDefinition<unknown>>,
  playbooks: { register: registerPlaybook },
  checks: [optionsCheck],
  hooks: { beforePlay, afterHost },
  cli: addStackIdOption,
});
