import type { ClientChannel } from 'ssh2';
import type { RunnerError } from '../../errors.js';
import { becomeCommand } from '../become.js';
import { BecomeDialogue } from '../become-dialogue.js';
import { stdinBuffer } from '../content.js';
import { connectionError } from '../errors.js';
import { ExecLifecycle, type StopReason } from '../exec-lifecycle.js';
import type {
  BatchCommand,
  BatchOptions,
  BatchOutcome,
  BecomeSpec,
  ExecOptions,
  ExecResult,
} from '../types.js';
import { becomeError, type ChannelContext, cancelledError, killChannel, openExec } from './channel.js';
import {
  FrameParser,
  type FrameResult,
  frameBatch,
  frameCommand,
  frameToken,
  NOT_RUN,
  ReadyParser,
  readyCommand,
  type ShellReady,
} from './framing.js';
import { killRemote } from './remote-kill.js';

/** A shell that dies unexpectedly this many times is not tried again on this host. */
const MAX_RESTARTS = 3;

interface OpenShell extends ShellReady {
  channel: ClientChannel;
  /**
   * Settles when the ready line arrives (true) or never will (false: the
   * session is broken). Until then `base64` and `pid` are unknown, and only
   * a plain command without stdin may be written behind the ready command.
   */
  ready: Promise<boolean>;
  readyKnown: boolean;
  /**
   * The ready command, until it is written: with the first command when one
   * follows at once (one packet, one read for the shell), else on its own at
   * the next turn of the event loop.
   */
  preamble?: string;
  /** The escalation the shell is in ('' for the login user) and the frame that started it. */
  mode: string;
  modeToken?: string;
}

/** What the shell's output currently belongs to: a command, or one step of entering or leaving become. */
interface Running {
  channel?: ClientChannel;
  push(chunk: Buffer, stream: 'out' | 'err'): void;
  fail(error: RunnerError): void;
  /** The shell never became ready, so the command written behind the ready line never ran. */
  notStarted?(): void;
}

const IDLE_CLAIM: Running = { push: () => undefined, fail: () => undefined };

/** Escalations that can share one escalated shell. */
function modeKey(spec: BecomeSpec | undefined): string {
  return spec ? JSON.stringify([spec.method, spec.user ?? 'root', spec.flags ?? '']) : '';
}

