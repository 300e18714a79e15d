import { randomBytes } from 'node:crypto';
import { commandBody } from './direct-command.js';

/**
 * The wire protocol of the persistent shell: one /bin/sh per host reads
 * commands from its stdin; each command runs in a subshell with its stdin
 * redirected (never the shell's own, which carries our protocol) and is
 * followed by an end marker on stdout (with the exit code) and on stderr.
 * The marker is random per command, so output cannot forge it.
 *
 *   ( export K='v'; eval '<command>' ) </dev/null; r=$?; printf '\n%s %d\n' TOKEN $r; printf '\n%s\n' TOKEN >&2
 *
 * One program with plain arguments runs without the subshell (`K='v' uname -s
 * </dev/null; ...`), and so does a list of such programs and side-effect-free
 * builtins (`{ test -d /tmp && echo yes; } </dev/null`): the same for them,
 * and a fork or two fewer for the host (direct-command.ts).
 *
 * With stdin, the bytes travel base64-encoded in a here-doc with a random
 * quoted delimiter, so the shell expands nothing in them and binary survives.
 */
export function frameToken(): string {
  return `RUNNER-END-${randomBytes(12).toString('hex')}`;
}

export interface FrameRequest {
  command: string;
  env?: Record<string, string>;
  stdin?: Buffer;
  /**
   * The command reads the shell's own stdin (the protocol stream): only for
   * starting an escalated shell that takes over the protocol until it exits.
   */
  takeOver?: boolean;
}

export function frameCommand(request: FrameRequest, token: string): string {
  const trailer = `__runner_rc=$?; printf '\\n%s %d\\n' '${token}' "$__runner_rc"; printf '\\n%s\\n' '${token}' >&2`;
  const body = commandBody(request.command, request.env);
  if (request.takeOver) return `${body}; ${trailer}\n`;
  if (!request.stdin || request.stdin.length === 0) return `${body} </dev/null; ${trailer}\n`;
  const delimiter = `RUNNER_STDIN_${token.slice(-24)}`;
  const encoded = request.stdin.toString('base64').replace(/.{1,76}/g, '$&\n');
  return `base64 -d <<'${delimiter}' | ${body}; ${trailer}\n${encoded}${delimiter}\n`;
}

/** One command of a batch written in one go (see frameBatch). */
export interface BatchFrame {
  command: string;
  env?: Record<string, string>;
  /** The next command runs even when this one fails. */
  continueOnError?: boolean;
}

/** The exit code a batch frame reports for a command the chain did not run. */
export const NOT_RUN = -1;

/**
 * Several commands written in ONE write, each framed as frameCommand frames
 * it (its own token, its own end markers), chained in the shell: once a
 * command fails (exit code not 0) and may not be ignored, every later frame
 * prints its markers with exit code NOT_RUN without running its command. No
 * stdin (the protocol stream carries nothing but the frames).
 *
 *   __runner_go=1
 *   if [ "$__runner_go" = 1 ]; then ( eval '<c1>' ) </dev/null; __runner_rc=$?; else __runner_rc=-1; fi; <markers>; [ "$__runner_rc" = 0 ] || __runner_go=0
 *   if [ "$__runner_go" = 1 ]; then ( eval '<c2>' ) </dev/null; ...
 */
export function frameBatch(frames: BatchFrame[], tokens: string[]): string {
  const lines = frames.map((frame, i) => {
    const body = `${commandBody(frame.command, frame.env)} </dev/null`;
    const token = tokens[i]!;
    const markers = `printf '\n%s %d\n' '${token}' "$__runner_rc"; printf '\n%s\n' '${token}' >&2`;
    const chain = frame.continueOnError ? '' : '; [ "$__runner_rc" = 0 ] || __runner_go=0';
    return `if [ "$__runner_go" = 1 ]; then ${body}; __runner_rc=$?; else __runner_rc=${NOT_RUN}; fi; ${markers}${chain}
`;
  });
  return `__runner_go=1
${lines.join('')}`;
}

/**
 * The first thing the shell prints: proves it runs our protocol, says whether
 * `base64` exists there, and gives the shell's pid, whose process group (the
 * commands share it: a non-interactive sh has no job control) is what a
 * timeout kills (remote-kill.ts looks the group up then).
 * The token alone on stderr marks where the rc files' stderr ends.
 * Only builtins, no `$(...)`, no reads: every process started on the host
 * costs it a fork (2 to 7 ms of CPU on a small VM), and this runs once per
 * host per run.
 */
export function readyCommand(token: string): string {
  const base64 = 'if command -v base64 >/dev/null 2>&1; then __runner_b=1; else __runner_b=0; fi';
  return `${base64}; printf '%s %s %s\\n' '${token}' "$__runner_b" "$$"; printf '%s\\n' '${token}' >&2\n`;
}

export interface FrameResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
}

/**
 * Collects one command's output from the shell's two streams and recognises
 * its end markers, across arbitrary chunk boundaries. Pure: tested on
 * recorded bytes.
 */
