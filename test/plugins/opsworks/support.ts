import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../../sandbox/index.js';
import { type CliRun, startCli } from '../../support/cli.js';

interface RunOptions {
  timeoutMs?: number;
  /** Added to the sandbox's environment (e.g. RUNNER_JOURNAL_DIR). */
  env?: Record<string, string>;
}

/** A sandbox with its inventory written, and `runner play register` against it through the real binary. */
export interface RegisterFixture {
  sb: Sandbox;
  inventory: string;
  work: string;
  register(extra?: string[], options?: RunOptions): Promise<CliRun>;
  /** The same run, started: its process, to signal it while it runs. */
  start(
    extra?: string[],
    options?: RunOptions,
  ): { child: import('node:child_process').ChildProcess; done: Promise<CliRun> };
}

export async function registerFixture(options: SandboxOptions): Promise<RegisterFixture> {
  const sb = await startSandbox(options);
  const work = mkdtempSync(join(tmpdir(), 'runner-register-'));
  const inventory = join(work, 'inventory.yml');
  await sb.writeInventory(inventory);
  const start = (extra: string[] = [], opts: RunOptions = {}) =>
    startCli(
      [
        'play',
        'register',
        '-i',
        inventory,
        '--known-hosts',
        sb.knownHostsFile,
        '-e',
        `opsworks_stack_id=${sb.stackId}`,
        // Counting updates runs apt on this machine once per host: the reminder alone is enough here.
        '-e',
        'opsworks_os_updates=remind',
        '--json',
        ...extra,
      ],
      {
        env: { ...sb.envVars(), AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1', ...opts.env },
        timeoutMs: opts.timeoutMs ?? 900_000,
      },
    );
  return { sb, inventory, work, start, register: (extra, opts) => start(extra, opts).done };
}

/** The secret keys the agents were given (read from each host's agent config in the sandbox). */
export function agentSecrets(sb: Sandbox): string[] {
  const out: string[] = [];
  for (const h of sb.hosts) {
    const file = join(h.root, 'etc/aws/opsworks/instance-agent.yml');
    if (!existsSync(file)) continue;
    const m = /^:secret_access_key: (.+)$/m.exec(readFileSync(file, 'utf8'));
    if (m) out.push(JSON.parse(m[1]!) as string);
  }
  return out;
}

export function resultsOf(run: CliRun) {
  return run.events.flatMap((e) => (e.type === 'host.task.result' ? [e.result] : []));
}

export function doneOf(run: CliRun) {
  return Object.fromEntries(
    run.events.flatMap((e) => (e.type === 'host.done' ? [[e.host, e] as const] : [])),
  );
}
