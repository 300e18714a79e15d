import type { Command } from 'commander';
import { type CliIO, collect } from '../shared.js';

interface InventoryFlags {
  inventory: string[];
  config?: string;
}

async function load(flags: InventoryFlags, io: CliIO) {
  const { loadInventory } = await import('../../inventory/index.js');
  const { loadProject } = await import('../../play/run-play.js');
  const cwd = process.cwd();
  const project = await loadProject({ cwd, configFile: flags.config });
  const configured = [project.config.inventory ?? []].flat();
  const sources = flags.inventory.length > 0 ? flags.inventory : configured;
  if (sources.length === 0) {
    // ansible-inventory falls back to its configured inventory; with none, an empty list would look like an empty fleet.
    const { RunnerError } = await import('../../errors.js');
    throw new RunnerError('USAGE', 'no inventory: pass -i <inventory> or set "inventory" in the config');
  }
  return loadInventory(sources, {
    cwd: flags.inventory.length > 0 ? cwd : project.configDir,
    plugins: project.registry.inventorySources.map((c) => c.value),
    onWarning: (w) =>
      io.stderr.write(`WARNING: ${w.file ? `${w.file}${w.line ? `:${w.line}` : ''}: ` : ''}${w.message}\n`),
  });
}

function withInventoryOptions(command: Command): Command {
  return command
    .option(
      '-i, --inventory <source>',
      'inventory file, directory or plugin config (repeatable)',
      collect,
      [],
    )
    .option('--config <file>', 'config file');
}

export function registerInventoryCommand(program: Command, io: CliIO): void {
  const inventory = program.command('inventory').description('show what runner reads from inventories');
  withInventoryOptions(
    inventory
      .command('list')
      .description("every host, group and merged var, in ansible-inventory --list's shape")
      .option('--json', 'print JSON (the default; accepted for ansible-inventory compatibility)'),
  ).action(async (flags: InventoryFlags) => {
    const { inventoryListChunks } = await import('../../inventory/index.js');
    // Written piece by piece: a 100,000-host list is 27 MB of text.
    for (const chunk of inventoryListChunks(await load(flags, io))) io.stdout.write(chunk);
    io.stdout.write('\n');
  });
  withInventoryOptions(
    inventory.command('graph').description('the group tree, like ansible-inventory --graph'),
  ).action(async (flags: InventoryFlags) => {
    const { formatInventoryGraph } = await import('../../inventory/index.js');
    io.stdout.write(`${formatInventoryGraph(await load(flags, io))}\n`);
  });
  withInventoryOptions(
    inventory.command('host').description("one host's merged vars").argument('<name>', 'host name'),
  ).action(async (name: string, flags: InventoryFlags) => {
    const { formatInventoryHost } = await import('../../inventory/index.js');
    io.stdout.write(`${formatInventoryHost(await load(flags, io), name)}\n`);
  });
}
