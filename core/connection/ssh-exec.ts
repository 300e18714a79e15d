import type { Client, ClientChannel } from 'ssh2';
import type { RunnerError } from '../errors.js';
import { isSecret, redact } from '../secret.js';
import { becomeCommand, becomeFailureReason } from './become.js';
import { connectionError } from './errors.js';
import { envPrefix } from './quote.js';
import { killRemote, PidSniffer, pidMarker, pidPrefix } from './remote-kill.js';
import type { ExecOptions, ExecResult } from './types.js';

/** What a command on a channel needs from its connection. */
export interface ChannelContext {
  client: Client;
  host: string;
  place: string;
  /** Registers a killer for close({ force }) and for the connection's loss; returns the unregister function. */
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

export function stdinBuffer(stdin: ExecOptions['stdin']): Buffer | undefined {
  if (stdin === undefined) return undefined;
  if (isSecret(stdin)) return Buffer.from(stdin.reveal());
  return Buffer.isBuffer(stdin) ? stdin : Buffer.from(stdin);
}

/**
 * One command on its own exec channel: the fallback path, and the path for
 * become (sudo's password dialogue) and timeouts (killing the channel).
 */
export async function execOnChannel(
  ctx: ChannelContext,
  command: string,
  options: ExecOptions = {},
): Promise<ExecResult> {
  if (options.signal?.aborted) throw cancelledError(ctx);
  const started = Date.now();
  const full = `${envPrefix(options.env)}${command}`;
  const become = options.become ? becomeCommand(full, options.become) : undefined;
  // Only a command we may have to kill reports its process group (see remote-kill.ts).
  const killable = Boolean(options.timeoutMs || options.signal);
  const marker = pidMarker();
  const line = `${killable ? pidPrefix(marker) : ''}${become ? become.command : full}`;
  const sniffer = killable ? new PidSniffer(marker) : undefined;
  const { channel, exit } = await openExec(ctx, line, become?.pty ?? false);
  const stdin = stdinBuffer(options.stdin);

  return new Promise<ExecResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let failure: RunnerError | undefined;
    // Before escalation, output is the tool's dialogue, kept apart from the command's.
    let escalated = !become;
    let dialogue = '';
    let prompts = 0;
    let scanFrom = 0;

    const kill = (reason: RunnerError | 'timeout') => {
      if (reason === 'timeout') timedOut = true;
      else failure ??= reason;
      void killRemote(ctx, channel, sniffer?.pgid);
    };
    const untrack = ctx.track((reason) => kill(reason));
    const timer =
      options.timeoutMs && options.timeoutMs > 0
        ? setTimeout(() => kill('timeout'), options.timeoutMs)
        : undefined;
    const onAbort = () => kill(cancelledError(ctx));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const sendStdin = () => {
      if (stdin && stdin.length > 0) channel.write(stdin);
      channel.end();
    };

    const watchDialogue = (chunk: Buffer, isStdout: boolean) => {
      dialogue += chunk.toString('utf8');
      const marker = `${become!.success}`;
      const at = dialogue.indexOf(marker);
      if (isStdout && at >= 0) {
        escalated = true;
        // Keep what the command printed after the marker line, drop the dialogue.
        const rest = dialogue.slice(at + marker.length).replace(/^\r?\n/, '');
        dialogue = dialogue.slice(0, at);
        if (rest) out.push(Buffer.from(rest));
        sendStdin();
        return;
      }
      if (!become!.prompt) return;
      // Look for a new prompt only in what arrived since the last one.
      if (become!.prompt.test(dialogue.slice(scanFrom))) {
        prompts++;
        scanFrom = dialogue.length;
        if (prompts === 1 && options.become?.password) {
          channel.write(`${options.become.password.reveal()}\n`);
        } else {
          // A second prompt means the password was refused; sudo would ask again and wait forever.
          kill(becomeError(ctx, `incorrect ${options.become!.method} password`));
        }
      }
    };

    channel.on('data', (chunk: Buffer) => {
      if (escalated) out.push(chunk);
      else watchDialogue(chunk, true);
    });
    channel.stderr.on('data', (raw: Buffer) => {
      const chunk = sniffer ? sniffer.push(raw) : raw;
      if (chunk.length === 0) return;
      if (escalated) err.push(chunk);
      else watchDialogue(chunk, false);
    });
    channel.on('close', () => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      untrack();
      if (failure) return reject(failure);
      if (!timedOut && !exit.received) {
        return reject(
          connectionError('CONNECTION_LOST', ctx.host, ctx.place, 'connection lost while running a command'),
        );
      }
      if (!escalated && !timedOut) {
        const text = options.become?.password
          ? redact(dialogue).split(options.become.password.reveal()).join('')
          : dialogue;
        return reject(becomeError(ctx, becomeFailureReason(options.become!.method, text)));
      }
      const result: ExecResult = {
        exitCode: timedOut ? null : exit.code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        durationMs: Date.now() - started,
        timedOut,
      };
      if (exit.signal && !timedOut) result.signal = exit.signal;
      resolve(result);
    });
    if (!become) sendStdin();
  });
}

export function cancelledError(ctx: Pick<ChannelContext, 'host' | 'place'>): RunnerError {
  return connectionError('CANCELLED', ctx.host, ctx.place, 'command cancelled');
}

export function becomeError(ctx: Pick<ChannelContext, 'host' | 'place'>, reason: string): RunnerError {
  return connectionError('BECOME_FAILED', ctx.host, ctx.place, reason);
}
