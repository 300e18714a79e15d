import { userInfo } from 'node:os';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { RunnerError } from '../../errors.js';
import { connectionError, where } from '../errors.js';
import { type AuthInput, resolveAuth } from './auth.js';
import { openClient } from './client.js';
import type { SshRun } from './options.js';
import type { JumpHop } from './proxy-jump.js';
import type { RunState } from './run-state.js';

/** A stream to address:port opened through an SSH connection (ssh -W, direct-tcpip). */
export function forwardThrough(client: Client, address: string, port: number, place: string, host: string) {
  return new Promise<Duplex>((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, address, port, (error, stream) => {
      if (!error) return resolve(stream);
      const refused = /refused/i.test(error.message);
      reject(
        connectionError(
          refused ? 'CONNECT_REFUSED' : 'CONNECT_FAILED',
          host,
          place,
          refused
            ? 'connection refused (via jump host)'
            : `cannot reach through the jump host: ${error.message}`,
          error,
        ),
      );
    });
  });
}

export interface JumpLease {
  client: Client;
  release(): void;
}

/**
 * The client for the last hop of `hops`, shared by every host of the run
 * behind the same chain: one handshake per jump host, not one per target.
 * Jump hops authenticate with the target's key (and agent), never its password,
 * and their host keys are checked like any host's.
 */
export async function acquireJump(
  hops: JumpHop[],
  auth: Omit<AuthInput, 'user' | 'password'>,
  run: SshRun,
  state: RunState,
): Promise<JumpLease> {
  const key = hops.map((h) => `${h.user ?? ''}@${h.host}:${h.port}`).join(',');
  let shared = state.jumps.get(key);
  if (!shared) {
    const created = { users: 0, client: openChain(hops, auth, run, state) };
    shared = created;
    state.jumps.set(key, created);
    created.client.then(
      (client) =>
        client.on('close', () => {
          if (state.jumps.get(key) === created) state.jumps.delete(key);
        }),
      () => undefined,
    );
  }
  const entry = shared;
  entry.users++;
  let client: Client;
  try {
    client = await entry.client;
  } catch (error) {
    entry.users--;
    throw error;
  }
  let released = false;
  return {
    client,
    release() {
      if (released) return;
      released = true;
      entry.users--;
      if (entry.users === 0 && state.jumps.get(key) === entry) {
        state.jumps.delete(key);
        client.end();
      }
    },
  };
}

async function openChain(
  hops: JumpHop[],
  auth: Omit<AuthInput, 'user' | 'password'>,
  run: SshRun,
  state: RunState,
): Promise<Client> {
  let previous: JumpLease | undefined;
  const hop = hops[hops.length - 1];
  if (hops.length > 1) previous = await acquireJump(hops.slice(0, -1), auth, run, state);
  const place = `jump host ${where(hop.host, hop.host, hop.port)}`;
  const target = { host: hop.host, address: hop.host, port: hop.port, place };
  try {
    const plan = await resolveAuth({ ...auth, user: hop.user ?? userInfo().username }, run, state);
    const via = previous?.client;
    const client = await openClient({
      target,
      plan,
      run,
      state,
      tunnel: via ? () => forwardThrough(via, hop.host, hop.port, place, hop.host) : undefined,
    });
    if (previous) {
      const lease = previous;
      client.on('close', () => lease.release());
    }
    return client;
  } catch (error) {
    previous?.release();
    throw error instanceof RunnerError
      ? error
      : new RunnerError('CONNECT_FAILED', `${place}: ${String(error)}`);
  }
}
