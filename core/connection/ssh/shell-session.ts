import type { ClientChannel } from 'ssh2';
import type { RunnerError } from '../../errors.js';
import { stdinBuffer } from '../content.js';
import { connectionError } from '../errors.js';
import { ExecLifecycle, type StopReason } from '../exec-lifecycle.js';
import type { ExecOptions, ExecResult } from '../types.js';
import { type ChannelContext, cancelledError, killChannel, openExec } from './channel.js';
import {
  FrameParser,
  frameCommand,
  frameToken,
  parseReady,
  readyCommand,
  type ShellReady,
} from './framing.js';
import { killRemote } from './remote-kill.js';

/** How long a new shell may take to print its ready line before we give up on it for this host. */
const READY_TIMEOUT_MS = 10_000;
/** A shell that dies unexpectedly this many times is not tried again on this host. */
const MAX_RESTARTS = 3;

interface OpenShell extends ShellReady {
  channel: ClientChannel;
}

interface Running {
  parser: FrameParser;
  channel?: ClientChannel;
  finish(result: ExecResult | RunnerError): void;
}

/**
 * One long-lived `/bin/sh` per host on a pty-less exec channel, running the
 * host's commands one at a time (see framing.ts). On OpenSSH each channel
 * costs the server a fork and a session setup, so this is the fast path.
 * tryRun() returns undefined when the command should take an exec channel
 * instead: the shell is busy, cannot start on this host, or lacks base64.
 */
export class ShellSession {
  readonly #ctx: ChannelContext;
  #channel?: Promise<OpenShell | undefined>;
  /** The shell channel commands currently go to; a killed or dead one is forgotten at once. */
  #current?: ClientChannel;
  #running?: Running;
  #deaths = 0;
  #closed = false;
  /** True once the shell proved unusable here: every command takes an exec channel. */
  broken = false;

  constructor(ctx: ChannelContext) {
    this.#ctx = ctx;
  }

  async tryRun(command: string, options: ExecOptions): Promise<ExecResult | undefined> {
    if (this.broken || this.#closed || this.#running) return undefined;
    if (options.signal?.aborted) throw cancelledError(this.#ctx);
    // Claim the shell before any await so a concurrent exec takes its own channel.
    const running: Running = { parser: new FrameParser(frameToken()), finish: () => undefined };
    this.#running = running;
    let shell: OpenShell | undefined;
    try {
      shell = await this.#open();
    } catch (error) {
      this.#running = undefined;
      throw error;
    }
    const stdin = stdinBuffer(options.stdin);
    if (!shell || (stdin && stdin.length > 0 && !shell.base64)) {
      this.#running = undefined;
      return undefined;
    }
    return this.#run(shell, running, command, options, stdin);
  }

  #run(
    shell: OpenShell,
    running: Running,
    command: string,
    options: ExecOptions,
    stdin: Buffer | undefined,
  ): Promise<ExecResult> {
    const channel = shell.channel;
    const token = frameToken();
    running.parser = new FrameParser(token);
    running.channel = channel;
    return new Promise<ExecResult>((resolve, reject) => {
      // The command and the shell share a process group: a kill ends both; the next command starts a fresh shell.
      const life = new ExecLifecycle({
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        track: this.#ctx.track,
        cancelled: () => cancelledError(this.#ctx),
        kill: (reason) => this.#kill(shell, reason),
      });
      running.finish = (outcome) => {
        if (this.#running !== running) return;
        this.#running = undefined;
        life.settle();
        if (life.timedOut) {
          const partial = running.parser.partial();
          resolve(life.result(null, undefined, [partial.stdout], [partial.stderr]));
        } else if (outcome instanceof Error) reject(outcome);
        else resolve({ ...outcome, durationMs: Date.now() - life.started });
      };
      channel.write(frameCommand({ command, env: options.env, stdin }, token));
    });
  }

  #kill(shell: OpenShell, reason: StopReason): void {
    const channel = shell.channel;
    if (this.#current === channel) {
      this.#current = undefined;
      this.#channel = undefined;
    }
    const running = this.#running;
    void killRemote(this.#ctx, channel, shell.pgid);
    if (running && reason !== 'timeout') running.finish(reason);
  }

  #open(): Promise<OpenShell | undefined> {
    this.#channel ??= this.#start();
    return this.#channel;
  }

  async #start(): Promise<OpenShell | undefined> {
    let channel: ClientChannel;
    try {
      // exec, not shell: no pty, no motd, no prompt; the login shell just starts a plain sh on our pipe.
      ({ channel } = await openExec(this.#ctx, '/bin/sh', false));
    } catch (error) {
      if ((error as RunnerError).code === 'CONNECTION_LOST') throw error;
      this.broken = true;
      return undefined;
    }
    const token = frameToken();
    let banner = '';
    const ready = await new Promise<ShellReady | undefined>((resolve) => {
      const timer = setTimeout(() => done(undefined), READY_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        banner += chunk.toString('utf8');
        const found = parseReady(banner, token);
        if (found) done(found);
      };
      const onClose = () => done(undefined);
      function done(value: ShellReady | undefined) {
        clearTimeout(timer);
        channel.removeListener('data', onData);
        channel.removeListener('close', onClose);
        resolve(value);
      }
      channel.on('data', onData);
      channel.on('close', onClose);
      channel.write(readyCommand(token));
    });
    if (!ready) {
      this.broken = true;
      killChannel(channel);
      return undefined;
    }
    this.#current = channel;
    channel.on('data', (chunk: Buffer) => this.#onOutput(channel, chunk, 'out'));
    channel.stderr.on('data', (chunk: Buffer) => this.#onOutput(channel, chunk, 'err'));
    channel.on('close', () => this.#onClose(channel));
    return { channel, ...ready };
  }

  #onOutput(channel: ClientChannel, chunk: Buffer, stream: 'out' | 'err'): void {
    const running = this.#running;
    if (!running || channel !== this.#current) return;
    if (stream === 'out') running.parser.pushStdout(chunk);
    else running.parser.pushStderr(chunk);
    const done = running.parser.result();
    if (done) {
      running.finish({
        exitCode: done.exitCode,
        stdout: done.stdout.toString('utf8'),
        stderr: done.stderr.toString('utf8'),
        durationMs: 0,
        timedOut: false,
      });
    }
  }

  #onClose(channel: ClientChannel): void {
    const running = this.#running;
    if (channel !== this.#current) {
      // A shell we killed: its command was already answered (timeout resolves here, once the channel is gone).
      if (running?.channel === channel) running.finish(cancelledError(this.#ctx));
      return;
    }
    this.#current = undefined;
    this.#channel = undefined;
    if (!this.#closed && ++this.#deaths >= MAX_RESTARTS) this.broken = true;
    if (running) {
      running.finish(
        connectionError(
          'CONNECTION_LOST',
          this.#ctx.host,
          this.#ctx.place,
          'connection lost while running a command',
        ),
      );
    }
  }

  close(): void {
    this.#closed = true;
    const channel = this.#channel;
    this.#channel = undefined;
    channel?.then(
      (open) => open?.channel.end(),
      () => undefined,
    );
  }
}
