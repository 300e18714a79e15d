import type { Command } from 'commander';
import { RunnerError } from '../../errors.js';
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
    throw new RunnerError('USAGE', 'no inventory: pass -i <inventory> or set "inventory" in the config');
  }
  return loadInventory(sources, {
    cwd: flags.inventory.length > 0 ? cwd : project.configDir,
    plugins: project.registry.inventorySources.map((c) => c.value),
    onWarning: (w) =>
      io.stderr.write(`WARNING: ${w.file ? `${w.file}${w.line ? `:${w.line}` : ''}: ` : ''}${w.message}\n`),
  });
}

/** ansible-inventory's action flags, and the subcommand each one is here. */
const ANSIBLE_ACTIONS: Record<string, 'list' | 'graph' | 'host'> = {
  '--list': 'list',
  '--graph': 'graph',
  '--host': 'host',
};

/**
 * ansible-inventory's own spelling, `runner inventory -i hosts --list` (or
 * `--graph`, `--host <name>`), read as the subcommand it means: it is what
 * users coming from Ansible type first. Only argv that starts with
 * `inventory` and names no subcommand is touched; the other flags keep their
 * place and meaning.
 */
export function ansibleInventoryArgv(argv: string[]): string[] {
  if (argv[0] !== 'inventory' || ['list', 'graph', 'host', 'help'].includes(argv[1] ?? '')) return argv;
  const rest = argv.slice(1);
  const actions = rest.filter((a) => Object.hasOwn(ANSIBLE_ACTIONS, a) || a.startsWith('--host='));
  if (actions.length === 0) {
    // `runner inventory -i hosts`: options but nothing to show (commander would only say "unknown option '-i'").
    if (rest[0]?.startsWith('-') && !['-h', '--help'].includes(rest[0])) {
      throw new RunnerError(
        'USAGE',
        'inventory: say what to show: list, graph or host <name> (or --list, --graph, --host <name>, as ansible-inventory takes them)',
      );
    }
    return argv;
  }
  if (actions.length > 1) {
    throw new RunnerError(
      'USAGE',
      `inventory: one of --list, --graph or --host <name> at a time (got ${actions.join(', ')})`,
    );
  }
  const at = rest.indexOf(actions[0]!);
  const [flag, inlineName] = actions[0]!.split(/=(.*)/s);
  const action = ANSIBLE_ACTIONS[flag!]!;
  // --host takes the host's name: `--host web1` or `--host=web1`.
  const takesNext = action === 'host' && inlineName === undefined && at + 1 < rest.length;
  const name =
    action !== 'host' ? [] : inlineName !== undefined ? [inlineName] : takesNext ? [rest[at + 1]!] : [];
  const others = rest.filter((_, i) => i !== at && !(takesNext && i === at + 1));
  return ['inventory', action, ...name, ...others];
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
