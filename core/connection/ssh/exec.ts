import { becomeCommand } from '../become.js';
import { BecomeDialogue } from '../become-dialogue.js';
import { CommandIo } from '../command-io.js';
import { stdinBuffer } from '../content.js';
import { connectionError } from '../errors.js';
import { ExecLifecycle } from '../exec-lifecycle.js';
import { envPrefix } from '../quote.js';
import type { ExecOptions, ExecResult } from '../types.js';
import { becomeError, type ChannelContext, cancelledError, openExec } from './channel.js';
import { killRemote, PidSniffer, pidMarker, pidPrefix } from './remote-kill.js';

/**
 * One command on its own exec channel: the fallback path, and the path for
 * su (which wants a terminal for its password) and for hosts whose
 * persistent shell could not start.
 */
export async function execOnChannel(
  ctx: ChannelContext,
  command: string,
  options: ExecOptions = {},
): Promise<ExecResult> {
  if (options.signal?.aborted) throw cancelledError(ctx);
  const full = `${envPrefix(options.env)}${command}`;
  const become = options.become ? becomeCommand(full, options.become) : undefined;
  // Only a command we may have to kill reports its shell's pid (see remote-kill.ts).
  const killable = Boolean(options.timeoutMs || options.signal);
  const marker = pidMarker();
  const line = `${killable ? pidPrefix(marker) : ''}${become ? become.command : full}`;
  const sniffer = killable ? new PidSniffer(marker) : undefined;
  const { channel, exit } = await openExec(ctx, line, become?.pty ?? false);
  return new Promise<ExecResult>((resolve, reject) => {
    const life = new ExecLifecycle({
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      track: ctx.track,
      cancelled: () => cancelledError(ctx),
      kill: () => void killRemote(ctx, channel, sniffer?.pid),
    });
    const io = new CommandIo({
      dialogue: become && options.become ? new BecomeDialogue(become, options.become) : undefined,
      stdin: stdinBuffer(options.stdin),
      sink: channel,
      onFailure: (reason) => life.fail(becomeError(ctx, reason)),
    });
    channel.on('data', (chunk: Buffer) => io.take(chunk, 'stdout'));
    channel.stderr.on('data', (raw: Buffer) => {
      const chunk = sniffer ? sniffer.push(raw) : raw;
      if (chunk.length > 0) io.take(chunk, 'stderr');
    });
    channel.on('close', () => {
      life.settle();
      if (life.failure) return reject(life.failure);
      if (!life.timedOut && !exit.received) {
        return reject(
          connectionError('CONNECTION_LOST', ctx.host, ctx.place, 'connection lost while running a command'),
        );
      }
      const refused = io.becomeFailure(life.timedOut);
      if (refused) return reject(becomeError(ctx, refused));
      resolve(life.result(exit.code, exit.signal, io.out, io.err));
    });
    io.start();
  });
}