export class FrameParser {
  readonly #stdoutEnd: Buffer;
  readonly #stderrEnd: Buffer;
  #out = Buffer.alloc(0);
  #err = Buffer.alloc(0);
  #exitCode?: number;
  #stdout?: Buffer;
  #stderr?: Buffer;
  #outRest = Buffer.alloc(0);
  #errRest = Buffer.alloc(0);

  constructor(token: string) {
    this.#stdoutEnd = Buffer.from(`\n${token} `);
    this.#stderrEnd = Buffer.from(`\n${token}\n`);
  }

  pushStdout(chunk: Buffer): void {
    if (this.#stdout) return;
    this.#out = Buffer.concat([this.#out, chunk]);
    const at = this.#out.indexOf(this.#stdoutEnd);
    if (at < 0) return;
    const tail = this.#out.subarray(at + this.#stdoutEnd.length);
    const newline = tail.indexOf(0x0a);
    if (newline < 0) return;
    const code = Number.parseInt(tail.subarray(0, newline).toString('latin1'), 10);
    this.#exitCode = Number.isNaN(code) ? 255 : code;
    this.#stdout = this.#out.subarray(0, at);
    this.#outRest = tail.subarray(newline + 1);
  }

  pushStderr(chunk: Buffer): void {
    if (this.#stderr) return;
    this.#err = Buffer.concat([this.#err, chunk]);
    const at = this.#err.indexOf(this.#stderrEnd);
    if (at >= 0) {
      this.#stderr = this.#err.subarray(0, at);
      this.#errRest = this.#err.subarray(at + this.#stderrEnd.length);
    }
  }

  /** Whether this frame's stdout (or stderr) end marker has arrived. */
  stdoutDone(): boolean {
    return this.#stdout !== undefined;
  }

  stderrDone(): boolean {
    return this.#stderr !== undefined;
  }

  /** The bytes that came after the stdout end marker: the next frame's, in a batch. */
  stdoutRest(): Buffer {
    return this.#outRest;
  }

  stderrRest(): Buffer {
    return this.#errRest;
  }

  /** The result once both markers have arrived. */
  result(): FrameResult | undefined {
    if (this.#stdout === undefined || this.#stderr === undefined || this.#exitCode === undefined)
      return undefined;
    return { exitCode: this.#exitCode, stdout: this.#stdout, stderr: this.#stderr };
  }

  /** What arrived so far (for a command killed before its end). */
  partial(): { stdout: Buffer; stderr: Buffer } {
    return { stdout: this.#stdout ?? this.#out, stderr: this.#stderr ?? this.#err };
  }
}

export interface ShellReady {
  base64: boolean;
  /** The shell's pid: what a kill starts from (see remote-kill.ts). */
  pid?: number;
}

/** Finds the ready line `TOKEN 0|1 PID\n` in what the shell printed first (rc files may print before it). */
export function parseReady(text: string, token: string): ShellReady | undefined {
  // Plain string work, no RegExp: one is built per host otherwise (the token is random), and compiling it shows in profiles.
  let at = text.indexOf(`${token} `);
  while (at > 0 && text[at - 1] !== '\n') at = text.indexOf(`${token} `, at + 1);
  if (at < 0) return undefined;
  const end = text.indexOf('\n', at);
  if (end < 0) return undefined;
  const [flag, digits, extra] = text.slice(at + token.length + 1, end).split(' ');
  if ((flag !== '0' && flag !== '1') || extra !== undefined || !/^\d*$/.test(digits ?? '')) return undefined;
  const pid = Number(digits);
  return pid > 1 ? { base64: flag === '1', pid } : { base64: flag === '1' };
}

/**
 * Splits the shell's streams at its ready line, for a first command written
 * right behind `readyCommand` (no round trip waiting for the line): what the
 * rc files printed before it is dropped, the bytes after it are the first
 * command's. Pure: tested on recorded bytes.
 */
export class ReadyParser {
  /** Set once the ready line has arrived on stdout. */
  ready?: ShellReady;
  #out = '';
  /** What stderr held before the marker; undefined once the marker has passed. */
  #err: string | undefined = '';

  constructor(private readonly token: string) {}

  /** The stdout bytes that follow the ready line (empty until it arrives). */
  pushStdout(chunk: Buffer): Buffer {
    if (this.ready) return chunk;
    this.#out += chunk.toString('latin1');
    // The token is random: found anywhere, it is our line (no regex per chunk; one parse at the end).
    const at = this.#out.indexOf(`${this.token} `);
    const end = at < 0 ? -1 : this.#out.indexOf('\n', at);
    if (end < 0) return Buffer.alloc(0);
    this.ready = parseReady(this.#out.slice(at, end + 1), this.token) ?? { base64: false };
    const rest = Buffer.from(this.#out.slice(end + 1), 'latin1');
    this.#out = '';
    return rest;
  }

  /** The stderr bytes that follow the ready marker (empty until it arrives). */
  pushStderr(chunk: Buffer): Buffer {
    if (this.#err === undefined) return chunk;
    const seen = this.#err + chunk.toString('latin1');
    const at = seen.indexOf(`${this.token}\n`);
    this.#err = at < 0 ? seen : undefined;
    return at < 0 ? Buffer.alloc(0) : Buffer.from(seen.slice(at + this.token.length + 1), 'latin1');
  }
}
