import type { RunnerError } from '../errors.js';
import type { ExecResult } from './types.js';

/** Why a running command is being stopped: its timeout, or a failure (abort, forced close, refused become). */
export type StopReason = RunnerError | 'timeout';

export interface LifecycleOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Registers with the connection so that close({ force }) can stop it; returns the unregister function. */
  track(stop: (reason: RunnerError) => void): () => void;
  /** The error an abort fails the command with. */
  cancelled(): RunnerError;
  /** Stops the command on the host (kill its process group, close its channel); may run more than once. */
  kill(reason: StopReason): void;
}

/**
 * The timeout, abort and forced-close bookkeeping of one running command,
 * shared by every connection kind (execa keeps the same in one place): it
 * arms the timer and the abort listener, remembers why the command was
 * stopped, and disarms everything once, when the command has ended.
 */
export class ExecLifecycle {
  readonly #options: LifecycleOptions;
  readonly #timer?: NodeJS.Timeout;
  readonly #untrack: () => void;
  readonly #onAbort = () => this.fail(this.#options.cancelled());
  readonly started = Date.now();
  timedOut = false;
  failure?: RunnerError;
  #settled = false;

  constructor(options: LifecycleOptions) {
    this.#options = options;
    this.#untrack = options.track((reason) => this.fail(reason));
    if (options.timeoutMs && options.timeoutMs > 0) {
      this.#timer = setTimeout(() => {
        this.timedOut = true;
        options.kill('timeout');
      }, options.timeoutMs);
    }
    options.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Stops the command because of `reason`; the first reason wins. */
  fail(reason: RunnerError): void {
    this.failure ??= reason;
    this.#options.kill(reason);
  }

  /** The command has ended: disarm the timer and listeners (idempotent). */
  settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    this.#untrack();
  }

  /** The fixed-shape result of a command that ended, or was stopped by its timeout. */
  result(code: number | null, signal: string | undefined, out: Buffer[], err: Buffer[]): ExecResult {
    const result: ExecResult = {
      exitCode: this.timedOut ? null : code,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
      durationMs: Date.now() - this.started,
      timedOut: this.timedOut,
    };
    if (signal && !this.timedOut) result.signal = signal;
    return result;
  }
}
