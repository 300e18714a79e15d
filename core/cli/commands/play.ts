import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { DEFAULTS } from '../../config/schema.js';
import { expandHome } from '../../expand-home.js';
import { EXIT } from '../../play/exit-code.js';
import { addConnectionFlags, type ConnectionFlags, connectionFlagVars } from '../connection-flags.js';
import { addShardFlags, type ScopeFlags, scopeFromFlags } from '../shard-flags.js';
import { type CliIO, collect, interruptController, positiveInt } from '../shared.js';

interface PlayFlags extends ConnectionFlags, ScopeFlags {
  listHosts?: boolean;
  listTasks?: boolean;
  syntaxCheck?: boolean;
  timeout?: number;
  inventory: string[];
  limit?: string;
  forks?: number;
  extraVars: string[];
  json?: boolean;
  verbose: number;
  check?: boolean;
  diff?: boolean;
  tags?: string;
  skipTags?: string;
  startAtTask?: string;
  config?: string;
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  knownHosts: string[];
  connectTimeout?: number;
  askPass?: boolean;
  askBecomePass?: boolean;
  logDir?: string;
}

export function registerPlayCommand(program: Command, io: CliIO): void {
  const command = program
    .command('play')
    .description('run a playbook (a file, or a plugin playbook such as "register") over an inventory')
    .argument('<playbook>', 'playbook file or plugin playbook name')
    .option(
      '-i, --inventory <source>',
      'inventory file, directory or plugin config (repeatable)',
      collect,
      [],
    )
    .option('-l, --limit <pattern>', 'further limit the hosts with a pattern')
    .option('-f, --forks <n>', 'hosts to run at once (default 50)', positiveInt)
    .option('-e, --extra-vars <vars>', 'key=value, a JSON/YAML mapping, or @file (repeatable)', collect, [])
    .option('--json', 'print NDJSON events on stdout (human output goes to stderr)')
    .option('-v, --verbose', 'more output (repeat for more)', (_v, n: number) => n + 1, 0)
    .option('-C, --check', 'dry run: report what would change')
    .option('-D, --diff', 'show how copy, template and file change files (with --check: would change)')
    .option('-t, --tags <tags>', 'only tasks with these tags (comma-separated)')
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma-separated)')
    .option('--start-at-task <name>', 'start each play at the task with this name')
    .option('--list-hosts', 'print the hosts each play would run on, then stop (no host is touched)')
    .option('--list-tasks', 'print the tasks each play would run, then stop (no host is touched)')
    .option('--syntax-check', 'check the playbook, then stop (no host is touched)')
    .option('--config <file>', 'config file (default: discovered from the current directory)')
    .addOption(
      new Option('--host-key-checking <mode>', 'strict, accept-new (default) or off')
        .choices(['strict', 'accept-new', 'off'])
        .env('RUNNER_HOST_KEY_CHECKING'),
    )
    .option('--known-hosts <file>', 'an extra known_hosts file to read (repeatable)', collect, [])
    .option(
      '-T, --timeout <seconds>',
      `connection timeout in seconds (default: ${DEFAULTS.connectTimeout}, or "connectTimeout" in the config)`,
      positiveInt,
    )
    .addOption(new Option('--connect-timeout <seconds>').argParser(positiveInt).hideHelp())
    .option('-k, --ask-pass', 'ask for the SSH password once for the whole run')
    .option('-K, --ask-become-pass', 'ask for the privilege escalation password once')
    .option('--log-dir <dir>', 'write one log file per host into this directory');
  addConnectionFlags(addShardFlags(command)).action(async (playbook: string, flags: PlayFlags) => {
    // Loaded here, not at the top: `runner --version` and `runner help` stay instant.
    const [{ selectReporters }, { loadProject, runPlay }, { parseExtraVars }, { promptSecret }] =
      await Promise.all([
        import('../../output/select-reporters.js'),
        import('../../play/run-play.js'),
        import('../extra-vars.js'),
        import('../prompt.js'),
      ]);
    const cwd = process.cwd();
    const scope = scopeFromFlags(flags, { playbook, inventories: flags.inventory, limit: flags.limit });
    if (flags.listHosts || flags.listTasks || flags.syntaxCheck) {
      const [{ listPlay }, { parseExtraVars }] = await Promise.all([
        import('../../play/list-play.js'),
        import('../extra-vars.js'),
      ]);
      try {
        const text = await listPlay({
          playbook,
          inventories: flags.inventory,
          cwd,
          configFile: flags.config,
          limit: flags.limit,
          shard: scope.shard,
          extraVars: parseExtraVars(flags.extraVars, cwd),
          tags: flags.tags?.split(',').map((t) => t.trim()),
          skipTags: flags.skipTags?.split(',').map((t) => t.trim()),
          hosts: flags.listHosts === true,
          tasks: flags.listTasks === true,
          onWarning: (message) => io.stderr.write(`WARNING: ${message}\n`),
        });
        io.stdout.write(text);
      } catch (error) {
        // ansible-playbook exits 4 when the playbook does not parse; so do we, with the one-line error.
        const { toRunnerError } = await import('../../errors.js');
        io.stderr.write(`runner: ${toRunnerError(error).oneLine()}\n`);
        io.setExitCode(EXIT.PARSE_ERROR);
      }
      return;
    }
    const password = flags.askPass ? await promptSecret('SSH password: ') : undefined;
    const becomePassword = flags.askBecomePass ? await promptSecret('BECOME password: ') : undefined;
    const project = await loadProject({ cwd, configFile: flags.config });
    if (project.config.reporter) await project.registry.loadNamed('reporters', project.config.reporter);
    const reporters = await selectReporters(
      {
        json: flags.json === true,
        verbosity: flags.verbose,
        reporter: project.config.reporter,
        // `~` as Ansible expands every path; the config's is relative to the config file, as its others are.
        logDir:
          flags.logDir !== undefined
            ? expandHome(flags.logDir)
            : project.config.logDir !== undefined
              ? resolve(project.configDir, expandHome(project.config.logDir))
              : undefined,
        configFile: project.configFile,
        stdout: io.stdout,
        stderr: io.stderr,
      },
      project.registry,
    );
    const interrupt = interruptController(io);
    try {
      const outcome = await runPlay({
        playbook,
        inventories: flags.inventory,
        cwd,
        configFile: flags.config,
        project,
        limit: flags.limit,
        scope,
        forks: flags.forks,
        extraVars: parseExtraVars(flags.extraVars, cwd),
        check: flags.check,
        diff: flags.diff,
        tags: flags.tags?.split(',').map((t) => t.trim()),
        skipTags: flags.skipTags?.split(',').map((t) => t.trim()),
        startAtTask: flags.startAtTask,
        hostKeyChecking: flags.hostKeyChecking,
        knownHosts: flags.knownHosts,
        connectTimeoutSeconds: flags.timeout ?? flags.connectTimeout,
        connectionVars: connectionFlagVars(flags),
        password,
        becomePassword,
        // Only a terminal can answer a passphrase prompt; elsewhere the host fails with AUTH_FAILED.
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
