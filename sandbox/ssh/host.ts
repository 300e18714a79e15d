import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import ssh2, { type Connection, type ParsedKey, type Server as SshServerType } from 'ssh2';

// ssh2 is CommonJS: its classes come from the default export under ESM.
const { Server: SshServer, utils } = ssh2;

import type { CommandRecord } from '../aws/context.js';
import type { FaultController } from '../faults.js';
import { killGroup, runOnChannel } from './exec.js';
import { serveSftp } from './sftp.js';
import { readsCommandsFromStdin, ShellInput } from './shell-input.js';

/**
 * One sandbox SSH host: an in-process ssh2 server on its own loopback address
 * (or port) with its own host key, public-key (and optional password) auth for
 * one user, exec and shell channels running a real /bin/sh, and SFTP. It can be
 * taken down (connections refused) and can vanish mid-command (every
 * connection dropped before the exit status is sent).
 */
export interface HostConfig {
  name: string;
  address: string;
  user: string;
  home: string;
  hostKey: string;
  authorizedKey: ParsedKey;
  password?: string;
  env: Record<string, string>;
  faults: FaultController;
  record: (command: CommandRecord) => void;
}

const VANISH_AFTER_MS = 100;

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export class SandboxSshHost {
  readonly config: HostConfig;
  port = 0;
  readonly #ssh: SshServerType;
  #net: NetServer | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(config: HostConfig) {
    this.config = config;
    this.#ssh = new SshServer({ hostKeys: [config.hostKey] }, (client) => this.#onClient(client));
    this.#ssh.on('error', () => {});
  }

  get listening(): boolean {
    return this.#net !== undefined;
  }

  /** Listens on the host's address; port 0 picks one. Rejects with the listen error (EADDRINUSE...). */
  listen(port: number): Promise<number> {
    const net = createServer((socket) => {
      if (this.config.faults.hostDown(this.config.name)) {
        socket.destroy();
        return;
      }
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {});
      this.#ssh.injectSocket(socket);
    });
    return new Promise((resolve, reject) => {
      net.once('error', reject);
      net.listen(port, this.config.address, () => {
        net.off('error', reject);
        this.#net = net;
        const address = net.address();
        this.port = typeof address === 'object' && address ? address.port : port;
        resolve(this.port);
      });
    });
  }

  /** Stops listening (new connections are refused) and drops every open connection. */
  async close(): Promise<void> {
    const net = this.#net;
    this.#net = undefined;
    this.dropConnections();
    if (net) await new Promise<void>((resolve) => net.close(() => resolve()));
  }

  dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  #record(kind: CommandRecord['kind'], command: string): void {
    this.config.record({ host: this.config.name, kind, command, at: new Date().toISOString() });
  }

  #onClient(client: Connection): void {
    const { user, authorizedKey, password } = this.config;
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      if (ctx.username !== user) return ctx.reject();
      if (ctx.method === 'publickey') {
        if (ctx.key.algo !== authorizedKey.type || !sameBytes(ctx.key.data, authorizedKey.getPublicSSH())) {
          return ctx.reject();
        }
        if (
          ctx.signature &&
          ctx.blob &&
          authorizedKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true
        ) {
          return ctx.reject();
        }
        return ctx.accept();
      }
      if (ctx.method === 'password' && password !== undefined) {
        return sameBytes(Buffer.from(ctx.password), Buffer.from(password)) ? ctx.accept() : ctx.reject();
      }
      return ctx.reject(password === undefined ? ['publickey'] : ['publickey', 'password']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        const env: Record<string, string> = { ...this.config.env };
        let running: import('node:child_process').ChildProcess | undefined;
        session.on('env', (accept, _reject, info) => {
          env[info.key] = info.val;
          accept?.();
        });
        session.on('pty', (accept) => accept?.());
        session.on('window-change', (accept) => accept?.());
        session.on('signal', (accept, _reject, info) => {
          accept?.();
          if (running) killGroup(running, `SIG${info.name}` as NodeJS.Signals);
        });
        const start = (channel: import('ssh2').ServerChannel, args: string[]) => {
          const vanish = this.config.faults.hostVanishes(this.config.name);
          let vanished = false;
          const disappear = () => {
            if (vanished) return;
            vanished = true;
            if (running) killGroup(running, 'SIGKILL');
            this.dropConnections();
          };
          running = runOnChannel(channel, {
            args,
            env,
            cwd: this.config.home,
            suppressExit: () => {
              // A vanishing host never reports an exit status: it drops off instead.
              if (vanish) disappear();
              return vanish;
            },
            onStart: vanish ? () => setTimeout(disappear, VANISH_AFTER_MS).unref() : undefined,
          });
        };
        // A shell fed commands on stdin (a shell session, or a persistent `/bin/sh` on an exec
        // channel) runs them unseen by the exec record: record each line it reads as well.
        const recordInput = (channel: import('ssh2').ServerChannel) => {
          const input = new ShellInput();
          channel.on('data', (chunk: Buffer) => {
            for (const line of input.push(chunk.toString('utf8'))) this.#record('shell', line);
          });
          channel.on('end', () => {
            for (const line of input.end()) this.#record('shell', line);
          });
        };
        session.on('exec', (accept, _reject, info) => {
          this.#record('exec', info.command);
          const channel = accept();
          if (readsCommandsFromStdin(info.command)) recordInput(channel);
          start(channel, ['-c', info.command]);
        });
        session.on('shell', (accept) => {
          const channel = accept();
          recordInput(channel);
          start(channel, []);
        });
        session.on('sftp', (accept) => {
          this.#record('subsystem', 'sftp');
          serveSftp(accept(), this.config.home);
        });
        session.on('subsystem', (_accept, reject, info) => {
          this.#record('subsystem', info.name);
          reject?.();
        });
      });
    });
  }
}

/** Parses the client public key the hosts accept. */
export function parsePublicKey(line: string): ParsedKey {
  const parsed = utils.parseKey(line);
  if (parsed instanceof Error) throw parsed;
  return Array.isArray(parsed) ? parsed[0] : parsed;
}
