import { type ChildProcess, spawn } from 'node:child_process';
import type { ServerChannel } from 'ssh2';

/**
 * Runs `/bin/sh` (with `-c command` for exec, bare for a shell) for one SSH
 * channel: stdin, stdout and stderr passed through, the exit code or signal
 * reported back, and the whole process group killed when the channel closes
 * early or the client sends a signal.
 */
export interface RunOptions {
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Called once the child started; lets the host drop the connection mid-command. */
  onStart?: (child: ChildProcess, finished: () => boolean) => void;
  /** Holds back the exit status (used when the host vanishes). */
  suppressExit?: () => boolean;
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

export function runOnChannel(channel: ServerChannel, options: RunOptions): ChildProcess {
  const child = spawn('/bin/sh', options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let done = false;
  child.stdin?.on('error', () => {});
  channel.on('data', (chunk: Buffer) => child.stdin?.write(chunk));
  channel.on('end', () => child.stdin?.end());
  child.stdout?.on('data', (chunk: Buffer) => channel.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => channel.stderr.write(chunk));
  child.on('error', (error) => {
    done = true;
    channel.stderr.write(`sandbox: cannot run /bin/sh: ${error.message}\n`);
    channel.exit(127);
    channel.end();
  });
  child.on('close', (code, signal) => {
    done = true;
    if (options.suppressExit?.()) return;
    if (signal) channel.exit(signal.replace(/^SIG/, ''), false, '');
    else channel.exit(code ?? 0);
    channel.end();
  });
  channel.on('close', () => {
    if (!done) killGroup(child, 'SIGHUP');
  });
  options.onStart?.(child, () => done);
  return child;
}
