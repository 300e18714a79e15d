import type { SFTPWrapper } from 'ssh2';
import type { RunnerError } from '../../errors.js';
import { connectionError } from '../errors.js';
import { shQuote } from '../quote.js';
import { modeString, stdinPutCommand, tempPathFor } from '../transfer.js';
import type { ExecOptions, ExecResult, PutOptions } from '../types.js';
import type { ChannelContext } from './channel.js';

function transferError(
  ctx: Pick<ChannelContext, 'host' | 'place'>,
  path: string,
  reason: string,
  cause?: unknown,
): RunnerError {
  return connectionError('TRANSFER_FAILED', ctx.host, ctx.place, `cannot write ${path}: ${reason}`, cause);
}

function lastLine(result: ExecResult): string {
  return result.stderr.trim().split('\n').pop() || `exit code ${result.exitCode}`;
}

/**
 * Through `cat > tmp` run by `exec` (the host's shell when it has one, so
 * become shares its sudo); with become, sudo's dialogue comes first, then the content.
 */
export async function putViaStdin(
  ctx: Pick<ChannelContext, 'host' | 'place'>,
  exec: (command: string, options: ExecOptions) => Promise<ExecResult>,
  content: Buffer,
  path: string,
  options: PutOptions,
): Promise<void> {
  const command = stdinPutCommand(path, tempPathFor(path), options.mode, options.owner);
  const result = await exec(command, { stdin: content, become: options.become });
  if (result.exitCode !== 0) throw transferError(ctx, path, lastLine(result));
}

/** A silent host answers no SFTP request: past this, the host is taken as gone. */
const SFTP_REQUEST_DEADLINE_MS = 60_000;
/** Extra time per byte for a big write (a floor of 50 kB/s), so a large file on a slow link is not cut off. */
const SFTP_MS_PER_BYTE = 1 / 50;

/**
 * One SFTP request with a deadline. ssh2 gives an SFTP request no timeout,
 * and a request made after the channel closed is never answered: without
 * this, a host that vanishes mid-upload hangs its put (and the run) forever.
 * It fails at once when the connection is lost or closed with force, and at
 * its deadline it tears the connection down (every other operation on that
 * host fails with it) and reports the connection lost.
 */
function call<T>(
  ctx: ChannelContext,
  what: string,
  deadlineMs: number,
  fn: (cb: (error: Error | null | undefined, value?: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | null | undefined, value?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      untrack();
      if (error) reject(error);
      else resolve(value as T);
    };
    const timer = setTimeout(() => {
      settle(
        connectionError(
          'CONNECTION_LOST',
          ctx.host,
          ctx.place,
          `the host stopped answering (no reply to SFTP ${what} in ${Math.round(deadlineMs / 1000)} s)`,
        ),
      );
      ctx.client.destroy();
    }, deadlineMs);
    const untrack = ctx.track((reason) => settle(reason));
    try {
      fn(settle);
    } catch (error) {
      settle(error as Error);
    }
  });
}

/** Through SFTP: write a temporary file, chmod it, chown it if asked, then rename over the target. */
export async function putViaSftp(
  ctx: ChannelContext,
  exec: (command: string) => Promise<ExecResult>,
  sftp: SFTPWrapper,
  content: Buffer,
  path: string,
  options: PutOptions,
): Promise<void> {
  const tmp = tempPathFor(path);
  const deadline = options.timeoutMs ?? SFTP_REQUEST_DEADLINE_MS;
  try {
    await call<void>(ctx, 'write', deadline + content.length * SFTP_MS_PER_BYTE, (cb) =>
      sftp.writeFile(tmp, content, { mode: 0o600 }, cb),
    );
    await call<void>(ctx, 'chmod', deadline, (cb) =>
      sftp.chmod(tmp, Number.parseInt(modeString(options.mode), 8), cb),
    );
    if (options.owner) {
      const result = await exec(`chown ${shQuote(options.owner)} ${shQuote(tmp)}`);
      if (result.exitCode !== 0) throw new Error(`chown: ${lastLine(result)}`);
    }
    // posix-rename@openssh.com replaces the target atomically; plain SFTP rename refuses to.
    await call<void>(ctx, 'rename', deadline, (cb) => sftp.ext_openssh_rename(tmp, path, cb)).catch(
      async (error: RunnerError) => {
        if (error.code === 'CONNECTION_LOST' || error.code === 'CANCELLED') throw error;
        const result = await exec(`mv -f ${shQuote(tmp)} ${shQuote(path)}`);
        if (result.exitCode !== 0) throw new Error(lastLine(result));
      },
    );
  } catch (error) {
    const code = (error as RunnerError).code;
    // A lost host cannot remove its temp file now; the caller's next contact must (its path is in `tmp`).
    if (code === 'CONNECTION_LOST' || code === 'CANCELLED') throw error;
    await call<void>(ctx, 'remove', deadline, (cb) => sftp.unlink(tmp, cb)).catch(() => undefined);
    throw transferError(ctx, path, (error as Error).message, error);
  }
}
