import { spawn } from 'node:child_process';
import { chmod, chown, rename, rm, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { RunnerError } from '../errors.js';
import { redact } from '../secret.js';
import { becomeCommand, becomeFailureReason } from './become.js';
import { contentBuffer } from './content.js';
import { connectionError } from './errors.js';
import { shQuote } from './quote.js';
import { stdinBuffer } from './ssh-exec.js';
import { DEFAULT_PUT_MODE, stdinPutCommand, tempPathFor } from './transfer.js';
import type {
  CloseOptions,
  Connection,
  ConnectionCapabilities,
  ConnectionSpec,
  ExecOptions,
  ExecResult,
  PutOptions,
} from './types.js';

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
    if (this.#closed)
      return Promise.reject(connectionError('CANCELLED', this.host, place, 'connection is closed'));
    if (options.signal?.aborted)
      return Promise.reject(connectionError('CANCELLED', this.host, place, 'command cancelled'));
    const become = options.become ? becomeCommand(command, options.become) : undefined;
    const started = Date.now();
    // detached: the command gets its own process group, so a timeout kills its children too.
    const child = spawn('/bin/sh', ['-c', become ? become.command : command], {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const stdin = stdinBuffer(options.stdin);
    return new Promise<ExecResult>((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      let failure: RunnerError | undefined;
      let escalated = !become;
      let dialogue = '';
      let scanFrom = 0;
      let prompts = 0;
      const killGroup = () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {}
      };
      const kill = (reason: RunnerError | 'timeout') => {
        if (reason === 'timeout') timedOut = true;
        else failure ??= reason;
        killGroup();
      };
      this.#running.add(kill);
      const timer = options.timeoutMs ? setTimeout(() => kill('timeout'), options.timeoutMs) : undefined;
      const onAbort = () => kill(connectionError('CANCELLED', this.host, place, 'command cancelled'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const sendStdin = () => {
        if (stdin) child.stdin.write(stdin);
        child.stdin.end();
      };
      const watch = (chunk: Buffer, isStdout: boolean) => {
        dialogue += chunk.toString('utf8');
        const at = dialogue.indexOf(become!.success);
        if (isStdout && at >= 0) {
          escalated = true;
          const rest = dialogue.slice(at + become!.success.length).replace(/^\r?\n/, '');
          dialogue = dialogue.slice(0, at);
          if (rest) out.push(Buffer.from(rest));
          sendStdin();
        } else if (become!.prompt?.test(dialogue.slice(scanFrom))) {
          scanFrom = dialogue.length;
          if (++prompts === 1 && options.become?.password)
            child.stdin.write(`${options.become.password.reveal()}\n`);
          else
            kill(
              connectionError(
                'BECOME_FAILED',
                this.host,
                place,
                `incorrect ${options.become!.method} password`,
              ),
            );
        }
      };
      child.stdin.on('error', () => undefined);
      child.stdout.on('data', (c: Buffer) => (escalated ? out.push(c) : watch(c, true)));
      child.stderr.on('data', (c: Buffer) => (escalated ? err.push(c) : watch(c, false)));
      child.on('error', (error) => {
        failure ??= new RunnerError('CONNECT_FAILED', `${place}: cannot run /bin/sh: ${error.message}`, {
          host: this.host,
          cause: error,
        });
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.#running.delete(kill);
        if (failure) return reject(failure);
        if (!escalated && !timedOut) {
          return reject(
            connectionError(
              'BECOME_FAILED',
              this.host,
              place,
              becomeFailureReason(options.become!.method, redact(dialogue)),
            ),
          );
        }
        const result: ExecResult = {
          exitCode: timedOut ? null : code,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          durationMs: Date.now() - started,
          timedOut,
        };
        if (signal && !timedOut) result.signal = signal.replace(/^SIG/, '');
        resolve(result);
      });
      if (!become) sendStdin();
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
