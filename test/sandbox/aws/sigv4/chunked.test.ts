import { describe, expect, it } from 'vitest';
import { decodeAwsChunked } from '../../../../sandbox/aws/sigv4/chunked.js';
import type { SigV4Auth } from '../../../../sandbox/aws/sigv4/parse.js';

// The worked example of AWS's "Signature Calculations for the Authorization
// Header: Transferring Payload in Multiple Chunks" (S3 API reference).
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const CHUNK_SIGS = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];

const auth: SigV4Auth = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  scopeDate: '20130524',
  region: 'us-east-1',
  service: 's3',
  signedHeaders: [],
  signature: SEED,
  amzDate: '20130524T000000Z',
  presigned: false,
};

function body(sigs: string[]): Buffer {
  const data = Buffer.alloc(66_560, 'a');
  const chunks = [data.subarray(0, 65_536), data.subarray(65_536), Buffer.alloc(0)];
  return Buffer.concat(
    chunks.flatMap((c, i) => [
      Buffer.from(`${c.length.toString(16)};chunk-signature=${sigs[i]}\r\n`),
      c,
      Buffer.from('\r\n'),
    ]),
  );
}

describe('aws-chunked decoding with chunk signatures', () => {
  it('accepts the AWS documentation example and returns the payload', () => {
    const decoded = decodeAwsChunked(body(CHUNK_SIGS), { auth, secret: SECRET });
    expect(decoded.body.equals(Buffer.alloc(66_560, 'a'))).toBe(true);
  });

  it('rejects a chunk whose signature does not chain from the seed', () => {
    const tampered = [CHUNK_SIGS[0], CHUNK_SIGS[0], CHUNK_SIGS[2]];
    expect(() => decodeAwsChunked(body(tampered), { auth, secret: SECRET })).toThrow(/signature/);
  });

  it('reads unsigned chunks and their trailer', () => {
    const raw = Buffer.from('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n');
    const decoded = decodeAwsChunked(raw);
    expect(decoded.body.toString()).toBe('hello');
    expect(decoded.trailers.get('x-amz-checksum-crc32')).toBe('NhCmhg==');
  });
});
