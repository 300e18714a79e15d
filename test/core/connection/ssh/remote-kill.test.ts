import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { killCommand, PidSniffer } from '../../../../core/connection/ssh/remote-kill.js';

/** The process group a pid belongs to, read as the kernel reports it (undefined once the process is gone and reaped). */
function groupOf(pid: number): number | undefined {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return undefined;
  const fields = readFileSync(stat, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return fields[0] === 'Z' ? undefined : Number(fields[2]);
}

describe('killing a remote command', () => {
  it("kills the whole process group of the pid it is given, even when that pid does not lead it (what a timeout's kill runs on the host)", async () => {
    // A group like a persistent shell's on the host: a leader (sshd's setsid) and the command it runs.
    const leader = spawn('/bin/sh', ['-c', 'sleep 600 & echo $!; wait'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const exited = new Promise<string | null>((resolve) =>
      leader.once('exit', (_code, signal) => resolve(signal)),
    );
    try {
      const member = Number(
        await new Promise<string>((resolve) => leader.stdout.once('data', (d) => resolve(String(d)))),
      );
      expect(groupOf(member)).toBe(leader.pid);
      expect(member).not.toBe(leader.pid);

      execFileSync('/bin/sh', ['-c', killCommand(member)]);

      // Killed, not ended: the group's sleep would outlast the test; a kill that missed ends here.
      const outcome = await Promise.race([
        exited,
        new Promise((resolve) => setTimeout(resolve, 60_000, 'still running')),
      ]);
      expect(outcome).toBe('SIGTERM');
      expect(groupOf(member)).toBeUndefined();
    } finally {
      if (leader.exitCode === null && leader.signalCode === null)
        process.kill(-(leader.pid as number), 'SIGKILL');
    }
  });

  it('kills nothing and fails nothing for a pid that is gone', () => {
    // Pids wrap long before this one on Linux's default pid_max; kill -- -PID then finds no group.
    expect(() => execFileSync('/bin/sh', ['-c', killCommand(4_194_303)])).not.toThrow();
  });

  it("reads the shell's pid off the first stderr line and hands the rest on", () => {
    const sniffer = new PidSniffer('M');
    expect(sniffer.push(Buffer.from('M 12')).length).toBe(0);
    expect(String(sniffer.push(Buffer.from('34\nreal stderr\n')))).toBe('real stderr\n');
    expect(sniffer.pid).toBe(1234);
  });
});
