import type { Readable } from 'node:stream';
import { isSecret, type Secret } from '../secret.js';

/** put() content as one Buffer: installers and configs fit in memory, and a Buffer can be retried. */
export async function contentBuffer(content: string | Buffer | Readable): Promise<Buffer> {
  if (typeof content === 'string') return Buffer.from(content);
  if (Buffer.isBuffer(content)) return content;
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** A command's stdin as bytes; a Secret is revealed only here, on its way to the process. */
export function stdinBuffer(stdin: string | Buffer | Secret | undefined): Buffer | undefined {
  if (stdin === undefined) return undefined;
  if (isSecret(stdin)) return Buffer.from(stdin.reveal());
  return Buffer.isBuffer(stdin) ? stdin : Buffer.from(stdin);
}
