import type { Readable } from 'node:stream';

/** put() content as one Buffer: installers and configs fit in memory, and a Buffer can be retried. */
export async function contentBuffer(content: string | Buffer | Readable): Promise<Buffer> {
  if (typeof content === 'string') return Buffer.from(content);
  if (Buffer.isBuffer(content)) return content;
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
