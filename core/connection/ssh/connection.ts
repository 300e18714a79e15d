import type { Readable } from 'node:stream';
import type { Client, SFTPWrapper } from 'ssh2';
import { RunnerError } from '../../errors.js';
import { contentBuffer } from '../content.js';
import { connectionError, where } from '../errors.js';
import type {
  BatchCommand,
  BatchOptions,
  BatchOutcome,
  CloseOptions,
  Connection,
  ConnectionCapabilities,
  ConnectionRunOptions,
  ConnectionSpec,
  ExecOptions,
  ExecResult,
  PutOptions,
} from '../types.js';
import { resolveAuth } from './auth.js';
import { type ChannelContext, cancelledError } from './channel.js';
import { openClient } from './client.js';
import { execOnChannel } from './exec.js';
import { acquireJump, forwardThrough, type JumpLease } from './jump.js';
import type { SshRun } from './options.js';
import { type JumpHop, jumpFromSshArgs, ProxyJumpError, parseJumpHops } from './proxy-jump.js';
import { putViaSftp, putViaStdin } from './put.js';
import { type RunState, runState } from './run-state.js';
import { ShellSession } from './shell-session.js';

/** Checks a spec when the connection is built (Ansible's ConnectionBase does the same), not at first use. */
export function validateSshSpec(spec: ConnectionSpec): { hops: JumpHop[] } {
  const invalid = (reason: string) =>
    new RunnerError('CONNECTION_OPTIONS_INVALID', `host ${spec.host}: ${reason}`, { host: spec.host });
  if (!spec.address) throw invalid('no address to connect to');
  if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535)
    throw invalid(`invalid port ${spec.port}`);
  try {
    const jump = spec.jump ?? jumpFromSshArgs(spec.commonArgs);
    return { hops: jump ? parseJumpHops(jump) : [] };
  } catch (error) {
    if (error instanceof ProxyJumpError) throw invalid(error.message);
    throw error;
  }
}

/**
 * The `ssh` connection kind over ssh2: one SSH connection per host, opened
 * once; commands go through a long-lived shell channel (one sshd fork per
 * host instead of one per command) and fall back to an exec channel each.
 */
export class SshConnection implements Connection {
  readonly kind = 'ssh';
  readonly host: string;
  readonly capabilities: ConnectionCapabilities = { sftp: true, persistentShell: true, become: true };
  readonly #spec: ConnectionSpec;
  readonly #run: SshRun;
  readonly #state: RunState;
  readonly #hops: JumpHop[];
  readonly #place: string;
  #connecting?: Promise<Client>;
  #client?: Client;
  #jump?: JumpLease;
  #lost?: RunnerError;
  #closed = false;
  #sftp?: Promise<SFTPWrapper | undefined>;
  #shell?: ShellSession;
  readonly #killers = new Set<(reason: RunnerError) => void>();

