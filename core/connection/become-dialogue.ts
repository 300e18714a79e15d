import { redact, type Secret } from '../secret.js';
import { type BecomeCommand, becomeFailureReason } from './become.js';
import type { BecomeSpec } from './types.js';

/** What the dialogue makes of one chunk of the tool's output. */
export interface DialogueStep {
  /** Bytes that belong to the command (what came after the success marker, and everything after it). */
  output?: Buffer;
  /** To write to the tool's stdin now: the password, once, after the first prompt. */
  reply?: Secret;
  /** Escalation failed: a one-line reason that never carries the password. */
  failure?: string;
  /** True on the chunk that carried the success marker: the command's own stdin may follow. */
  escalated?: boolean;
}

/**
 * The prompt-and-password dialogue of sudo/su as a pure state machine over
 * the bytes the tool prints (Ansible's become plugins do the same over their
 * `check_password_prompt`/`check_success`): every connection kind feeds it
 * what arrives on stdout and stderr and writes back `reply`, so the rules live
 * once. Until the success marker shows up on stdout, output is the tool's
 * dialogue and is kept apart from the command's.
 */
export class BecomeDialogue {
  readonly #become: BecomeCommand;
  readonly #spec: BecomeSpec;
  #text = '';
  #scanFrom = 0;
  #prompts = 0;
  escalated = false;

  constructor(become: BecomeCommand, spec: BecomeSpec) {
    this.#become = become;
    this.#spec = spec;
  }

  push(chunk: Buffer, stream: 'stdout' | 'stderr'): DialogueStep {
    if (this.escalated) return { output: chunk };
    this.#text += chunk.toString('utf8');
    const marker = this.#become.success;
    const at = stream === 'stdout' ? this.#text.indexOf(marker) : -1;
    if (at >= 0) {
      this.escalated = true;
      // Keep what the command printed after the marker line, drop the dialogue.
      const rest = this.#text.slice(at + marker.length).replace(/^\r?\n/, '');
      this.#text = this.#text.slice(0, at);
      return rest ? { output: Buffer.from(rest), escalated: true } : { escalated: true };
    }
    const prompt = this.#become.prompt;
    // Look for a new prompt only in what arrived since the last one.
    if (!prompt?.test(this.#text.slice(this.#scanFrom))) return {};
    this.#scanFrom = this.#text.length;
    if (++this.#prompts === 1 && this.#spec.password) return { reply: this.#spec.password };
    // A second prompt means the password was refused; the tool would ask again and wait forever.
    return { failure: `incorrect ${this.#spec.method} password` };
  }

  /** Why escalation failed, once the tool has ended without the success marker. */
  failure(extra = ''): string {
    return becomeFailureReason(this.#spec.method, this.#clean(this.#text + extra));
  }

  /** The tool never echoes the password, but a misbehaving one might: strip it whatever its length. */
  #clean(text: string): string {
    const password = this.#spec.password?.reveal();
    return redact(password ? text.split(password).join('') : text);
  }
}
