import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsContext } from './context.js';
import { dispatch } from './dispatch.js';
import type { HttpReply } from './types.js';

/**
 * The sandbox's single HTTP endpoint on loopback. Paths under `/__sandbox/`
 * go to the admin handler (S3 bucket names cannot start with `_`, so they
 * never clash); everything else is an AWS call.
 */
const MAX_BODY = 64 * 1024 * 1024;
const CALL_LOG_LIMIT = 10_000;

export interface AwsServerHooks {
  admin: (req: IncomingMessage, path: string, body: Buffer) => Promise<HttpReply>;
  /** Called after a call that changed the state (for persistence). */
  mutated: () => void;
}

export interface AwsServer {
  url: string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: HttpReply): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  const headers: Record<string, string> = { ...reply.headers };
  if (headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  res.writeHead(reply.status, headers);
  res.end(body);
}

export async function startAwsServer(
  ctx: AwsContext,
  hooks: AwsServerHooks,
  host = '127.0.0.1',
  port = 0,
): Promise<AwsServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const body = await readBody(req);
    if (rawPath.startsWith('/__sandbox/')) {
      send(res, await hooks.admin(req, rawPath, body));
      return;
    }
    const result = await dispatch(ctx, req, rawPath, rawQuery, body);
    const errorCode =
      result.reply.status >= 300 ? (errorName(result.reply) ?? String(result.reply.status)) : undefined;
    ctx.calls.push({
      service: result.service,
      operation: result.operation,
      caller: result.principal.kind === 'anonymous' ? 'anonymous' : result.principal.arn,
      status: result.reply.status,
      ...(errorCode ? { error: errorCode } : {}),
      ...(result.payloadSigning ? { payloadSigning: result.payloadSigning } : {}),
      at: new Date(ctx.clock()).toISOString(),
    });
    if (ctx.calls.length > CALL_LOG_LIMIT) ctx.calls.splice(0, ctx.calls.length - CALL_LOG_LIMIT);
    send(res, result.reply);
    if (result.mutated) hooks.mutated();
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`sandbox internal error: ${error instanceof Error ? error.message : String(error)}`);
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The error code of an error reply, for the call log. */
function errorName(reply: HttpReply): string | undefined {
  const type = reply.headers['x-amzn-errortype'];
  if (type) return type;
  const text = typeof reply.body === 'string' ? reply.body : reply.body.toString('utf8', 0, 2048);
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
}
