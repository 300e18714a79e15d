import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../core/output/events.js';

/** The built executable, as installed (global setup rebuilds dist/ when the sources changed). */
export const BIN = fileURLToPath(new URL('../../dist/core/cli/bin.mjs', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** NDJSON events, when the run used --json. */
  events: RunEvent[];
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  input?: string;
}

/** Runs the real `runner` executable as a user would, with a time limit. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return startCli(args, options).done;
}

/** Starts the real `runner` executable: its process (to signal it, as a user's Ctrl-C does) and its outcome. */
export function startCli(
  args: string[],
  options: CliOptions = {},
): { child: import('node:child_process').ChildProcess; done: Promise<CliRun> } {
  let child!: import('node:child_process').ChildProcessWithoutNullStreams;
  const done = new Promise<CliRun>((resolve, reject) => {
    child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, CI: '1', NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`runner ${args.join(' ')} did not finish in time\n${stderr}`));
    }, options.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, events: ndjsonEvents(stdout) });
    });
    child.stdin.end(options.input ?? '');
  });
  return { child, done };
}

/**
 * The lines of stdout that are whole JSON objects: --json's events. Other
 * output that starts with `{` (`runner inventory list`'s indented JSON) is
 * not events; a throw here would end the worker with the test still waiting.
 */
function ndjsonEvents(stdout: string): RunEvent[] {
  const events: RunEvent[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {}
  }
  return events;
}

export function recapOf(run: CliRun) {
  for (const event of run.events) if (event.type === 'run.end') return event.recap;
  throw new Error(`no run.end event\nstderr: ${run.stderr}`);
}
