import type { Command } from 'commander';
import type { CliIO } from '../shared.js';

/** `runner plugins new <name>`: a plugin package to start from, tests included. */
export function registerPluginsNewCommand(plugins: Command, io: CliIO): void {
  plugins
    .command('new')
    .description('scaffold a plugin package: a module, a check, a test, package.json and tsconfig.json')
    .argument('<name>', 'npm name of the plugin package, e.g. runner-plugin-motd')
    .option('--dir <path>', 'where to create it (default: ./<name without scope>)')
    .action(async (name: string, flags: { dir?: string }) => {
      const { existsSync, mkdirSync, readdirSync, writeFileSync } = await import('node:fs');
      const { join, relative, resolve } = await import('node:path');
      const { RunnerError } = await import('../../errors.js');
      const { packageInfo } = await import('../../package-info.js');
      const { invalidPluginName, scaffoldFiles } = await import('../../plugin/scaffold.js');
      const why = invalidPluginName(name);
      if (why) throw new RunnerError('USAGE', `plugins new: "${name}" is not a package name: ${why}`);
      const dir = resolve(flags.dir ?? name.split('/').pop()!);
      if (existsSync(dir) && readdirSync(dir).length > 0) {
        throw new RunnerError('USAGE', `plugins new: ${dir} exists and is not empty`, { file: dir });
      }
      mkdirSync(dir, { recursive: true });
      const files = scaffoldFiles({ name, runner: packageInfo() });
      for (const [file, content] of Object.entries(files))
        writeFileSync(join(dir, file), content, { flag: 'wx' });
      const where = relative(process.cwd(), dir) || '.';
      io.stdout.write(
        [
          `created ${where}/: ${Object.keys(files).join(', ')}`,
          `next: cd ${where} && npm install && npm test && npm run typecheck`,
          '',
        ].join('\n'),
      );
    });
}
