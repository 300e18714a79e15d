import type { BecomeDialogue } from './become-dialogue.js';

/** Where a command's stdin goes: a channel or a child process's stdin. */
export interface StdinSink {
  write(data: Buffer | string): void;
  end(): void;
}

/**
 * The streams of one running command, the same for every connection kind:
 * output goes through the become dialogue until escalation (its replies go
 * to stdin), the command's own stdin follows once escalated (at once without
 * become), and what remains is collected for the result.
 */
export class CommandIo {
  readonly out: Buffer[] = [];
  readonly err: Buffer[] = [];
  readonly #dialogue?: BecomeDialogue;
  readonly #stdin?: Buffer;
  readonly #sink: StdinSink;
  readonly #onFailure: (reason: string) => void;

  constructor(options: {
    dialogue?: BecomeDialogue;
    stdin?: Buffer;
    sink: StdinSink;
    /** Escalation was refused (a second password prompt): stop the command with this reason. */
    onFailure: (reason: string) => void;
  }) {
    this.#dialogue = options.dialogue;
    this.#stdin = options.stdin;
    this.#sink = options.sink;
    this.#onFailure = options.onFailure;
  }

  /** Call once the process or channel is there. */
  start(): void {
    if (!this.#dialogue) this.#sendStdin();
  }

  take(chunk: Buffer, stream: 'stdout' | 'stderr'): void {
    const collected = stream === 'stdout' ? this.out : this.err;
    if (!this.#dialogue) {
      collected.push(chunk);
      return;
    }
    const step = this.#dialogue.push(chunk, stream);
    if (step.output) collected.push(step.output);
    if (step.reply) this.#sink.write(`${step.reply.reveal()}\n`);
    if (step.failure) this.#onFailure(step.failure);
    if (step.escalated) this.#sendStdin();
  }

  /** The become failure to report when the command ended without escalating, if any. */
  becomeFailure(stopped: boolean): string | undefined {
    const dialogue = this.#dialogue;
    return dialogue && !dialogue.escalated && !stopped ? dialogue.failure() : undefined;
  }

  #sendStdin(): void {
    if (this.#stdin && this.#stdin.length > 0) this.#sink.write(this.#stdin);
    this.#sink.end();
  }
}
