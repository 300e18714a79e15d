import type { Command } from 'commander';
import { RunnerError } from '../core/errors.js';
import { DEFAULT_SANDBOX_DIR } from './defaults.js';

// The sandbox itself loads when a sandbox command runs, not whenever `runner` starts.
const control = () => import('./control.js');

/**
 * `runner sandbox start|status|reset`. Start runs in the foreground, prints
 * the `export` lines to evaluate in a shell, and stops cleanly on SIGINT or
 * SIGTERM; status and reset talk to a running sandbox found through
 * `<dir>/env`.
 */
export interface SandboxCliIo {
  out: (text: string) => void;
  /** Resolves when the foreground sandbox should stop (default: SIGINT or SIGTERM). */
  untilStopped?: () => Promise<void>;
}

const defaultIo: SandboxCliIo = { out: (text) => void process.stdout.write(text) };

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new RunnerError('USAGE', `${name} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
}

function share(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1))
    throw new RunnerError('USAGE', `--ec2-share must be between 0 and 1, got "${value}"`);
  return n;
}

function signals(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

export function registerSandboxCommands(program: Command, io: SandboxCliIo = defaultIo): Command {
  const sandbox = program
    .command('sandbox')
    .description(
      'a local OpsWorks-compatible AWS endpoint and a fleet of SSH hosts, for trying runner and for tests',
    );

  sandbox
    .command('start')
    .description(
      'start a sandbox in the foreground; prints the export lines, writes <dir>/env and <dir>/inventory.yml',
    )
    .option('--hosts <n>', 'number of SSH hosts', integer('--hosts', 0, 2000), 4)
    .option('--dir <dir>', 'directory for state, keys, host roots, env and inventory', DEFAULT_SANDBOX_DIR)
    .option('--ec2-share <x>', 'share of hosts that are EC2-class (0..1)', share, 0.5)
    .option('--port <port>', 'port of the AWS endpoint on 127.0.0.1 (0: any)', integer('--port', 0, 65535), 0)
    .option(
      '--registration-delay <ms>',
      'registering -> registered delay',
      integer('--registration-delay', 0, 3_600_000),
      200,
    )
    .action(
      async (opts: {
        hosts: number;
        dir: string;
        ec2Share: number;
        port: number;
        registrationDelay: number;
      }) => {
        const { startInDir, stopInDir } = await control();
        const sb = await startInDir(opts.dir, {
          hosts: opts.hosts,
          ec2Share: opts.ec2Share,
          port: opts.port,
          registrationDelayMs: opts.registrationDelay,
        });
        io.out(sb.env());
        io.out(
          `# runner sandbox: ${sb.hosts.length} hosts, stack ${sb.stackId}; inventory ${sb.dir}/inventory.yml; Ctrl-C stops it\n`,
        );
        await (io.untilStopped ?? signals)();
        await stopInDir(sb);
        io.out('# runner sandbox stopped\n');
      },
    );

  sandbox
    .command('status')
    .description('show a running sandbox: endpoint, stack, hosts, instances, faults')
    .option('--dir <dir>', 'the sandbox directory', DEFAULT_SANDBOX_DIR)
    .option('--json', 'print the whole state as JSON')
    .action(async (opts: { dir: string; json?: boolean }) => {
      const { formatStatus, sandboxStatus } = await control();
      const view = await sandboxStatus(opts.dir);
      io.out(opts.json ? `${JSON.stringify(view, null, 2)}\n` : formatStatus(view));
    });

  sandbox
    .command('reset')
    .description('forget everything a running sandbox was told (stacks and keys stay as at start)')
    .option('--dir <dir>', 'the sandbox directory', DEFAULT_SANDBOX_DIR)
    .action(async (opts: { dir: string }) => {
      const { resetSandbox } = await control();
      await resetSandbox(opts.dir);
      io.out('sandbox reset\n');
    });

  return sandbox;
}
