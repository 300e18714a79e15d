import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { Server, type ServerChannel, utils } from 'ssh2';

/**
 * An in-process SSH server (ssh2's Server) that misbehaves on purpose, for
 * the connection layer's fault tests, and records what clients send so tests
 * can prove secrets never travel in a command line.
 *
 *  - `no-banner`: accepts TCP and never says a word.
 *  - `refuse-auth`: rejects every method (offers publickey and password).
 *  - `drop-mid-command`: runs the persistent-shell handshake, then cuts the
 *    TCP connection in the middle of the first command.
 *  - `kbd-interactive`: accepts only keyboard-interactive with `password`.
 *  - `sudo`: plays sudo for commands that call it: prints the `-p` prompt,
 *    reads a line from stdin, accepts `password`, re-prompts otherwise.
 */
export type FaultMode = 'no-banner' | 'refuse-auth' | 'drop-mid-command' | 'kbd-interactive' | 'sudo';

export interface FaultServer {
  port: number;
  /** Every exec request's command line, in order. */
  execs: string[];
  /** Every line a client wrote to a command's stdin (where passwords belong). */
  stdinLines: string[];
  /** Every password and keyboard-interactive answer offered. */
  authSecrets: string[];
  close(): Promise<void>;
}

export async function startFaultServer(mode: FaultMode, password = 'server-side-pw'): Promise<FaultServer> {
  const execs: string[] = [];
  const stdinLines: string[] = [];
  const authSecrets: string[] = [];
  const sockets = new Set<Socket>();
  let server: NetServer | Server;

  if (mode === 'no-banner') {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
  } else {
    const hostKey = utils.generateKeyPairSync('ed25519').private;
    server = new Server({ hostKeys: [hostKey] }, (client) => {
      client.on('error', () => undefined);
      client.on('authentication', (ctx) => {
        if (ctx.method === 'password') authSecrets.push(ctx.password);
        if (mode === 'refuse-auth') return ctx.reject(['publickey', 'password']);
        if (mode === 'kbd-interactive') {
          if (ctx.method !== 'keyboard-interactive') return ctx.reject(['keyboard-interactive']);
          return ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
            authSecrets.push(...answers);
            if (answers[0] === password) ctx.accept();
            else ctx.reject(['keyboard-interactive']);
          });
        }
        ctx.accept();
      });
      client.on('ready', () => {
        client.on('session', (acceptSession) => {
          const session = acceptSession();
          session.on('exec', (accept, _reject, info) => {
            execs.push(info.command);
            const channel = accept();
            if (mode === 'drop-mid-command') dropMidCommand(channel, info.command);
            else if (mode === 'sudo') playSudo(channel, info.command, password, stdinLines);
            else finish(channel, 0);
          });
        });
      });
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  if (server instanceof Server) {
    // ssh2's Server wraps a net.Server: track its sockets so close() can cut them.
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  }
  return {
    port,
    execs,
    stdinLines,
    authSecrets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function finish(channel: ServerChannel, code: number): void {
  channel.exit(code);
  channel.end();
}

/** Answers the persistent shell's ready line, then dies mid-way through the next command. */
function dropMidCommand(channel: ServerChannel, command: string): void {
  if (command !== '/bin/sh') {
    channel.write('partial output\n');
    setTimeout(() => (channel as unknown as { _client: { _sock: Socket } })._client?._sock?.destroy(), 50);
    return;
  }
  let text = '';
  let ready = false;
  channel.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const token = /printf '%s %s %s\\n' '([^']+)'/.exec(text)?.[1];
    if (!ready && token) {
      ready = true;
      text = '';
      channel.write(`${token} 1 4242\n`);
    } else if (ready && text.includes('\n')) {
      channel.write('partial output\n');
      setTimeout(() => (channel as unknown as { _client: { _sock: Socket } })._client?._sock?.destroy(), 50);
    }
  });
}

/** sudo -S -p '<prompt>': prompt on stderr, read a password line on stdin; right one prints the success marker. */
function playSudo(channel: ServerChannel, command: string, password: string, stdinLines: string[]): void {
  const prompt = /-p '([^']+)'/.exec(command)?.[1];
  const success = /BECOME-SUCCESS-[0-9a-f]+/.exec(command)?.[0];
  if (!prompt || !success) {
    finish(channel, 0);
    return;
  }
  let buffered = '';
  let tries = 0;
  channel.stderr.write(prompt);
  channel.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      stdinLines.push(line);
      if (line === password) {
        channel.write(`${success}\nescalated\n`);
        return finish(channel, 0);
      }
      if (++tries >= 3) {
        channel.stderr.write('sudo: 3 incorrect password attempts\n');
        return finish(channel, 1);
      }
      channel.stderr.write(`Sorry, try again.\n${prompt}`);
      newline = buffered.indexOf('\n');
    }
  });
}
