import { spawn } from 'node:child_process';
import { chmod, chown, rename, rm, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { RunnerError } from '../../errors.js';
import { becomeCommand } from '../become.js';
import { BecomeDialogue } from '../become-dialogue.js';
import { CommandIo } from '../command-io.js';
import { contentBuffer, stdinBuffer } from '../content.js';
import { connectionError } from '../errors.js';
import { ExecLifecycle } from '../exec-lifecycle.js';
import { shQuote } from '../quote.js';
import { DEFAULT_PUT_MODE, stdinPutCommand, tempPathFor } from '../transfer.js';
import type {
  CloseOptions,
  Connection,
  ConnectionCapabilities,
  ConnectionSpec,
  ExecOptions,
  ExecResult,
  PutOptions,
} from '../types.js';

/**
 * `ansible_connection: local`: commands run on the controller through
 * /bin/sh, with the same options and result shape as ssh. Become runs the
 * same sudo transform; its password goes to sudo's stdin after the prompt.
 */
export class LocalConnection implements Connection {
  readonly kind = 'local';
  readonly host: string;
  readonly capabilities: ConnectionCapabilities = { sftp: false, persistentShell: false, become: true };
  readonly #running = new Set<(reason: RunnerError) => void>();
  #closed = false;

  constructor(spec: ConnectionSpec) {
    this.host = spec.host;
  }

  async connect(): Promise<void> {}

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const place = this.host;
    const cancelled = () => connectionError('CANCELLED', this.host, place, 'command cancelled');
    if (this.#closed)
      return Promise.reject(connectionError('CANCELLED', this.host, place, 'connection is closed'));
    if (options.signal?.aborted) return Promise.reject(cancelled());
    const become = options.become ? becomeCommand(command, options.become) : undefined;
    // detached: the command gets its own process group, so a timeout kills its children too.
    const child = spawn('/bin/sh', ['-c', become ? become.command : command], {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    return new Promise<ExecResult>((resolve, reject) => {
      const life = new ExecLifecycle({
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        track: (stop) => {
          this.#running.add(stop);
          return () => this.#running.delete(stop);
        },
        cancelled,
        kill: () => {
          try {
            if (child.pid) process.kill(-child.pid, 'SIGKILL');
          } catch {}
        },
      });
      const io = new CommandIo({
        dialogue: become && options.become ? new BecomeDialogue(become, options.become) : undefined,
        stdin: stdinBuffer(options.stdin),
        sink: child.stdin,
        onFailure: (reason) => life.fail(connectionError('BECOME_FAILED', this.host, place, reason)),
      });
      child.stdin.on('error', () => undefined);
      child.stdout.on('data', (chunk: Buffer) => io.take(chunk, 'stdout'));
      child.stderr.on('data', (chunk: Buffer) => io.take(chunk, 'stderr'));
      child.on('error', (error) => {
        life.failure ??= new RunnerError('CONNECT_FAILED', `${place}: cannot run /bin/sh: ${error.message}`, {
          host: this.host,
          cause: error,
        });
      });
      child.on('close', (code, signal) => {
        life.settle();
        if (life.failure) return reject(life.failure);
        const refused = io.becomeFailure(life.timedOut);
        if (refused) return reject(connectionError('BECOME_FAILED', this.host, place, refused));
        resolve(life.result(code, signal?.replace(/^SIG/, ''), io.out, io.err));
      });
      io.start();
    });
  }

  async put(content: string | Buffer | Readable, path: string, options: PutOptions = {}): Promise<void> {
    const data = await contentBuffer(content);
    const tmp = tempPathFor(path);
    if (options.become) {
      const result = await this.exec(stdinPutCommand(path, tmp, options.mode, options.owner), {
        stdin: data,
        become: options.become,
      });
      if (result.exitCode !== 0)
        throw this.#transferError(path, result.stderr.trim() || `exit ${result.exitCode}`);
      return;
    }
    try {
      await writeFile(tmp, data, { mode: 0o600 });
      await chmod(tmp, options.mode ?? DEFAULT_PUT_MODE);
      if (options.owner) await chown(tmp, ...(await ownerIds(options.owner)));
      await rename(tmp, path);
    } catch (error) {
      await rm(tmp, { force: true });
      throw this.#transferError(path, (error as Error).message, error);
    }
  }

  #transferError(path: string, reason: string, cause?: unknown): RunnerError {
    return connectionError('TRANSFER_FAILED', this.host, this.host, `cannot write ${path}: ${reason}`, cause);
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (options.force) {
      const reason = connectionError('CANCELLED', this.host, this.host, 'command killed: connection closed');
      for (const kill of [...this.#running]) kill(reason);
    }
  }
}

/** `user` or `user:group` to numeric ids, through id(1) (no passwd parsing of our own). */
async function ownerIds(owner: string): Promise<[number, number]> {
  const [user, group] = owner.split(':');
  const run = (args: string) =>
    new Promise<number>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', args]);
      let text = '';
      child.stdout.on('data', (d) => {
        text += d;
      });
      child.on('close', (code) =>
        code === 0 ? resolve(Number(text.trim())) : reject(new Error(`unknown owner ${owner}`)),
      );
    });
  const uid = await run(`id -u ${shQuote(user)}`);
  const gid = group
    ? await run(`getent group ${shQuote(group)} | cut -d: -f3`)
    : await run(`id -g ${shQuote(user)}`);
  return [uid, gid];
}
