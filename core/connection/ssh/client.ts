import { type Socket, connect as tcpConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client, ServerHostKeyAlgorithm } from 'ssh2';
import { RunnerError } from '../../errors.js';
import { classifyConnectError, connectionError, isRetryableConnectError } from '../errors.js';
import { type AuthPlan, makeAuthHandler } from './auth.js';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import { verifyHostKey } from './host-key-check.js';
import { declineHostKeyProofs } from './host-key-proofs.js';
import { preferredHostKeyAlgorithms } from './known-hosts.js';
import type { SshRun } from './options.js';
import type { RunState } from './run-state.js';
import { ssh2 } from './ssh2.js';

/** Where to connect and how to name it in errors. */
export interface ClientTarget {
  host: string;
  address: string;
  port: number;
  /** `web1 (10.0.0.5:22)`, see errors.where(). */
  place: string;
}

export interface OpenClientOptions {
  target: ClientTarget;
  plan: AuthPlan;
  run: SshRun;
  state: RunState;
  /** A fresh stream to the target per attempt (through a jump host); a TCP socket otherwise. */
  tunnel?: () => Promise<Duplex>;
}

// ssh2's defaults, in its order (a test holds it to that); reordered per host so known key types come first.
export const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
] as const;

function isOffered(algorithm: string): algorithm is (typeof HOST_KEY_ALGORITHMS)[number] {
  return (HOST_KEY_ALGORITHMS as readonly string[]).includes(algorithm);
}

/**
 * The host key algorithms to offer, with the types `preferred` names first
 * (those known_hosts holds for the host, as ssh(1) orders them); undefined
 * when that is ssh2's own order, so ssh2 offers its prebuilt key exchange
 * message instead of building one per connection.
 */
export function hostKeyAlgorithmsFor(preferred: readonly string[]): ServerHostKeyAlgorithm[] | undefined {
  const known = preferred.filter(isOffered);
  const order: ServerHostKeyAlgorithm[] = [
    ...known,
    ...HOST_KEY_ALGORITHMS.filter((a) => !known.includes(a)),
  ];
  if (order.every((a, i) => a === HOST_KEY_ALGORITHMS[i])) return undefined;
  return order;
}

/**
 * Opens an authenticated ssh2 Client: waits for a handshake slot, connects,
 * checks the host key, authenticates; retries refused and reset connections
 * with backoff (never auth or host key failures, never timeouts).
 */
export async function openClient(options: OpenClientOptions): Promise<Client> {
  const { run, state } = options;
  const retries = run.connectRetries;
  for (let attempt = 0; ; attempt++) {
    checkCancelled(run, options.target);
    try {
      return await state.handshakes.use(() => attemptOnce(options), run.signal);
    } catch (error) {
      if (run.signal?.aborted) throw cancelled(options.target, error);
      if (attempt >= retries || !isRetryableConnectError(error)) throw error;
      await sleep(backoffDelay(attempt + 1, { ...DEFAULT_BACKOFF, retries }), run.signal);
    }
  }
}

function checkCancelled(run: SshRun, target: ClientTarget): void {
  if (run.signal?.aborted) throw cancelled(target);
}

function cancelled(target: ClientTarget, cause?: unknown): RunnerError {
  return connectionError('CANCELLED', target.host, target.place, 'connection cancelled', cause);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

type Phase =
  | 'connecting'
  | 'waiting for the SSH banner'
  | 'during the SSH handshake'
  | 'during authentication';

async function attemptOnce(options: OpenClientOptions): Promise<Client> {
  const { target, plan, run, state } = options;
  const timeoutMs = run.connectTimeoutMs;
  const entries = run.hostKeyChecking === 'off' ? [] : await state.knownHosts.entries();
  const serverHostKey = hostKeyAlgorithmsFor(
    preferredHostKeyAlgorithms(entries, target.address, target.port),
  );

  return new Promise<Client>((resolve, reject) => {
    let phase: Phase = options.tunnel ? 'waiting for the SSH banner' : 'connecting';
    let settled = false;
    let refusal: RunnerError | undefined;
    let sock: Duplex | undefined;
    const tried: string[] = [];
    const client = new (ssh2().Client)();

    const fail = (error: RunnerError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      client.end();
      sock?.destroy();
      reject(error);
    };
    const onAbort = () => fail(cancelled(target));
    run.signal?.addEventListener('abort', onAbort, { once: true });
    const seconds = timeoutMs % 1000 === 0 ? `${timeoutMs / 1000}s` : `${timeoutMs}ms`;
    const timer = setTimeout(
      () =>
        fail(
          connectionError(
            'CONNECT_TIMEOUT',
            target.host,
            target.place,
            `timed out after ${seconds} ${phase}`,
          ),
        ),
      timeoutMs,
    );

    client.on('handshake', () => {
      phase = 'during authentication';
    });
    client.on('ready', () => {
      if (settled) return client.end();
      settled = true;
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      resolve(client);
    });
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      if (refusal) return fail(refusal);
      if (error.level === 'client-authentication') {
        const list = tried.length > 0 ? tried.join(', ') : 'none: no key, agent or password to offer';
        return fail(
          connectionError(
            'AUTH_FAILED',
            target.host,
            target.place,
            `authentication failed (tried: ${list})`,
            error,
          ),
        );
      }
      fail(classifyConnectError(error, target.host, target.place));
    });
    client.on('close', () => {
      // Every client closes at the end of its run: build the error only when it can still matter.
      if (settled) return;
      if (refusal) return fail(refusal);
      const when = phase === 'waiting for the SSH banner' ? 'before the SSH banner' : phase;
      fail(
        connectionError(
          'CONNECT_FAILED',
          target.host,
          target.place,
          `connection closed by the server ${when}`,
        ),
      );
    });

    const start = (stream: Duplex) => {
      if (settled) return stream.destroy();
      sock = stream;
      phase = 'waiting for the SSH banner';
      client.connect({
        sock: stream,
        username: plan.username,
        readyTimeout: 0,
        keepaliveInterval: run.keepaliveIntervalMs,
        keepaliveCountMax: 3,
        ...(serverHostKey ? { algorithms: { serverHostKey } } : {}),
        authHandler: makeAuthHandler(plan, tried),
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          verifyHostKey(state.knownHosts, run.hostKeyChecking, target, key).then(
            (error) => {
              refusal = error;
              verify(!error);
            },
            (error: unknown) => {
              refusal = connectionError(
                'CONNECT_FAILED',
                target.host,
                target.place,
                `cannot check the host key: ${(error as Error).message}`,
                error,
              );
              verify(false);
            },
          );
        },
      });
      declineHostKeyProofs(client);
      // Any byte from the server is its banner line: from here on a timeout is the handshake's.
      stream.once('data', () => {
        if (phase === 'waiting for the SSH banner') phase = 'during the SSH handshake';
      });
    };

    if (options.tunnel) {
      options
        .tunnel()
        .then(start, (error: unknown) =>
          fail(
            error instanceof RunnerError
              ? error
              : classifyConnectError(error as NodeJS.ErrnoException, target.host, target.place),
          ),
        );
      return;
    }
    const socket: Socket = tcpConnect({ host: target.address, port: target.port });
    socket.setNoDelay(true);
    const onSocketError = (error: NodeJS.ErrnoException) =>
      fail(classifyConnectError(error, target.host, target.place));
    socket.once('error', onSocketError);
    socket.once('connect', () => {
      socket.removeListener('error', onSocketError);
      start(socket);
    });
    sock = socket;
  });
}
