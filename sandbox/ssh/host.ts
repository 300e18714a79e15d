import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import ssh2, { type Connection, type ParsedKey, type Server as SshServerType } from 'ssh2';

// ssh2 is CommonJS: its classes come from the default export under ESM.
const { Server: SshServer, utils } = ssh2;

import type { CommandRecord } from '../aws/context.js';
import type { FaultController } from '../faults.js';
import { killGroup, runOnChannel } from './exec.js';
import { generateEd25519 } from './keys.js';
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
  /** The same host behind a new host key (the `changedHostKey` knob), made on first use. */
  #rekeyed: SshServerType | undefined;
  #net: NetServer | undefined;
  readonly #sockets = new Set<Socket>();
  /** Connections held open without a word: no banner, or a host that vanished. */
  readonly #silent = new Set<Socket>();
  readonly #children = new Set<import('node:child_process').ChildProcess>();
  /** True once the host vanished (a `vanishDuring`/`vanishOnUpload` knob fired), until the knob is cleared. */
  #gone = false;

  constructor(config: HostConfig) {
    this.config = config;
    this.#ssh = this.#server(config.hostKey);
  }

  #server(hostKey: string): SshServerType {
    const server = new SshServer({ hostKeys: [hostKey] }, (client) => this.#onClient(client));
    server.on('error', () => {});
    return server;
  }

  get gone(): boolean {
    return this.#gone;
  }

  /**
   * Goes silent, as a host that lost power: its processes die, its connections stall
   * (nothing read is answered, nothing more is sent, nothing is closed) and new
   * connections get no banner. `applyFaults` brings it back once its knob is cleared.
   */
  vanish(): void {
    if (this.#gone) return;
    this.#gone = true;
    for (const child of this.#children) killGroup(child, 'SIGKILL');
    for (const socket of this.#sockets) this.#silence(socket);
  }

  #silence(socket: Socket): void {
    socket.removeAllListeners('data');
    socket.on('data', () => {});
    socket.write = (() => true) as Socket['write'];
    this.#silent.add(socket);
  }

  /** Follows the knobs: a vanished host whose knob was cleared comes back, held connections close. */
  applyFaults(): void {
    const { faults, name } = this.config;
    if (this.#gone && !faults.mayVanish(name)) this.#gone = false;
    if (this.#gone || faults.noBanner(name)) return;
    for (const socket of this.#silent) socket.destroy();
    this.#silent.clear();
  }

  get listening(): boolean {
    return this.#net !== undefined;
  }

  /** Listens on the host's address; port 0 picks one. Rejects with the listen error (EADDRINUSE...). */
  listen(port: number): Promise<number> {
    const net = createServer((socket) => {
      const { faults, name } = this.config;
      if (faults.hostDown(name)) {
        socket.destroy();
        return;
      }
      this.#sockets.add(socket);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        this.#silent.delete(socket);
      });
      socket.on('error', () => {});
      if (this.#gone || faults.noBanner(name)) {
        this.#silence(socket);
        return;
      }
      if (faults.hostKeyChanged(name)) {
        this.#rekeyed ??= this.#server(generateEd25519().private);
        this.#rekeyed.injectSocket(socket);
        return;
      }
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
    this.#silent.clear();
  }

  #record(kind: CommandRecord['kind'], command: string): void {
    this.config.record({ host: this.config.name, kind, command, at: new Date().toISOString() });
  }

  #onClient(client: Connection): void {
    const { user, authorizedKey, password } = this.config;
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      if (this.config.faults.authRefused(this.config.name)) return ctx.reject(['publickey', 'password']);
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
          const child = runOnChannel(channel, {
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
          running = child;
          this.#children.add(child);
          child.on('close', () => this.#children.delete(child));
        };
        // The `vanishDuring` knob: this command line makes the host vanish as it starts.
        const vanishesOn = (line: string) => {
          if (!this.config.faults.vanishesOnCommand(this.config.name, line)) return false;
          this.vanish();
          return true;
        };
        // A shell fed commands on stdin (a shell session, or a persistent `/bin/sh` on an exec
        // channel) runs them unseen by the exec record: record each line it reads as well.
        const recordInput = (channel: import('ssh2').ServerChannel) => {
          const input = new ShellInput();
          channel.on('data', (chunk: Buffer) => {
            for (const line of input.push(chunk.toString('utf8'))) {
              this.#record('shell', line);
              vanishesOn(line);
            }
          });
          channel.on('end', () => {
            for (const line of input.end()) this.#record('shell', line);
          });
        };
        session.on('exec', (accept, _reject, info) => {
          this.#record('exec', info.command);
          const channel = accept();
          if (vanishesOn(info.command)) return;
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
          serveSftp(accept(), this.config.home, (path) => {
            if (!this.config.faults.vanishesOnUpload(this.config.name, path)) return false;
            this.vanish();
            return true;
          });
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
