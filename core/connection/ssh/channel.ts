import type { Client, ClientChannel } from 'ssh2';
import type { RunnerError } from '../../errors.js';
import { connectionError } from '../errors.js';

/** What a command on a channel needs from its connection. */
export interface ChannelContext {
  client: Client;
  host: string;
  place: string;
  /** Registers a killer for close({ force }); returns the unregister function. */
  track(kill: (reason: RunnerError) => void): () => void;
}

/** Closes a channel, asking sshd to KILL it first (which some builds ignore: see remote-kill.ts). */
export function killChannel(channel: ClientChannel): void {
  try {
    channel.signal('KILL');
  } catch {}
  channel.close();
}

/** The exit status or signal the server reported for a channel's command, if it reported one. */
export interface ExitStatus {
  received: boolean;
  code: number | null;
  signal?: string;
}

export interface OpenedExec {
  channel: ClientChannel;
  exit: ExitStatus;
}

/**
 * Opens an exec channel and starts recording its exit status at once, inside
 * ssh2's callback. ssh2 calls back while it parses the server's reply to the
 * exec request and goes on parsing whatever else came in the same read: for a
 * quick command on a busy client, that is the output, `exit-status`, EOF and
 * CLOSE too. Output waits in the channel's buffers until someone reads it, but
 * `exit` is a plain event: a listener added after an `await` misses it, and the
 * command looks as if its channel closed without an exit status.
 */
export function openExec(ctx: ChannelContext, command: string, pty: boolean): Promise<OpenedExec> {
  return new Promise((resolve, reject) => {
    try {
      ctx.client.exec(
        command,
        pty ? { pty: { term: 'dumb', cols: 200, rows: 24 } } : {},
        (error, channel) => {
          if (error) return reject(channelOpenError(ctx, error));
          const exit: ExitStatus = { received: false, code: null };
          channel.once('exit', (code: number | null, signal?: string) => {
            exit.received = true;
            exit.code = code ?? null;
            if (signal) exit.signal = signal;
          });
          resolve({ channel, exit });
        },
      );
    } catch (error) {
      reject(channelOpenError(ctx, error));
    }
  });
}

export function channelOpenError(ctx: Pick<ChannelContext, 'host' | 'place'>, error: unknown): RunnerError {
  const message = (error as Error).message ?? String(error);
  if (/not connected|no response|closed/i.test(message)) {
    return connectionError('CONNECTION_LOST', ctx.host, ctx.place, 'connection lost', error);
  }
  return connectionError('CONNECT_FAILED', ctx.host, ctx.place, `cannot open a session: ${message}`, error);
}

export function cancelledError(ctx: Pick<ChannelContext, 'host' | 'place'>): RunnerError {
  return connectionError('CANCELLED', ctx.host, ctx.place, 'command cancelled');
}

export function becomeError(ctx: Pick<ChannelContext, 'host' | 'place'>, reason: string): RunnerError {
  return connectionError('BECOME_FAILED', ctx.host, ctx.place, reason);
}
