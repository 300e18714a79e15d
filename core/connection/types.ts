import type { Readable } from 'node:stream';
import type { Secret } from '../secret.js';

/**
 * The one interface every connection kind implements (ssh, local, and any a
 * plugin adds). Results are fixed-shape plain data; failures to reach the host
 * throw RunnerError with a CONNECT_, AUTH_, HOST_KEY_ or CONNECTION_LOST code,
 * while a command that runs and fails is a normal ExecResult with exitCode != 0.
 */
export interface Connection {
  readonly kind: string;
  /** Inventory name of the host this connection serves. */
  readonly host: string;
  readonly capabilities: ConnectionCapabilities;
  /** Opens the connection; idempotent. exec/put call it implicitly. */
  connect(): Promise<void>;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  put(content: string | Buffer | Readable, path: string, options?: PutOptions): Promise<void>;
  /**
   * Closes everything; idempotent. The engine lets running commands finish
   * before calling it; with `force`, commands still running are killed on the
   * host first (their exec rejects with CANCELLED).
   */
  close(options?: CloseOptions): Promise<void>;
  /**
   * Optional: runs several commands in ONE round trip, in order, chained on
   * the host so that a command that fails (exit code not 0) stops the ones
   * after it, unless it says `continueOnError`. Resolves undefined when it
   * cannot batch right now (nothing ran: the caller runs the commands one by
   * one with exec). Kinds without it get one exec per command.
   */
  execBatch?(commands: BatchCommand[], options?: BatchOptions): Promise<BatchOutcome | undefined>;
}

/** One command of an execBatch. */
export interface BatchCommand {
  command: string;
  env?: Record<string, string>;
  /** Run the next command even when this one fails (a task with ignore_errors). */
  continueOnError?: boolean;
}

/** Options every command of a batch shares (a batch never mixes escalations). */
export interface BatchOptions {
  become?: BecomeSpec;
  /** Kills the batch: the commands already written are ended with the shell (see docs/connections.md). */
  signal?: AbortSignal;
}

export interface BatchOutcome {
  /**
   * One entry per command, in order; undefined for a command that did not
   * run (the chain stopped before it, or `error` ended the batch first).
   */
  results: (ExecResult | undefined)[];
  /** Set when the batch ended early (killed, connection lost): the first command without a result gets it. */
  error?: Error;
}

export interface CloseOptions {
  force?: boolean;
}

export interface ConnectionCapabilities {
  /** put() can use SFTP (else it streams through `cat`). */
  sftp: boolean;
  /** Commands can run through one long-lived shell channel. */
  persistentShell: boolean;
  /** become (sudo/su) is supported. */
  become: boolean;
}

export interface BecomeSpec {
  method: 'sudo' | 'su';
  /** Target user; root by default. */
  user?: string;
  password?: Secret;
  flags?: string;
}

export interface ExecOptions {
  /** Sent on the channel's stdin, then EOF. Secrets go here, never in the command. */
  stdin?: string | Buffer | Secret;
  env?: Record<string, string>;
  become?: BecomeSpec;
  /** Kill the command after this many milliseconds (exitCode null, timedOut true). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number | null;
  /** Set when the remote process ended on a signal. */
  signal?: string;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

export interface PutOptions {
  /** Octal permission bits, e.g. 0o600. Applied before the file becomes visible. */
  mode?: number;
  /** How long each step of the transfer may go unanswered before the host is taken as gone (ssh: 60 s by default). */
  timeoutMs?: number;
  owner?: string;
  become?: BecomeSpec;
}

/** What a connection kind needs to know about a host, resolved from its vars. */
export interface ConnectionSpec {
  /** Inventory name. */
  host: string;
  /** Address to connect to (ansible_host, else the inventory name). */
  address: string;
  port: number;
  user?: string;
  password?: Secret;
  privateKeyFile?: string;
  privateKeyPassphrase?: Secret;
  /** Raw ansible_ssh_common_args, for ProxyJump and friends. */
  commonArgs?: string;
  /** ProxyJump target(s), `user@host:port[,…]`. */
  jump?: string;
  become?: BecomeSpec;
  /** All merged host vars, for connection kinds that read their own. */
  vars: Record<string, unknown>;
}

/**
 * What every connection of one run shares. Pass the SAME object to every
 * create() of a run: a kind keeps its per-run state (the ssh kind: handshake
 * semaphore, parsed keys, known_hosts, jump connections) per run object.
 */
export interface ConnectionRunOptions {
  /** Kills running commands (the second Ctrl-C). */
  signal?: AbortSignal;
  /** Asks the user for a secret (key passphrase, SSH password); called at most once per key file / run. */
  prompt?: SecretPrompt;
  /**
   * Settings of each connection kind, by kind name (`ssh`: SshRunOptions in
   * ssh/options.ts). A kind reads and checks only its own entry, so settings
   * of one kind never travel through another.
   */
  kinds?: Readonly<Record<string, unknown>>;
}

export type SecretPrompt = (request: PromptRequest) => Promise<Secret>;

export interface PromptRequest {
  kind: 'passphrase' | 'password';
  /** What to show the user, e.g. "Enter passphrase for key /home/u/.ssh/id_ed25519: ". */
  message: string;
  /** Key file for `passphrase`. */
  keyFile?: string;
}

export interface ConnectionFactory {
  readonly kind: string;
  create(spec: ConnectionSpec, run: ConnectionRunOptions): Connection;
}
