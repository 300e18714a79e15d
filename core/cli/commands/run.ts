import { type Command, Option } from 'commander';
import { DEFAULTS } from '../../config/schema.js';
import { addConnectionFlags, type ConnectionFlags, connectionFlagVars } from '../connection-flags.js';
import { type CliIO, collect, interruptController, positiveInt } from '../shared.js';

interface RunFlags extends ConnectionFlags {
  inventory: string[];
  module: string;
  args?: string;
  limit?: string;
  forks?: number;
  extraVars: string[];
  json?: boolean;
  check?: boolean;
  config?: string;
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  knownHosts: string[];
  timeout?: number;
  askPass?: boolean;
  askBecomePass?: boolean;
}

/**
 * `runner run <pattern> -m shell -a 'uptime'`: Ansible's ad-hoc mode (`ansible
 * all -m shell -a uptime`). One task, built in memory as a one-play playbook
 * and run by the same engine as `runner play`; one line per host out.
 */
export function registerRunCommand(program: Command, io: CliIO): void {
  const command = program
    .command('run')
    .description('run one module on the hosts a pattern selects (ad-hoc, like `ansible <pattern> -m ...`)')
    .argument('<pattern>', 'host pattern: all, a group, web*, a:!b ...')
    .option(
      '-i, --inventory <source>',
      'inventory file, directory or plugin config (repeatable)',
      collect,
      [],
    )
    .option('-m, --module-name <name>', 'module to run (default command)', 'command')
    .option('-a, --args <args>', "the module's args: key=value pairs, or free form for command/shell/raw")
    .option('-l, --limit <pattern>', 'further limit the hosts with a pattern')
    .option('-f, --forks <n>', `hosts to run at once (default ${DEFAULTS.forks})`, positiveInt)
    .option('-e, --extra-vars <vars>', 'key=value, a JSON/YAML mapping, or @file (repeatable)', collect, [])
    .option('-C, --check', 'dry run: report what would change')
    .option('--json', 'print NDJSON events on stdout (the host lines go to stderr)')
    .option('--config <file>', 'config file (default: discovered from the current directory)')
    .addOption(
      new Option('--host-key-checking <mode>', 'strict, accept-new (default) or off')
        .choices(['strict', 'accept-new', 'off'])
        .env('RUNNER_HOST_KEY_CHECKING'),
    )
    .option('--known-hosts <file>', 'an extra known_hosts file to read (repeatable)', collect, [])
    .option(
      '-T, --timeout <seconds>',
      `connection timeout in seconds (default: ${DEFAULTS.connectTimeout})`,
      positiveInt,
    )
    .option('-k, --ask-pass', 'ask for the SSH password once for the whole run')
    .option('-K, --ask-become-pass', 'ask for the privilege escalation password once');
  addConnectionFlags(command).action(async (pattern: string, flags: RunFlags & { moduleName: string }) => {
    const [{ runPlay }, { parseExtraVars }, { promptSecret }, { adhocReporter }, { ndjsonReporter }] =
      await Promise.all([
        import('../../play/run-play.js'),
        import('../extra-vars.js'),
        import('../prompt.js'),
        import('../../output/reporters/adhoc.js'),
        import('../../output/reporters/ndjson.js'),
      ]);
    const cwd = process.cwd();
    const password = flags.askPass ? await promptSecret('SSH password: ') : undefined;
    const becomePassword = flags.askBecomePass ? await promptSecret('BECOME password: ') : undefined;
    const reporters = flags.json
      ? [
          ndjsonReporter({ stdout: io.stdout, stderr: io.stderr, verbosity: 0, isTTY: false }),
          adhocReporter(io.stderr),
        ]
      : [adhocReporter(io.stdout)];
    const name = `${flags.moduleName}${flags.args ? ` ${flags.args}` : ''}`;
    const interrupt = interruptController(io);
    try {
      const outcome = await runPlay({
        playbook: `ad-hoc: ${name}`,
        playbookDefinition: {
          name: `ad-hoc: ${name}`,
          plays: [
            {
              name: `Ad-hoc command`,
              hosts: pattern,
              gatherFacts: false,
              tasks: [{ name, module: flags.moduleName, rawArgs: flags.args ?? null, args: {} }],
            },
          ],
        },
        inventories: flags.inventory,
        cwd,
        configFile: flags.config,
        limit: flags.limit,
        forks: flags.forks,
        extraVars: parseExtraVars(flags.extraVars, cwd),
        check: flags.check,
        hostKeyChecking: flags.hostKeyChecking,
        knownHosts: flags.knownHosts,
        connectTimeoutSeconds: flags.timeout,
        connectionVars: connectionFlagVars(flags),
        password,
        becomePassword,
        prompt: process.stdin.isTTY ? (request) => promptSecret(request.message) : undefined,
        reporters,
        signal: interrupt.stop,
        killSignal: interrupt.kill,
        onWarning: (message) => io.stderr.write(`WARNING: ${message}\n`),
      });
      io.setExitCode(outcome.exitCode);
    } finally {
      interrupt.dispose();
    }
  });
}
