import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { Agent } from 'node:http';
import type { Sandbox } from '../../sandbox/index.js';

/**
 * SDK client settings for a sandbox: its endpoint, region and operator key,
 * one attempt so errors surface, and a new connection per request. The
 * sandbox, like AWS endpoints, closes a connection idle for a few seconds; an
 * SDK client reusing one at that moment gets ECONNRESET, which its retries
 * absorb but one attempt cannot (seen once under load: "TimeoutError: read
 * ECONNRESET" between two calls a slow SSH step apart).
 */
export function clientConfig(
  sb: Sandbox,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = sb.credentials,
) {
  return {
    endpoint: sb.endpoint,
    region: sb.region,
    credentials,
    maxAttempts: 1,
    requestHandler: { httpAgent: new Agent({ keepAlive: false }) },
  };
}

/** Awaits a rejection and returns the SDK error's name, HTTP status and message. */
export async function awsFailure(
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the AWS call to fail, it succeeded');
}

/**
 * Polls until `check` gives a value. The bound (10 minutes at the default pace) is a deadline for a
 * condition that never comes, never a speed check: a loaded machine may take long to get there.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  attempts = 12_000,
  everyMs = 50,
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met after ${attempts} attempts`);
}

/** A SHA-256 / HMAC-SHA-256 checksum constructor for @smithy/signature-v4, on node:crypto. */
export class NodeSha256 {
  readonly #secret?: string | Uint8Array;
  #hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#secret =
      secret === undefined || typeof secret === 'string'
        ? secret
        : secret instanceof ArrayBuffer
          ? new Uint8Array(secret)
          : new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength);
    this.#hash = this.#make();
  }
  #make(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }
  update(data: Uint8Array | string): void {
    this.#hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {
    this.#hash = this.#make();
  }
}
