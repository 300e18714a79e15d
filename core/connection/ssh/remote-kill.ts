import { randomBytes } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import type { ChannelContext } from './channel.js';

/**
 * Killing a remote command. Closing an SSH channel does not stop what runs in
 * it, and sshd honours "signal" requests only in some builds (it refuses with
 * "session signalling requires privilege separation" in others), so a
 * killable command first reports the pid of the shell it runs in, and a kill
 * is `kill -TERM -PGID` sent on a fresh channel, for the process group that pid
 * belongs to: TERM first so sudo can pass it on, then KILL.
 *
 * The group is looked up on the host when the kill is sent, not reported with
 * the pid: a kill is rare, and reading /proc/PID/stat from a shell's `read`
 * builtin costs one system call per byte (about 300), which every host would
 * otherwise pay at every shell's start. Under sshd the shell leads its own
 * group (sshd starts each session under setsid), so the pid is also the group
 * wherever /proc cannot be read.
 */
export function pidMarker(): string {
  return `RUNNER-PID-${randomBytes(8).toString('hex')}`;
}

/** Command prefix printing `MARKER <pid>` (the shell's) as the first stderr line. */
export function pidPrefix(marker: string): string {
  return `printf '%s %s\\n' '${marker}' "$$" >&2; `;
}

/** Pulls the marker line off the start of stderr and hands the rest on. */
export class PidSniffer {
  readonly #marker: string;
  #head = '';
  #done = false;
  pid?: number;

  constructor(marker: string) {
    this.#marker = marker;
  }

  /** Returns the bytes that belong to the command's stderr. */
  push(chunk: Buffer): Buffer {
    if (this.#done) return chunk;
    this.#head += chunk.toString('latin1');
    const newline = this.#head.indexOf('\n');
    if (newline < 0 && this.#head.length < 200) return Buffer.alloc(0);
    this.#done = true;
    const line = newline < 0 ? '' : this.#head.slice(0, newline);
    const match = new RegExp(`^${this.#marker} (\\d+)$`).exec(line);
    if (!match) return Buffer.from(this.#head, 'latin1');
    this.pid = Number(match[1]);
    return Buffer.from(this.#head.slice(newline + 1), 'latin1');
  }
}

const KILL_WAIT_MS = 5000;

/**
 * The host-side kill of the process group `pid` belongs to: field 5 of
 * /proc/PID/stat (field 2, the command name in parentheses, is the shell's:
 * `sh`, `dash` or `bash`, no space in it), or the pid itself where /proc is
 * missing or the process is gone. Written for /bin/sh whatever the login shell
 * (fish has no `VAR=value`), and as `kill -TERM -PGID`: dash's kill takes no
 * `--` ("Illegal number: -") and would kill nothing.
 */
export function killCommand(pid: number): string {
  const group = `g=${pid}; read -r _ _ _ _ g _ 2>/dev/null </proc/${pid}/stat`;
  return `/bin/sh -c '${group}; kill -TERM -$g 2>/dev/null; sleep 0.3; kill -KILL -$g 2>/dev/null; true'`;
}

/** Best effort: TERM then KILL the process group of `pid` on a fresh channel, then close the old one. */
export async function killRemote(
  ctx: ChannelContext,
  channel: ClientChannel,
  pid: number | undefined,
): Promise<void> {
  try {
    channel.signal('KILL');
  } catch {}
  if (pid && pid > 1) {
    const command = killCommand(pid);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, KILL_WAIT_MS);
      try {
        ctx.client.exec(command, (error, killer) => {
          if (error) {
            clearTimeout(timer);
            return resolve();
          }
          killer.resume();
          killer.stderr.resume();
          killer.on('close', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
  }
  channel.close();
}
