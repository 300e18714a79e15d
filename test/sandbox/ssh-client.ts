import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { SandboxHost } from '../../sandbox/index.js';

/** A small ssh2 client for tests: connect to a sandbox host, run commands, use SFTP. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  /** True when the connection dropped before an exit status arrived. */
  dropped: boolean;
}

export function connect(
  host: SandboxHost,
  options: { password?: string; privateKey?: string | Buffer; username?: string; readyTimeout?: number } = {},
): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => resolve(client));
    client.once('error', (error) => {
      // A failed client may still report its socket's end later: nobody is listening then.
      client.on('error', () => {});
      client.destroy();
      reject(error);
    });
    client.connect({
      host: host.address,
      port: host.port,
      username: options.username ?? host.user,
      ...(options.password !== undefined
        ? { password: options.password }
        : { privateKey: options.privateKey ?? readFileSync(host.privateKeyFile) }),
      readyTimeout: options.readyTimeout ?? 20_000,
      hostVerifier: (key: Buffer) => {
        const line = host.hostPublicKey.split(' ')[1];
        return key.toString('base64') === line;
      },
    });
  });
}

export function exec(
  client: ssh2.Client,
  command: string,
  options: {
    stdin?: string;
    env?: Record<string, string>;
    onStream?: (s: ssh2.ClientChannel) => void;
    /** Leave stdin open (a channel whose stdin ended can no longer send signals). */
    keepStdinOpen?: boolean;
  } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, { env: options.env }, (error, stream) => {
      if (error) return reject(error);
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      let signal: string | null = null;
      let exited = false;
      stream.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      stream.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      stream.on('exit', (c: number | null, s?: string) => {
        exited = true;
        code = c;
        signal = s ?? null;
      });
      stream.on('close', () => resolve({ stdout, stderr, code, signal, dropped: !exited }));
      options.onStream?.(stream);
      if (options.stdin !== undefined) stream.end(options.stdin);
      else if (!options.keepStdinOpen) stream.end();
    });
  });
}

export async function run(host: SandboxHost, command: string, stdin?: string): Promise<ExecResult> {
  const client = await connect(host);
  try {
    return await exec(client, command, { stdin });
  } finally {
    client.end();
  }
}
