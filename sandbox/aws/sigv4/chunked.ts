import { AwsServiceError } from '../service-error.js';
import { hmac, scope, sha256Hex, signingKey } from './canonical.js';
import type { SigV4Auth } from './parse.js';

/**
 * Decodes an `aws-chunked` body, the framing the SDKs use for streaming
 * uploads: `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n` repeated, a
 * zero-size chunk, then optional trailer headers. With a signed streaming
 * payload each chunk's signature chains from the request's seed signature and
 * is checked here.
 */
export interface DecodedChunks {
  body: Buffer;
  trailers: Map<string, string>;
}

const EMPTY_SHA256 = sha256Hex('');

function bad(message: string): AwsServiceError {
  return new AwsServiceError('IncompleteBody', message, 400);
}

export function decodeAwsChunked(raw: Buffer, signing?: { auth: SigV4Auth; secret: string }): DecodedChunks {
  const parts: Buffer[] = [];
  const trailers = new Map<string, string>();
  let offset = 0;
  let previous = signing?.auth.signature ?? '';
  const key = signing
    ? signingKey(signing.secret, signing.auth.scopeDate, signing.auth.region, signing.auth.service)
    : undefined;
  for (;;) {
    const eol = raw.indexOf('\r\n', offset);
    if (eol < 0) throw bad('aws-chunked body ends inside a chunk header');
    const headerLine = raw.subarray(offset, eol).toString('latin1');
    const [sizeHex, ...extensions] = headerLine.split(';');
    const size = Number.parseInt(sizeHex, 16);
    if (!Number.isFinite(size) || size < 0) throw bad(`aws-chunked body has a bad chunk size: ${sizeHex}`);
    const start = eol + 2;
    const data = raw.subarray(start, start + size);
    if (data.length !== size) throw bad('aws-chunked body is shorter than its chunk sizes say');
    if (signing && key) {
      const given = extensions
        .find((e) => e.startsWith('chunk-signature='))
        ?.slice('chunk-signature='.length);
      const toSign = [
        'AWS4-HMAC-SHA256-PAYLOAD',
        signing.auth.amzDate,
        scope(signing.auth.scopeDate, signing.auth.region, signing.auth.service),
        previous,
        EMPTY_SHA256,
        sha256Hex(data),
      ].join('\n');
      const expected = hmac(key, toSign).toString('hex');
      if (given !== expected) {
        throw new AwsServiceError(
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
          403,
        );
      }
      previous = expected;
    }
    if (size === 0) {
      // Trailer headers, one per line, until an empty line or the end.
      let pos = start;
      while (pos < raw.length) {
        const end = raw.indexOf('\r\n', pos);
        const line = raw.subarray(pos, end < 0 ? raw.length : end).toString('latin1');
        pos = end < 0 ? raw.length : end + 2;
        if (line === '') break;
        const colon = line.indexOf(':');
        if (colon > 0) trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      return { body: Buffer.concat(parts), trailers };
    }
    parts.push(data);
    offset = start + size;
    if (raw.subarray(offset, offset + 2).toString('latin1') !== '\r\n') {
      throw bad('aws-chunked chunk is not followed by CRLF');
    }
    offset += 2;
  }
}
