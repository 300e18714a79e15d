import { randomBytes } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import type { ChannelContext } from './channel.js';

/**
 * Killing a remote command. Closing an SSH channel does not stop what runs in
 * it, and sshd honours "signal" requests only in some builds (it refuses with
 * "session signalling requires privilege separation" in others), so a
 * killable command first reports its process group (the session leader's pid:
 * sshd runs each session under setsid), and a kill is `kill -- -PGID` sent on
 * a fresh channel: TERM first so sudo can pass it on, then KILL.
 */
export function pidMarker(): string {
  return `RUNNER-PID-${randomBytes(8).toString('hex')}`;
}

/** Command prefix printing `MARKER <pgid>` as the first stderr line. */
export function pidPrefix(marker: string): string {
  return `printf '%s %s\\n' '${marker}' "$$" >&2; `;
}

/** Pulls the marker line off the start of stderr and hands the rest on. */
export class PidSniffer {
  readonly #marker: string;
  #head = '';
  #done = false;
  pgid?: number;

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
    this.pgid = Number(match[1]);
    return Buffer.from(this.#head.slice(newline + 1), 'latin1');
  }
}

const KILL_WAIT_MS = 5000;

/** Best effort: TERM then KILL the process group on a fresh channel, then close the old one. */
export async function killRemote(
  ctx: ChannelContext,
  channel: ClientChannel,
  pgid: number | undefined,
): Promise<void> {
  try {
    channel.signal('KILL');
  } catch {}
  if (pgid && pgid > 1) {
    const command = `kill -TERM -- -${pgid} 2>/dev/null; sleep 0.3; kill -KILL -- -${pgid} 2>/dev/null; true`;
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
