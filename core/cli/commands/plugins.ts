import type { Command } from 'commander';
import type { CliIO } from '../shared.js';
import { registerPluginsNewCommand } from './plugins-new.js';

export function registerPluginsCommand(program: Command, io: CliIO): void {
  const plugins = program.command('plugins').description('what plugins are loaded and what they contribute');
  plugins
    .command('list')
    .description('loaded plugins with their modules, playbooks, checks, hooks and more')
    .option('--config <file>', 'config file')
    .option('--json', 'print JSON')
    .action(async (flags: { config?: string; json?: boolean }) => {
      const { loadProject } = await import('../../play/run-play.js');
      const { registry } = await loadProject({ cwd: process.cwd(), configFile: flags.config });
      await registry.loadAll();
      const rows = registry.plugins.map((p) => ({
        name: p.name,
        version: p.version,
        description: p.description,
        modules: Object.keys(p.modules ?? {}),
        playbooks: Object.keys(p.playbooks ?? {}),
        connections: (p.connections ?? []).map((c) => c.kind),
        inventorySources: (p.inventorySources ?? []).map((s) => s.name),
        reporters: Object.keys(p.reporters ?? {}),
        checks: (p.checks ?? []).map((c) => `${c.name} (${c.phase})`),
        hooks: Object.keys(p.hooks ?? {}),
        commands: p.cli ? ['yes'] : [],
      }));
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      for (const row of rows) {
        io.stdout.write(
          `${row.name}${row.version ? `@${row.version}` : ''}${row.description ? `: ${row.description}` : ''}\n`,
        );
        for (const [label, values] of Object.entries(row)) {
          if (Array.isArray(values) && values.length > 0 && label !== 'commands') {
            io.stdout.write(`  ${label}: ${values.join(', ')}\n`);
          }
        }
      }
    });
  registerPluginsNewCommand(plugins, io);
}
