import type { SFTPWrapper } from 'ssh2';
import type { RunnerError } from '../../errors.js';
import { connectionError } from '../errors.js';
import { modeString, stdinPutCommand, tempPathFor } from '../transfer.js';
import type { ExecResult, PutOptions } from '../types.js';
import type { ChannelContext } from './channel.js';
import { execOnChannel } from './exec.js';

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

/** Through `cat > tmp` on an exec channel; with become, sudo's dialogue comes first, then the content. */
export async function putViaStdin(
  ctx: ChannelContext,
  content: Buffer,
  path: string,
  options: PutOptions,
): Promise<void> {
  const command = stdinPutCommand(path, tempPathFor(path), options.mode, options.owner);
  const result = await execOnChannel(ctx, command, { stdin: content, become: options.become });
  if (result.exitCode !== 0) throw transferError(ctx, path, lastLine(result));
}

function call<T>(fn: (cb: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((error, value) => (error ? reject(error) : resolve(value as T))),
  );
}

/** Through SFTP: write a temporary file, chmod it, chown it if asked, then rename over the target. */
export async function putViaSftp(
  ctx: ChannelContext,
  sftp: SFTPWrapper,
  content: Buffer,
  path: string,
  options: PutOptions,
): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    await call<void>((cb) => sftp.writeFile(tmp, content, { mode: 0o600 }, cb));
    await call<void>((cb) => sftp.chmod(tmp, Number.parseInt(modeString(options.mode), 8), cb));
    if (options.owner) {
      const result = await execOnChannel(ctx, `chown ${shq(options.owner)} ${shq(tmp)}`);
      if (result.exitCode !== 0) throw new Error(`chown: ${lastLine(result)}`);
    }
    // posix-rename@openssh.com replaces the target atomically; plain SFTP rename refuses to.
    await call<void>((cb) => sftp.ext_openssh_rename(tmp, path, cb)).catch(async () => {
      const result = await execOnChannel(ctx, `mv -f ${shq(tmp)} ${shq(path)}`);
      if (result.exitCode !== 0) throw new Error(lastLine(result));
    });
  } catch (error) {
    await call<void>((cb) => sftp.unlink(tmp, cb)).catch(() => undefined);
    if ((error as RunnerError).code === 'CONNECTION_LOST') throw error;
    throw transferError(ctx, path, (error as Error).message, error);
  }
}

function shq(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