/**
 * One long-lived `/bin/sh` per host on a pty-less exec channel, running the
 * host's commands one at a time (see framing.ts). On OpenSSH each channel
 * costs the server a fork, a session setup and a login shell (the user's rc
 * files), so this is the fast path, for become too: a sudo task starts
 * `sudo -S … /bin/sh` inside the session (the password goes over the
 * session's stdin after sudo's prompt, never on a command line), and that
 * escalated shell takes over the protocol until a task without become, or
 * with another target user, makes it exit. Consecutive become tasks share
 * one sudo.
 *
 * tryRun() returns undefined when the command should take an exec channel
 * instead: the shell is busy, cannot start on this host, lacks base64, or
 * the escalation is su (which wants a terminal) or could not run in it.
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
  /** True once sudo inside the shell proved unusable here: become takes an exec channel. */
  becomeBroken = false;
  /**
   * Round trips on the shell: each command, batch, or become step written and
   * waited for. Tests count it (a batch of three commands is one).
   */
  exchanges = 0;
  /** Writes to the shell's channel (the password after sudo's prompt aside): tests count it. */
  writes = 0;

  /**
   * How long a new shell, or sudo inside it, may take to answer before it is
   * given up on this host: the connection timeout (`-T`, Ansible's `timeout`,
   * which Ansible also gives the escalation prompt). A host slowed by its rc
   * files or a busy PAM stack is waited for as long as the user said, instead
   * of being retried over one channel per command, which costs it far more.
   */
  readonly #answerTimeoutMs: number;

  constructor(ctx: ChannelContext, answerTimeoutMs: number) {
    this.#ctx = ctx;
    this.#answerTimeoutMs = answerTimeoutMs;
  }

  async tryRun(command: string, options: ExecOptions): Promise<ExecResult | undefined> {
    if (this.broken || this.#closed || this.#running) return undefined;
    if (options.become && (options.become.method !== 'sudo' || this.becomeBroken)) return undefined;
    if (options.signal?.aborted) throw cancelledError(this.#ctx);
    // Claim the shell before any await so a concurrent exec takes its own channel.
    this.#running = IDLE_CLAIM;
    let shell: OpenShell | undefined;
    try {
      shell = await this.#open();
      if (!shell) return undefined;
      const stdin = stdinBuffer(options.stdin);
      // A plain command goes right behind the ready command: one round trip less per host.
      // Anything else needs to know the shell (base64 for stdin) or has a dialogue of its own.
      const pipelined = !shell.readyKnown && !options.become && (!stdin || stdin.length === 0);
      if (!pipelined && !(await this.#ready(shell))) return undefined;
      if (!stdin || stdin.length === 0 || shell.base64) {
        if (await this.#switchMode(shell, options.become)) {
          return await this.#run(shell, command, options, stdin);
        }
      }
    } finally {
      if (this.#running === IDLE_CLAIM) this.#running = undefined;
    }
    return undefined;
  }

  /**
   * Runs `commands` in one write (framing.ts frameBatch); undefined when the
   * shell cannot take them now (as tryRun), and nothing ran.
   */
  async tryRunBatch(commands: BatchCommand[], options: BatchOptions): Promise<BatchOutcome | undefined> {
    if (this.broken || this.#closed || this.#running || commands.length === 0) return undefined;
    if (options.become && (options.become.method !== 'sudo' || this.becomeBroken)) return undefined;
    if (options.signal?.aborted) throw cancelledError(this.#ctx);
    this.#running = IDLE_CLAIM;
    try {
      const shell = await this.#open();
      if (!shell) return undefined;
      // As tryRun: without become, the batch may travel right behind the ready command.
      const pipelined = !shell.readyKnown && !options.become;
      if (!pipelined && !(await this.#ready(shell))) return undefined;
      if (!(await this.#switchMode(shell, options.become))) return undefined;
      return await this.#runBatch(shell, commands, options);
    } finally {
      if (this.#running === IDLE_CLAIM) this.#running = undefined;
    }
  }

  /** Resolves undefined when the shell never became ready: nothing ran. */
  #runBatch(
    shell: OpenShell,
    commands: BatchCommand[],
    options: BatchOptions,
  ): Promise<BatchOutcome | undefined> {
    const channel = shell.channel;
    const tokens = commands.map(() => frameToken());
    const parsers = tokens.map((t) => new FrameParser(t));
    const results: (ExecResult | undefined)[] = commands.map(() => undefined);
    let outAt = 0;
    let errAt = 0;
    let done = 0;
    return new Promise<BatchOutcome | undefined>((resolve) => {
      // No timeout: batched modules take none (a task with `timeout` is never batched).
      const life = new ExecLifecycle({
        signal: options.signal,
        track: this.#ctx.track,
        cancelled: () => cancelledError(this.#ctx),
        kill: (reason) => this.#kill(shell, reason),
      });
      let last = Date.now();
      const finish = (error?: RunnerError) => {
        if (this.#running !== running) return;
        this.#running = undefined;
        life.settle();
        resolve(error ? { results, error } : { results });
      };
      // Each frame's end marker hands the bytes after it to the next frame, per stream.
      const settleDone = () => {
        while (done < Math.min(outAt, errAt)) {
          const frame = parsers[done]!.result()!;
          const now = Date.now();
          results[done] =
            frame.exitCode === NOT_RUN
              ? undefined
              : {
                  exitCode: frame.exitCode,
                  stdout: frame.stdout.toString('utf8'),
                  stderr: frame.stderr.toString('utf8'),
                  durationMs: now - last,
                  timedOut: false,
                };
          last = now;
          done++;
        }
        if (done === commands.length) finish();
      };
      const running: Running = {
        channel,
        push: (chunk, stream) => {
          let rest = chunk;
          if (stream === 'out') {
            while (outAt < parsers.length && rest.length > 0) {
              parsers[outAt]!.pushStdout(rest);
              if (!parsers[outAt]!.stdoutDone()) break;
              rest = parsers[outAt++]!.stdoutRest();
            }
          } else {
            while (errAt < parsers.length && rest.length > 0) {
              parsers[errAt]!.pushStderr(rest);
              if (!parsers[errAt]!.stderrDone()) break;
              rest = parsers[errAt++]!.stderrRest();
            }
          }
          settleDone();
        },
        fail: (reason) => finish(reason),
        notStarted: () => {
          if (options.signal?.aborted) return finish(cancelledError(this.#ctx));
          this.#unclaim(running, life, resolve);
        },
      };
      this.#send(shell, running, frameBatch(commands, tokens));
    });
  }

  /** Resolves undefined when the shell never became ready: the command did not run, exec runs it. */
  #run(
    shell: OpenShell,
    command: string,
    options: ExecOptions,
    stdin: Buffer | undefined,
  ): Promise<ExecResult | undefined> {
    const channel = shell.channel;
    const token = frameToken();
    const parser = new FrameParser(token);
    return new Promise<ExecResult | undefined>((resolve, reject) => {
      // The command and the shell share a process group: a kill ends both; the next command starts a fresh shell.
      const life = new ExecLifecycle({
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        track: this.#ctx.track,
        cancelled: () => cancelledError(this.#ctx),
        kill: (reason) => this.#kill(shell, reason),
      });
      const finish = (outcome: FrameResult | RunnerError) => {
        if (this.#running !== running) return;
        this.#running = undefined;
        life.settle();
        if (life.timedOut) {
          const partial = parser.partial();
          resolve(life.result(null, undefined, [partial.stdout], [partial.stderr]));
        } else if (outcome instanceof Error) reject(outcome);
        else {
          resolve({
            exitCode: outcome.exitCode,
            stdout: outcome.stdout.toString('utf8'),
            stderr: outcome.stderr.toString('utf8'),
            durationMs: Date.now() - life.started,
            timedOut: false,
          });
        }
      };
      const running: Running = {
        channel,
        push: (chunk, stream) => {
          if (stream === 'out') parser.pushStdout(chunk);
          else parser.pushStderr(chunk);
          const done = parser.result();
          if (done) finish(done);
        },
        fail: finish,
        notStarted: () => {
          // Killed by its own timeout or abort before the ready line came: answered as any killed command.
          if (life.timedOut || options.signal?.aborted) return finish(cancelledError(this.#ctx));
          this.#unclaim(running, life, resolve);
        },
      };
      this.#send(shell, running, frameCommand({ command, env: options.env, stdin }, token));
    });
  }

  /** Makes `running` the owner of the shell's output and writes `text`: one exchange. */
  #send(shell: OpenShell, running: Running, text: string): void {
    this.#running = running;
    this.exchanges++;
    this.#write(shell, text);
  }

  /** Writes `text` to the shell, behind the ready command if that is still unwritten. */
  #write(shell: OpenShell, text: string): void {
    const preamble = shell.preamble ?? '';
    shell.preamble = undefined;
    this.writes++;
    shell.channel.write(preamble + text);
  }

  /** Writes the ready command if nothing took it along yet. */
  #flushPreamble(shell: OpenShell): void {
    if (shell.preamble === undefined) return;
    if (shell.channel.writable) this.#write(shell, '');
    else shell.preamble = undefined;
  }

  /** Whether the shell got ready (its ready command written first if still pending). */
  #ready(shell: OpenShell): Promise<boolean> {
    this.#flushPreamble(shell);
    return shell.ready;
  }

  /** The shell never became ready: what `running` wrote never ran; its caller takes another path. */
  #unclaim(running: Running, life: ExecLifecycle, resolve: (value: undefined) => void): void {
    if (this.#running !== running) return;
    this.#running = undefined;
    life.settle();
    resolve(undefined);
  }

  /** Puts the shell in the escalation a command wants; false sends the command to an exec channel. */
  async #switchMode(shell: OpenShell, become: BecomeSpec | undefined): Promise<boolean> {
    const key = modeKey(become);
    if (shell.mode === key) return true;
    if (shell.mode && !(await this.#leave(shell))) return false;
    return become ? this.#enter(shell, become, key) : true;
  }

  /** Ends the escalated shell: its exit ends sudo, and the login shell finishes the frame that started it. */
  async #leave(shell: OpenShell): Promise<boolean> {
    const done = await this.#step(shell, shell.modeToken!, 'exit\n');
    if (!done) {
      this.#kill(shell, cancelledError(this.#ctx));
      return false;
    }
    shell.mode = '';
    shell.modeToken = undefined;
    return true;
  }

  /**
   * Starts `sudo … /bin/sh` inside the session and runs the dialogue on its
   * output; a refused password fails the command with BECOME_FAILED. Once the
   * success marker is seen, an empty command proves the escalated shell speaks
   * the protocol on separate streams (a sudo that gives the command a
   * terminal would merge them); if not, become goes to exec channels here.
   */
  async #enter(shell: OpenShell, spec: BecomeSpec, key: string): Promise<boolean> {
    const become = becomeCommand('exec /bin/sh', spec);
    const dialogue = new BecomeDialogue(become, spec);
    const token = frameToken();
    const parser = new FrameParser(token);
    type Outcome = 'escalated' | 'timeout' | FrameResult | RunnerError;
    const outcome = await this.#exchange<Outcome>(
      shell,
      frameCommand({ command: become.command, takeOver: true }, token),
      'timeout',
      (chunk, stream) => {
        const step = dialogue.push(chunk, stream === 'out' ? 'stdout' : 'stderr');
        if (step.reply) shell.channel.write(`${step.reply.reveal()}\n`);
        if (step.failure) return becomeError(this.#ctx, step.failure);
        if (step.escalated) return 'escalated';
        if (stream === 'out') parser.pushStdout(chunk);
        else parser.pushStderr(chunk);
        return parser.result();
      },
      (reason) => reason,
    );
    if (outcome === 'escalated') {
      shell.mode = key;
      shell.modeToken = token;
      if (await this.#step(shell, frameToken())) return true;
      this.becomeBroken = true;
      this.#kill(shell, cancelledError(this.#ctx));
      return false;
    }
    if (outcome === 'timeout') {
      // A prompt we do not know, or a host too slow to answer: leave become to exec channels here.
      this.becomeBroken = true;
      this.#kill(shell, cancelledError(this.#ctx));
      return false;
    }
    if (outcome instanceof Error) {
      // sudo asks again after a refused password: end it with the shell.
      this.#kill(shell, outcome);
      throw outcome;
    }
    // sudo ended without escalating; the login shell is still there for the next command.
    throw becomeError(this.#ctx, dialogue.failure());
  }

  /**
   * Writes `text` (an empty framed command when none is given) and waits for
   * the frame `token` to end, within the answer timeout.
   */
  #step(shell: OpenShell, token: string, text?: string): Promise<boolean> {
    const parser = new FrameParser(token);
    return this.#exchange<boolean>(
      shell,
      // The empty command is the no-op builtin (commandBody): no subshell on the host for a probe.
      text ?? frameCommand({ command: '' }, token),
      false,
      (chunk, stream) => {
        if (stream === 'out') parser.pushStdout(chunk);
        else parser.pushStderr(chunk);
        return parser.result() ? true : undefined;
      },
      () => false,
    );
  }

  /**
   * One exchange on the shell outside a command: claims the shell, writes
   * `text`, and hands each chunk to `read` until it returns an outcome (or the
   * shell fails, or the answer timeout passes and `timedOut` is the outcome).
   */
  #exchange<T>(
    shell: OpenShell,
    text: string,
    timedOut: T,
    read: (chunk: Buffer, stream: 'out' | 'err') => T | undefined,
    failed: (reason: RunnerError) => T,
  ): Promise<T> {
    return new Promise<T>((resolve) => {
      const timer = setTimeout(() => settle(timedOut), this.#answerTimeoutMs);
      const settle = (value: T) => {
        clearTimeout(timer);
        this.#running = IDLE_CLAIM;
        resolve(value);
      };
      this.#running = {
        channel: shell.channel,
        push: (chunk, stream) => {
          const outcome = read(chunk, stream);
          if (outcome !== undefined) settle(outcome);
        },
        fail: (reason) => settle(failed(reason)),
      };
      this.exchanges++;
      this.#write(shell, text);
    });
  }

  #kill(shell: OpenShell, reason: StopReason): void {
    const channel = shell.channel;
    if (this.#current === channel) {
      this.#current = undefined;
      this.#channel = undefined;
    }
    const running = this.#running;
    void killRemote(this.#ctx, channel, shell.pid);
    if (running && reason !== 'timeout') running.fail(reason);
  }

  #open(): Promise<OpenShell | undefined> {
    this.#channel ??= this.#start();
    return this.#channel;
  }

  /**
   * Opens the shell's channel and queues the ready command; resolves at once,
   * without waiting for the ready line (see OpenShell.ready), so the first
   * command travels with it, in the same write.
   */
  async #start(): Promise<OpenShell | undefined> {
    let channel: ClientChannel;
    try {
      // exec, not shell: no pty, no motd, no prompt; the login shell just starts a plain sh on our
      // pipe, in its own place (`exec`): one process fewer on the host, and the sh is the process
      // sshd started, so its pid leads the group a timeout kills.
      ({ channel } = await openExec(this.#ctx, 'exec /bin/sh', false));
    } catch (error) {
      if ((error as RunnerError).code === 'CONNECTION_LOST') throw error;
      this.broken = true;
      return undefined;
    }
    const token = frameToken();
    const preamble = new ReadyParser(token);
    let settle!: (ok: boolean) => void;
    const shell: OpenShell = {
      channel,
      mode: '',
      base64: false,
      readyKnown: false,
      ready: new Promise<boolean>((resolve) => {
        settle = resolve;
      }),
    };
    const notReady = () => {
      if (shell.readyKnown) return;
      shell.readyKnown = true;
      clearTimeout(timer);
      this.broken = true;
      if (this.#current === channel) {
        this.#current = undefined;
        this.#channel = undefined;
      }
      killChannel(channel);
      settle(false);
      const running = this.#running;
      if (running?.channel === channel) running.notStarted?.();
    };
    const timer = setTimeout(notReady, this.#answerTimeoutMs);
    this.#current = channel;
    channel.on('data', (chunk: Buffer) => {
      const rest = preamble.pushStdout(chunk);
      if (preamble.ready && !shell.readyKnown) {
        clearTimeout(timer);
        Object.assign(shell, preamble.ready, { readyKnown: true });
        settle(true);
      }
      if (rest.length > 0) this.#onOutput(channel, rest, 'out');
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      const rest = preamble.pushStderr(chunk);
      if (rest.length > 0) this.#onOutput(channel, rest, 'err');
    });
    channel.on('close', () => (shell.readyKnown ? this.#onClose(channel) : notReady()));
    // The first command, if one is waiting for this shell, is written within this turn of the event
    // loop and takes the ready command along; setImmediate runs after that, so either way it goes.
    shell.preamble = readyCommand(token);
    setImmediate(() => this.#flushPreamble(shell));
    return shell;
  }

  #onOutput(channel: ClientChannel, chunk: Buffer, stream: 'out' | 'err'): void {
    const running = this.#running;
    if (!running || channel !== this.#current) return;
    running.push(chunk, stream);
  }

  #onClose(channel: ClientChannel): void {
    const running = this.#running;
    if (channel !== this.#current) {
      // A shell we killed: its command was already answered (timeout resolves here, once the channel is gone).
      if (running?.channel === channel) running.fail(cancelledError(this.#ctx));
      return;
    }
    this.#current = undefined;
    this.#channel = undefined;
    if (!this.#closed && ++this.#deaths >= MAX_RESTARTS) this.broken = true;
    running?.fail(
      connectionError(
        'CONNECTION_LOST',
        this.#ctx.host,
        this.#ctx.place,
        'connection lost while running a command',
      ),
    );
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