  constructor(spec: ConnectionSpec, run: ConnectionRunOptions) {
    this.#hops = validateSshSpec(spec).hops;
    this.host = spec.host;
    this.#spec = spec;
    this.#state = runState(run);
    this.#run = this.#state.options;
    this.#place = where(spec.host, spec.address, spec.port);
    if (!this.#run.persistentShell) this.capabilities.persistentShell = false;
    // The run's kill signal (a second Ctrl-C) ends every operation still waiting on this host,
    // whether or not its caller passed a signal: a put or a shell round trip on a silent host too.
    this.#state.onKill.add(this.#onRunKilled);
  }

  readonly #onRunKilled = () =>
    this.#killAll(connectionError('CANCELLED', this.host, this.#place, 'killed: the run was interrupted'));

  #killAll(reason: RunnerError): void {
    for (const kill of [...this.#killers]) kill(reason);
  }

  async connect(): Promise<void> {
    await this.#ensureClient();
  }

  #ensureClient(): Promise<Client> {
    if (this.#closed) {
      return Promise.reject(connectionError('CANCELLED', this.host, this.#place, 'connection is closed'));
    }
    if (this.#lost) return Promise.reject(this.#lost);
    this.#connecting ??= this.#open();
    return this.#connecting;
  }

  async #open(): Promise<Client> {
    const spec = this.#spec;
    const user = spec.user ?? (await import('node:os')).userInfo().username;
    const keyAuth = { privateKeyFile: spec.privateKeyFile, privateKeyPassphrase: spec.privateKeyPassphrase };
    const plan = await resolveAuth({ ...keyAuth, user, password: spec.password }, this.#run, this.#state);
    const target = { host: spec.host, address: spec.address, port: spec.port, place: this.#place };
    let tunnel: (() => Promise<import('node:stream').Duplex>) | undefined;
    if (this.#hops.length > 0) {
      this.#jump = await acquireJump(this.#hops, keyAuth, this.#run, this.#state).catch(
        (error: RunnerError) => {
          throw new RunnerError(error.code ?? 'CONNECT_FAILED', `${this.#place}: ${error.message}`, {
            host: spec.host,
            cause: error,
          });
        },
      );
      const via = this.#jump.client;
      tunnel = () => forwardThrough(via, spec.address, spec.port, this.#place, spec.host);
    }
    let client: Client;
    try {
      client = await openClient({ target, plan, run: this.#run, state: this.#state, tunnel });
    } catch (error) {
      this.#jump?.release();
      this.#jump = undefined;
      throw error;
    }
    if (this.#closed) {
      client.end();
      throw connectionError('CANCELLED', this.host, this.#place, 'connection is closed');
    }
    this.#client = client;
    client.on('error', () => undefined);
    client.on('close', () => {
      if (!this.#closed)
        this.#lost ??= connectionError('CONNECTION_LOST', this.host, this.#place, 'connection lost');
      this.#jump?.release();
      // Whatever still waits on this connection (an SFTP request, a channel) fails now, not never.
      // Nothing waits after a clean close: no error built (and stack captured) for no one.
      if (this.#killers.size === 0) return;
      this.#killAll(
        this.#lost ?? connectionError('CANCELLED', this.host, this.#place, 'connection is closed'),
      );
    });
    return client;
  }

  #context(client: Client): ChannelContext {
    return {
      client,
      host: this.host,
      place: this.#place,
      track: (kill) => {
        this.#killers.add(kill);
        return () => this.#killers.delete(kill);
      },
    };
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (options.signal?.aborted) throw cancelledError({ host: this.host, place: this.#place });
    const client = await this.#ensureClient();
    const ctx = this.#context(client);
    // Everything, become included (sudo runs inside the session), may share the host's shell.
    if (this.capabilities.persistentShell) {
      this.#shell ??= new ShellSession(ctx, this.#run.connectTimeoutMs);
      const result = await this.#shell.tryRun(command, options);
      if (result) return result;
      if (this.#shell.broken) this.capabilities.persistentShell = false;
    }
    return this.#withLost(execOnChannel(ctx, command, options));
  }

  /**
   * Several commands in one round trip on the persistent shell (see
   * Connection.execBatch); undefined when the shell cannot take them.
   */
  async execBatch(commands: BatchCommand[], options: BatchOptions = {}): Promise<BatchOutcome | undefined> {
    if (!this.capabilities.persistentShell) return undefined;
    if (options.signal?.aborted) throw cancelledError({ host: this.host, place: this.#place });
    const client = await this.#ensureClient();
    this.#shell ??= new ShellSession(this.#context(client), this.#run.connectTimeoutMs);
    const outcome = await this.#shell.tryRunBatch(commands, options);
    if (this.#shell.broken) this.capabilities.persistentShell = false;
    if (
      outcome?.error &&
      this.#lost &&
      !(outcome.error instanceof RunnerError && outcome.error.code === 'CANCELLED')
    )
      return { ...outcome, error: this.#lost };
    return outcome;
  }

  /** Round trips made on the persistent shell so far (commands, batches, become steps): for tests and benches. */
  get shellExchanges(): number {
    return this.#shell?.exchanges ?? 0;
  }

  /** Writes to the persistent shell's channel so far (the ready command rides with the first): for tests. */
  get shellWrites(): number {
    return this.#shell?.writes ?? 0;
  }

  async put(content: string | Buffer | Readable, path: string, options: PutOptions = {}): Promise<void> {
    const data = await contentBuffer(content);
    const client = await this.#ensureClient();
    const ctx = this.#context(client);
    // With become, SFTP would write as the login user; the stdin path runs under sudo.
    if (!options.become) {
      const sftp = await this.#openSftp(client);
      if (sftp)
        return this.#withLost(
          putViaSftp(ctx, (command, o) => this.exec(command, o), sftp, data, path, options),
        );
    }
    return this.#withLost(putViaStdin(ctx, (command, o) => this.exec(command, o), data, path, options));
  }

  #openSftp(client: Client): Promise<SFTPWrapper | undefined> {
    this.#sftp ??= new Promise((resolve) => {
      client.sftp((error, sftp) => {
        // No SFTP subsystem (or a server that refuses it): remember, and stream through `cat`.
        if (error) {
          this.capabilities.sftp = false;
          resolve(undefined);
        } else resolve(sftp);
      });
    });
    return this.#sftp;
  }

  /** A failure caused by the connection dropping reports CONNECTION_LOST, whatever the channel saw. */
  async #withLost<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (this.#lost && !(error instanceof RunnerError && error.code === 'CANCELLED')) throw this.#lost;
      throw error;
    }
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#state.onKill.delete(this.#onRunKilled);
    if (options.force) {
      const reason = connectionError(
        'CANCELLED',
        this.host,
        this.#place,
        'command killed: connection closed',
      );
      this.#killAll(reason);
    }
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    if (!client) return;
    this.#shell?.close();
    await new Promise<void>((resolve) => {
      const done = setTimeout(resolve, 2000);
      client.once('close', () => {
        clearTimeout(done);
        resolve();
      });
      client.end();
    });
  }
}
