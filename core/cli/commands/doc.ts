import type { Command } from 'commander';
import type { CliIO } from '../shared.js';

/** `runner doc [module]`: a module's description and arguments from its schema, like ansible-doc. */
export function registerDocCommand(program: Command, io: CliIO): void {
  program
    .command('doc')
    .description("a module's description and arguments (from its schema); without a name, every module")
    .argument('[module]', 'module name, e.g. shell')
    .option('--config <file>', 'config file (its plugins are documented too)')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, flags: { config?: string; json?: boolean }) => {
      const { loadProject } = await import('../../play/run-play.js');
      const { moduleDoc, formatModuleDoc } = await import('../../plugin/module-doc.js');
      const { RunnerError } = await import('../../errors.js');
      const { registry } = await loadProject({ cwd: process.cwd(), configFile: flags.config });
      await registry.loadAll();
      if (name === undefined) {
        // Checks run as modules under `check:<phase>:<name>` keys; they are not for playbooks.
        const rows = [...registry.modules.entries()]
          .filter(([key]) => !key.startsWith('check:'))
          .map(([, m]) => m)
          .sort((a, b) => a.name.localeCompare(b.name));
        if (flags.json) {
          const list = rows.map((m) => ({
            name: m.name,
            plugin: m.plugin,
            description: m.value.description,
          }));
          io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          return;
        }
        const width = Math.max(...rows.map((m) => m.name.length));
        for (const m of rows)
          io.stdout.write(`${`${m.name.padEnd(width)}  ${m.value.description ?? ''}`.trimEnd()}\n`);
        return;
      }
      const found = registry.modules.get(name);
      if (!found) {
        const { closest } = await import('../../play/prepare.js');
        const near = closest(name, [...registry.modules.keys()]);
        throw new RunnerError(
          'UNKNOWN_MODULE',
          `unknown module "${name}"${near ? ` (did you mean "${near}"?)` : ''}; "runner doc" lists them`,
        );
      }
      const doc = moduleDoc(name, found.plugin, found.value);
      io.stdout.write(flags.json ? `${JSON.stringify(doc, null, 2)}\n` : formatModuleDoc(doc));
    });
}
